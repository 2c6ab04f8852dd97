"""The public tip form: a tip becomes a public report with its clues and files, follows the
flow, and its sender can ask after it with the tracking number and secret, and nothing more."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import pytest
from django.contrib.auth.hashers import check_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tipline.audit.models import AuditEvent
from tipline.core.blobs import blob_path, blob_read, blob_root
from tipline.intake.models import Report, ReportFile, Source
from tipline.tips.models import Tip
from tipline.tips.tests.helpers import png, post_tip, receipt

pytestmark = pytest.mark.django_db


@pytest.fixture
def flow(tree: None, immediate_tasks: None, django_capture_on_commit_callbacks: Any) -> Any:
    """Tips whose after-commit work (scan, routing) runs, inline."""
    return django_capture_on_commit_callbacks


def test_a_tip_becomes_a_public_report_that_follows_the_flow(client: Client, flow: Any) -> None:
    data = png()
    with flow(execute=True):
        response = post_tip(client,
                            attachments=[SimpleUploadedFile("photo.png", data, "image/png")])
    assert response.status_code == 200
    tracking, secret = receipt(response)
    assert tracking.startswith("TIP-") and len(tracking) == 13
    assert "photo.png" not in response.content.decode()  # never shown back
    tip = Tip.objects.select_related("report").get(tracking=tracking)
    report = tip.report
    assert report.source == Source.PUBLIC and report.external_id == tracking
    assert report.additional_info == "A channel on ExampleChat shares abuse videos of children."
    assert report.urls == ["https://chat.example.com/c/123", "http://files.example.net/x/9"]
    place = report.places.get()
    assert (place.kind, place.state, place.district, place.postal_code, place.street,
            place.country) == ("incident", "Maharashtra", "Beed", "431122",
                               "Near the bus stand", "India")
    # the secret is kept only as a hash
    assert secret not in tip.secret_hash and check_password(secret, tip.secret_hash)
    # the file: stored encrypted, scanned once the tip committed
    file = ReportFile.objects.get(report=report)
    assert file.stored and file.sha256 == hashlib.sha256(data).hexdigest()
    assert blob_read(file.sha256) == data
    assert data not in blob_path(file.sha256).read_bytes()  # encrypted at rest
    assert file.scan.scanned_at is not None
    # routing placed it from its clues (Beed, PIN 431122)
    report.refresh_from_db()
    assert (report.location.state, report.location.pin) == ("MH", "431122")
    assert report.jurisdiction.code.startswith("IN-MH")
    assert AuditEvent.objects.filter(action="tip.received", object_id=str(report.pk)).exists()


def test_the_hub_sees_what_the_tipster_typed(client: Client, flow: Any, analyst: Any) -> None:
    with flow(execute=True):
        response = post_tip(client, contact="contact", name="Sunita Rao", phone="98765 43210",
                            email="sunita@example.org", place="Shivaji Nagar, lane 4")
    tracking, _ = receipt(response)
    report = Tip.objects.get(tracking=tracking).report
    assert report.reporter == {"name": "Sunita Rao", "phone": "9876543210",
                               "email": "sunita@example.org"}
    staff = Client()
    staff.force_login(analyst)
    page = staff.get(f"/reports/{report.pk}/").content.decode()
    for typed in ("A channel on ExampleChat shares abuse videos of children.", "Beed",
                  "431122", "Shivaji Nagar, lane 4", "https://chat.example.com/c/123",
                  "Sunita Rao", "9876543210", "sunita@example.org", tracking, "Public tip"):
        assert typed in page, typed


def test_an_anonymous_tip_keeps_no_contact_details(client: Client, flow: Any) -> None:
    with flow(execute=True):
        response = post_tip(client, contact="anonymous", name="Sunita Rao",
                            phone="9876543210", email="sunita@example.org")
    tracking, _ = receipt(response)
    tip = Tip.objects.select_related("report").get(tracking=tracking)
    assert tip.anonymous and tip.report.reporter == {}
    stored = repr(list(Report.objects.filter(pk=tip.report_id).values()))
    stored += repr(list(tip.report.artifacts.values()))
    for detail in ("Sunita", "9876543210", "sunita@example.org"):
        assert detail not in stored
    assert "sunita" not in repr(list(AuditEvent.objects.values())).lower()


def test_status_with_the_right_secret_and_the_same_refusal_for_any_wrong_one(
        client: Client, flow: Any) -> None:
    with flow(execute=True):
        tracking, secret = receipt(post_tip(client))
    right = client.post("/tip/status/", {"tracking": tracking.lower().replace("-", " "),
                                         "secret": f" {secret.lower()} "})
    assert right.status_code == 200
    text = right.content.decode()
    assert "Forwarded to the police." in text
    assert "Beed" not in text and "IN-MH" not in text  # no unit, no place: the status alone
    other_secret = secret[:-1] + ("0" if secret[-1] != "0" else "1")
    wrong_secret = client.post("/tip/status/", {"tracking": tracking, "secret": other_secret})
    wrong_number = client.post("/tip/status/", {"tracking": "TIP-0000-0000", "secret": secret})
    assert wrong_secret.status_code == wrong_number.status_code == 404
    refusals = {re.search(r'id="status-error">([^<]+)<', r.content.decode()).group(1)  # type: ignore[union-attr]
                for r in (wrong_secret, wrong_number)}
    assert refusals == {"We found no tip with that tracking number and secret. Please check "
                        "both and try again."}


def test_status_says_received_then_closed(client: Client, tree: None,
                                          django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=False):  # nothing after it runs
        tracking, secret = receipt(post_tip(client))
    answer = client.post("/tip/status/", {"tracking": tracking, "secret": secret})
    assert "Received: it is waiting to be looked at." in answer.content.decode()
    Report.objects.filter(tip__tracking=tracking).update(status=Report.Status.CLOSED)
    answer = client.post("/tip/status/", {"tracking": tracking, "secret": secret})
    assert "Closed." in answer.content.decode()


def test_tips_over_the_hourly_limit_are_refused_clearly(client: Client, tree: None,
                                                        settings: Any) -> None:
    settings.TIP_PER_HOUR = 1
    assert post_tip(client).status_code == 200
    refused = post_tip(client)
    assert refused.status_code == 429
    assert "Too many tips have been sent from your connection" in refused.content.decode()
    assert Report.objects.count() == 1
    other = Client(REMOTE_ADDR="10.9.8.7")  # another address has its own count
    assert post_tip(other).status_code == 200


def test_status_look_ups_over_the_minute_limit_are_refused_clearly(
        client: Client, tree: None, settings: Any) -> None:
    settings.TIP_STATUS_PER_MINUTE = 2
    for _ in range(2):
        assert client.post("/tip/status/", {"tracking": "TIP-0000-0000",
                                            "secret": "AAAA"}).status_code == 404
    refused = client.post("/tip/status/", {"tracking": "TIP-0000-0000", "secret": "AAAA"})
    assert refused.status_code == 429
    assert "Too many look-ups" in refused.content.decode()


def test_without_javascript_the_question_is_asked_and_checked(client: Client,
                                                               tree: None) -> None:
    page = client.get("/tip/").content.decode()
    assert "<noscript>" in page and "What is " in page
    assert post_tip(client, solve="question").status_code == 200
    wrong = post_tip(client, solve="none", question_answer="99")
    assert wrong.status_code == 400
    assert "The answer to the question is not right." in wrong.content.decode()
    missing = post_tip(client, solve="none")
    assert "Please answer the question at the end of the form." in missing.content.decode()
    assert Report.objects.count() == 1


def test_a_challenge_works_once(client: Client, tree: None) -> None:
    from tipline.tips.challenges import pow_solve
    from tipline.tips.tests.helpers import page_challenge, tip_fields

    challenge = page_challenge(client.get("/tip/").content)
    data = tip_fields(pow_token=challenge["pow_token"],
                      pow_solution=pow_solve(challenge["pow_token"]))
    assert client.post("/tip/", data).status_code == 200
    replayed = client.post("/tip/", data)
    assert replayed.status_code == 400
    assert "This form was already sent once." in replayed.content.decode()
    assert Report.objects.count() == 1


@pytest.mark.parametrize(("fields", "message"), [
    ({"pin": "43112"}, "A PIN code is six digits"),
    ({"pin": "031122"}, "A PIN code is six digits"),
    ({"links": "https://ok.example.com/a\nftp://files.example.com/x"},
     "“ftp://files.example.com/x” is not a web address starting with http:// or https://."),
    ({"links": "javascript:alert(1)"}, "is not a web address"),
    ({"what": ""}, "Please tell us what happened."),
    ({"contact": "contact"}, "Please give a name, phone number or email address"),
    ({"contact": "contact", "email": "not-an-address"}, "Please enter a valid email address."),
])
def test_bad_input_is_refused_clearly_and_nothing_is_stored(
        client: Client, tree: None, fields: dict[str, str], message: str) -> None:
    response = post_tip(client, attachments=[SimpleUploadedFile("a.png", png(), "image/png")],
                        **fields)
    assert response.status_code == 400
    text = response.content.decode()
    assert message in text, text
    assert "Choose your files again" in text
    assert not Report.objects.exists() and not Tip.objects.exists()
    assert not blob_root().exists() or not any(blob_root().rglob("*.*"))


def test_an_oversized_file_or_too_many_are_refused(client: Client, tree: None,
                                                   settings: Any) -> None:
    settings.TIP_MAX_FILE_BYTES = 1000
    big = post_tip(client, attachments=[SimpleUploadedFile("big.png", png(2), "image/png")])
    assert big.status_code == 400
    assert "“big.png” is too large: a file may be at most 1000" in big.content.decode()
    settings.TIP_MAX_FILE_BYTES, settings.TIP_MAX_FILES = 10**6, 1
    many = post_tip(client, attachments=[SimpleUploadedFile(f"{i}.png", png(i), "image/png")
                                   for i in range(2)])
    assert "Please attach at most 1 file." in many.content.decode()
    assert not Report.objects.exists()
    assert not blob_root().exists() or not any(blob_root().rglob("*.*"))


def test_hindi_when_the_browser_asks_for_it(client: Client, tree: None) -> None:
    page = client.get("/tip/", HTTP_ACCEPT_LANGUAGE="hi").content.decode()
    assert '<html lang="hi">' in page
    assert "112" in page and "आपातकाल" in page  # the emergency line, in Hindi
    assert "महाराष्ट्र" in page  # the states, in Hindi
    assert ">English</button>" in page  # each language named in itself, for the switch
    english = client.get("/tip/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in english and "In an emergency" in english


def test_hindi_errors_and_the_language_switch(client: Client, tree: None) -> None:
    switched = client.post("/i18n/setlang/", {"language": "hi", "next": "/tip/"})
    assert switched.status_code == 302 and switched["Location"] == "/tip/"
    refused = post_tip(client, pin="12")
    assert refused.status_code == 400
    assert "पिन कोड" in refused.content.decode()
    assert '<html lang="hi">' in client.get("/tip/status/").content.decode()


def test_the_staff_pages_do_not_follow_the_browser(client: Client, tree: None) -> None:
    """A browser that prefers Hindi still gets the staff's pages in English; a person's
    choice with the switch is what changes them (core/tests/test_locale.py)."""
    page = client.get("/login/", HTTP_ACCEPT_LANGUAGE="hi")
    assert page.status_code == 200
    assert page.get("Content-Language") == "en-gb"
    assert "Password" in page.content.decode()


def test_behind_a_proxy_the_address_is_the_one_the_proxy_added(
        client: Client, tree: None, settings: Any) -> None:
    settings.TIP_PER_HOUR = 1
    settings.TIP_CLIENT_ADDRESS_HEADER = "HTTP_X_FORWARDED_FOR"
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    first = post_tip(proxy, headers={"HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.7"})
    assert first.status_code == 200
    # a visitor can't reset their count by making up the first entry
    again = post_tip(proxy, headers={"HTTP_X_FORWARDED_FOR": "5.6.7.8, 203.0.113.7"})
    assert again.status_code == 429
    assert post_tip(proxy, headers={"HTTP_X_FORWARDED_FOR": "203.0.113.8"}).status_code == 200
