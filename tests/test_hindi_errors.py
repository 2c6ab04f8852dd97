"""The services' refusals in the reader's language: a Hindi user who submits a bad form on a
web page reads why in Hindi, an English one in English; the JSON API and /ispws/ answer in
English whatever language cookie a request carries (their messages are read by programs)."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tipline.accounts.models import Role
from tipline.accounts.services import api_token_create, grant_add, user_create
from tipline.cases.models import Case
from tipline.cases.tests.helpers import open_case

pytestmark = pytest.mark.django_db

HINDI_NO_CASE = ("डुप्लिकेट के रूप में बंद करने के लिए दूसरे केस का नाम देना ज़रूरी है "
                 "(जैसे TLC-00000123); कोई केस 'TLC-99999999' नहीं है")
ENGLISH_NO_CASE = ("a duplicate closure must name the other case (e.g. TLC-00000123); "
                   "no case &#x27;TLC-99999999&#x27;")


def _in(client: Client, language: str) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _close_as_duplicate_of_nothing(client: Client, case: Case) -> str:
    url = reverse("cases:case_action", kwargs={"pk": case.pk, "action": "close"})
    response = client.post(url, {"reason": "duplicate", "duplicate_of": "TLC-99999999"},
                           follow=True)
    assert response.status_code == 200
    return response.content.decode()


def test_closing_a_case_as_duplicate_of_no_case(make_report: Any, beed_officer: Any) -> None:
    case = open_case(make_report, "IN-MH-BEED")
    client = Client()
    client.force_login(beed_officer)
    english = _close_as_duplicate_of_nothing(client, case)
    assert ENGLISH_NO_CASE in english and "डुप्लिकेट के रूप में" not in english
    hindi = _close_as_duplicate_of_nothing(_in(client, "hi"), case)
    assert HINDI_NO_CASE.replace("'", "&#x27;") in hindi
    assert "a duplicate closure must name" not in hindi
    assert not Case.objects.get(pk=case.pk).is_closed


def test_a_case_that_cannot_be_closed_so_names_its_state_and_reasons_in_hindi(
        make_report: Any, beed_officer: Any) -> None:
    """The status and the allowed reasons in the message are the page's language too."""
    case = open_case(make_report, "IN-MH-BEED")
    client = _in(Client(), "hi")
    client.force_login(beed_officer)
    page = client.post(reverse("cases:case_action", kwargs={"pk": case.pk, "action": "close"}),
                       {"reason": "disposed"}, follow=True).content.decode()
    assert "उसे केवल इस तरह बंद किया जा सकता है:" in page
    assert "can be closed only as" not in page and "Not pursued: false positive" not in page


def test_a_bad_assignment_in_the_routing_queue(make_report: Any, analyst: Any) -> None:
    report = make_report("IN")
    client = Client()
    client.force_login(analyst)
    post = {"report": [report.pk], "to_other": "Atlantis", "reason": "wrong place, test"}
    english = client.post(reverse("routing:bulk_assign"), post, follow=True).content.decode()
    assert "no jurisdiction or unit named &#x27;Atlantis&#x27;" in english
    hindi = _in(client, "hi").post(reverse("routing:bulk_assign"), post,
                                   follow=True).content.decode()
    assert "&#x27;Atlantis&#x27; नाम का कोई क्षेत्राधिकार या यूनिट नहीं है" in hindi
    assert "no jurisdiction or unit named" not in hindi
    nothing = client.post(reverse("routing:bulk_assign"), {"to_other": "Beed",
                                                           "reason": "wrong place, test"},
                          follow=True).content.decode()
    assert "सौंपने के लिए रिपोर्टें चुनें" in nothing and "select the reports" not in nothing


def _district_viewer(tree: None) -> Any:
    """A person whose role does not need a second factor (nothing sensitive), so the pages
    let them in without one."""
    Role.objects.create(code="district_viewer", name="District viewer",
                        actions=["report.view", "case.update"])
    user = user_create(actor=None, username="dilip", password="correct-horse-9")  # noqa: S106
    grant_add(actor=None, user=user, role_code="district_viewer",
              jurisdiction_code="IN-MH-BEED")
    return user


def test_second_factor_refusals_in_hindi(tree: None) -> None:
    """New recovery codes without an authenticator (a service's refusal), and a wrong code
    at enrolment (the page's own message), both in Hindi."""
    _district_viewer(tree)
    client = Client()
    assert client.post(reverse("login"), {"username": "dilip",
                                          "password": "correct-horse-9"}).status_code == 302
    codes = reverse("accounts:otp_codes")
    assert "set up an authenticator first" in client.post(codes).content.decode()
    hindi = _in(client, "hi").post(codes).content.decode()
    assert "पहले ऑथेंटिकेटर ऐप सेट करें" in hindi and "set up an authenticator" not in hindi
    enrol = reverse("accounts:otp_enrol")
    assert client.get(enrol).status_code == 200
    wrong = client.post(enrol, {"code": "000000"}).content.decode()
    assert "छह अंक" in wrong or "कोड सही नहीं" in wrong
    assert "That code is not right" not in wrong


def test_the_api_answers_in_english_even_with_a_hindi_cookie(make_report: Any,
                                                             beed_officer: Any) -> None:
    case = open_case(make_report, "IN-MH-BEED")
    _, token = api_token_create(actor=None, user=beed_officer, name="test")
    api = _in(Client(raise_request_exception=False), "hi")
    response = api.post(f"/api/cases/{case.pk}/status",
                        {"action": "close", "reason": "duplicate",
                         "duplicate_of": "TLC-99999999"},
                        content_type="application/json",
                        headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "a duplicate closure must name the other case (e.g. TLC-00000123); "
        "no case 'TLC-99999999'")
    assert response["Content-Language"] != "hi"


def test_ispws_speaks_english_even_with_a_hindi_cookie(tree: None) -> None:
    response = _in(Client(raise_request_exception=False), "hi").get("/ispws/status")
    assert response["Content-Language"] == settings.LANGUAGE_CODE
    # and the staff's pages follow the same cookie into Hindi
    assert _in(Client(), "hi").get(reverse("login"))["Content-Language"] == "hi"


def test_a_packet_with_nothing_to_send(mh_nodal: Any, make_report: Any) -> None:
    """Beed has a report waiting, received in 2020: a packet of what came since 2026 is
    refused."""
    from tipline.intake.models import Report

    beed = make_report("IN-MH-BEED", status=Report.Status.ROUTED).jurisdiction.name
    client = Client()
    client.force_login(mh_nodal)
    url = reverse("dispatch:packet_new")
    post = {"target": "IN-MH-BEED", "since": "2026-01-01"}
    english = client.post(url, post).content.decode()
    assert f"no routed reports are waiting to be sent to {beed}" in english
    hindi = _in(client, "hi").post(url, post).content.decode()
    assert f"{beed} को भेजे जाने के लिए कोई रूट की गई रिपोर्ट प्रतीक्षा में नहीं है" in hindi
    assert "no routed reports are waiting" not in hindi
