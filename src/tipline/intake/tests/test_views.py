"""Intake pages, each tried anonymous, without permission, permitted and from elsewhere.

Personas (conftest.py): Harish the hub analyst sees the country and imports; Bhim is a unit
officer in Beed and must never see Pune's reports; Prakash is his Pune counterpart; Aditi the
auditor reads the audit trail and nothing else; Nikhil has no grant at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tipline.intake import services
from tipline.intake.models import (
    Artifact,
    Identifier,
    ImportBatch,
    IpEvent,
    Place,
    Rejection,
    Report,
    ReportFile,
    Subject,
)

pytestmark = pytest.mark.django_db

T0 = datetime(2024, 3, 1, 6, 30, tzinfo=UTC)  # 12:00 IST


def _unmasked(html: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", html)


def login(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


@pytest.fixture
def batch(analyst: Any) -> ImportBatch:
    b = ImportBatch.objects.create(
        created_by=analyst,
        label="export-2024-03.zip",
        status=ImportBatch.Status.RUNNING,
        total=100,
        imported=35,
        duplicates=3,
        versions=1,
        rejected=1,
    )
    Rejection.objects.create(
        batch=b, file="export-2024-03.zip", position="record 17", reason="no report id"
    )
    return b


@pytest.fixture
def full_report(make_report: Callable[..., Report]) -> Report:
    """A Beed report carrying one of everything the report page shows."""
    r = make_report(
        "IN-MH-BEED",
        external_id="112233445",
        received_at=T0,
        incident_at=T0 - timedelta(days=2),
        incident_at_text="around noon, per platform",
        platform="ExampleChat",
        annotations=["sextortion"],
        ncmec_priority=1,
        referral=Report.Referral.REFERRAL,
        escalated=True,
        escalation_note="urgent: ongoing contact",
        additional_info="Platform free text about the account.",
        ncmec_notes="NCMEC analyst note.",
        reporter={"company": "ExampleChat Inc.", "email": "safety@example.com"},
        file_count=1,
    )
    suspect = Subject.objects.create(
        report=r,
        role=Subject.Role.SUSPECT,
        first_name="Ravi",
        last_name="Demo",
        esp_user_id="u-998877",
        esp_service="Chat",
        screen_name="ravi_demo",
        display_names=["R D"],
        profile_urls=["https://chat.example.com/u/ravi_demo"],
        emails=["ravi.demo@example.com"],
        phones=["+919800000001"],
        device_ids=[{"type": "IMEI", "value": "356938035643809"}],
    )
    Subject.objects.create(report=r, role=Subject.Role.VICTIM, age=13)
    Place.objects.create(
        report=r,
        subject=suspect,
        kind=Place.Kind.ADDRESS,
        street="12 Station Road",
        city="Beed",
        state="Maharashtra",
        postal_code="431122",
        country="IN",
    )
    Place.objects.create(
        report=r, kind=Place.Kind.NCMEC_GEO, ip="203.0.113.7", isp="Example ISP", city="Beed"
    )
    f = ReportFile.objects.create(
        report=r,
        filename="img_0001.jpg",
        size=204800,
        mime="image/jpeg",
        md5="0cc175b9c0f1b6a831c399e269772661",
        sha1="86f7e437faa5a7fce15d1ddcb9eaeaea377667b8",
        sha256="ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb",
        viewed_by_esp=True,
        publicly_available=False,
        relevance="Reported",
        classification="A1",
    )
    IpEvent.objects.create(
        report=r,
        subject=suspect,
        file=f,
        ip="203.0.113.7",
        port=51234,
        event="Upload",
        occurred_at=T0 - timedelta(days=2),
        possible_proxy=False,
    )
    Identifier.objects.create(
        report=r, kind=Identifier.Kind.EMAIL, value="ravi.demo@example.com", origin="suspect.email"
    )
    Artifact.objects.create(
        report=r, kind=Artifact.Kind.JSON, name="112233445.json", sha256="ef" * 32, size=5120
    )
    return r


# --- anonymous ------------------------------------------------------------------------------


def test_every_page_sends_anonymous_users_to_login(
    client: Client, make_report: Callable[..., Report], batch: ImportBatch
) -> None:
    report = make_report()
    urls = [
        reverse("intake:report_list"),
        reverse("intake:report_detail", args=[report.pk]),
        reverse("intake:batch_list"),
        reverse("intake:batch_detail", args=[batch.pk]),
        reverse("intake:batch_progress", args=[batch.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url
    response = client.post(reverse("intake:batch_list"), {})
    assert response.status_code == 302
    assert ImportBatch.objects.count() == 1


def test_login_page_and_logout(client: Client, analyst: Any) -> None:
    page = client.get(reverse("login"))
    assert page.status_code == 200
    assert b'name="username"' in page.content and b'name="password"' in page.content
    response = client.post(
        reverse("login"), {"username": "harish", "password": "correct-horse-9"}, follow=True
    )
    assert response.status_code == 200
    assert b"Log out" in response.content
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("intake:report_list")).status_code == 302


# --- without permission -----------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["nobody", "auditor"])
def test_users_without_report_view_get_404(
    client: Client,
    request: pytest.FixtureRequest,
    persona: str,
    make_report: Callable[..., Report],
    batch: ImportBatch,
) -> None:
    login(client, request.getfixturevalue(persona))
    report = make_report()
    for url in [
        reverse("intake:report_list"),
        reverse("intake:report_detail", args=[report.pk]),
        reverse("intake:batch_list"),
        reverse("intake:batch_detail", args=[batch.pk]),
        reverse("intake:batch_progress", args=[batch.pk]),
    ]:
        assert client.get(url).status_code == 404, url


def test_unit_officer_cannot_use_imports(
    client: Client, beed_officer: Any, batch: ImportBatch
) -> None:
    login(client, beed_officer)
    upload = SimpleUploadedFile("a.json", b"{}", content_type="application/json")
    assert client.get(reverse("intake:batch_list")).status_code == 404
    assert client.post(reverse("intake:batch_list"), {"uploads": [upload]}).status_code == 404
    assert client.get(reverse("intake:batch_detail", args=[batch.pk])).status_code == 404
    assert client.get(reverse("intake:batch_progress", args=[batch.pk])).status_code == 404
    assert ImportBatch.objects.count() == 1


# --- permitted, and other jurisdictions -------------------------------------------------------


def test_report_list_shows_reports_in_scope_only(
    client: Client, beed_officer: Any, make_report: Callable[..., Report]
) -> None:
    beed = make_report("IN-MH-BEED", external_id="BEED-1", received_at=T0, ncmec_priority=2)
    pune = make_report("IN-MH-PUNE", external_id="PUNE-1", received_at=T0)
    login(client, beed_officer)
    response = client.get(reverse("intake:report_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert beed.reference in html and "BEED-1" in html
    assert pune.reference not in html and "PUNE-1" not in html
    assert "01 Mar 2024, 12:00 IST" in html  # received, in IST
    assert "2024-03-01 06:30:00 UTC" in html  # and UTC on hover
    assert "Beed" in html


def test_report_list_shows_the_columns(
    client: Client, analyst: Any, make_report: Callable[..., Report]
) -> None:
    r = make_report(
        "IN-KA",
        external_id="998877",
        received_at=T0,
        platform="ExampleChat",
        ncmec_priority=1,
        file_count=3,
        status=Report.Status.ROUTED,
    )
    login(client, analyst)
    html = client.get(reverse("intake:report_list")).content.decode()
    for text in [r.reference, "998877", "Child Pornography", "ExampleChat", "Karnataka", "Routed"]:
        assert text in html
    assert reverse("intake:report_detail", args=[r.pk]) in html
    assert ">Imports<" in html and ">Audit<" not in html  # the analyst's nav


def test_report_list_query_count_does_not_grow_with_rows(
    client: Client,
    analyst: Any,
    make_report: Callable[..., Report],
    django_assert_max_num_queries: Any,
) -> None:
    login(client, analyst)
    for i in range(3):
        make_report(received_at=T0 + timedelta(minutes=i))
    client.get(reverse("intake:report_list"))  # warm the per-process jurisdiction tree
    # session, user, grants, the header's grant names and alerts count, the jurisdictions of
    # the page, the list's total, and the report queries: one or two usually, four at most
    # (keyset parts around empty values)
    budget = 10
    with django_assert_max_num_queries(budget):
        assert client.get(reverse("intake:report_list")).status_code == 200
    for i in range(60):
        make_report(["IN-MH-BEED", "IN-KA", "IN-DL"][i % 3], received_at=T0 + timedelta(hours=i))
    with django_assert_max_num_queries(budget):
        response = client.get(reverse("intake:report_list"))
    assert response.status_code == 200
    assert response.content.decode().count('class="ref"') == 25
    page = response.context["page"]
    with django_assert_max_num_queries(budget):
        client.get(reverse("intake:report_list"), {"cursor": page.next_cursor})
    with django_assert_max_num_queries(budget):
        client.get(reverse("intake:report_list"), {"sort": "priority", "state": "1"})


def test_report_list_filters_and_keyset_links(
    client: Client, analyst: Any, make_report: Callable[..., Report]
) -> None:
    made = [make_report("IN-MH-BEED", received_at=T0 + timedelta(minutes=i)) for i in range(30)]
    karnataka = make_report("IN-KA", received_at=T0 + timedelta(days=1))
    login(client, analyst)
    state = client.get(reverse("intake:report_list")).context["form"].fields["state"]
    mh = next(value for value, label in state.choices if label == "Maharashtra")
    response = client.get(reverse("intake:report_list"), {"state": mh})
    first = [r.pk for r in response.context["page"].rows]
    assert first == [r.pk for r in reversed(made)][:25]
    assert karnataka.pk not in first
    cursor = response.context["page"].next_cursor
    assert f"cursor={cursor}" in response.content.decode()
    second = client.get(reverse("intake:report_list"), {"state": mh, "cursor": cursor})
    rest = [r.pk for r in second.context["page"].rows]
    assert rest == [r.pk for r in reversed(made)][25:]
    assert not set(first) & set(rest)
    assert second.context["page"].next_cursor is None
    html = second.content.decode()
    assert 'rel="prev"' in html and 'rel="next"' not in html
    # an invalid filter value is ignored, not an error
    assert client.get(reverse("intake:report_list"), {"priority": "x"}).status_code == 200


def test_state_dropdown_lists_the_states(client: Client, analyst: Any, beed_officer: Any) -> None:
    login(client, analyst)
    choices = client.get(reverse("intake:report_list")).context["form"].fields["state"].choices
    assert len(choices) == 37  # "All" and the 36 states/UTs
    login(client, beed_officer)
    choices = client.get(reverse("intake:report_list")).context["form"].fields["state"].choices
    assert [label for _, label in choices] == ["All states / UTs", "Maharashtra"]


def test_report_page_shows_every_section(
    client: Client, beed_officer: Any, full_report: Report
) -> None:
    login(client, beed_officer)
    response = client.get(reverse("intake:report_detail", args=[full_report.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        full_report.reference,
        "112233445",
        "ExampleChat",
        "sextortion",
        "Referral",
        "urgent: ongoing contact",
        "ExampleChat Inc.",
        "Ravi Demo",
        "u-998877",
        "ravi_demo",
        "https://chat.example.com/u/ravi_demo",
        "ravi.demo@example.com",
        "+919800000001",
        "356938035643809",
        "Victim",
        "12 Station Road",
        "431122",
        "Example ISP",
        "203.0.113.7",
        "51234",
        "Upload",
        "2024-02-28 06:30:00 UTC",
        "img_0001.jpg",
        "image/jpeg",
        "0cc175b9c0f1b6a831c399e269772661",
        "86f7e437faa5a7fce15d1ddcb9eaeaea377667b8",
        "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb",
        "A1",
        "Reported",
        "suspect.email",
        "112233445.json",
        "ef" * 32,
        "Platform free text about the account.",
        "NCMEC analyst note.",
        "2024-03-01 12:00:00 IST",
        "2024-03-01 06:30:00 UTC",
    ]:
        assert text in html, text
    assert "<img" not in html and "<video" not in html  # no media, ever
    assert 'href="https://chat.example.com' not in html  # profile URLs are text, not links


def test_report_page_is_a_fixed_number_of_queries(
    client: Client, beed_officer: Any, full_report: Report, django_assert_max_num_queries: Any
) -> None:
    login(client, beed_officer)
    url = reverse("intake:report_detail", args=[full_report.pk])
    client.get(url)
    # 13 reads + the report.viewed audit event (chain head lock, insert, head update)
    # + its cluster (none here; a linked report adds a fixed 4, tested in routing)
    # + its media summary (hash matches add one query, tested in media) + review decisions
    # + the device that passed the session's second factor (django-otp's middleware)
    # + the unread count in the menu (alerts)
    with django_assert_max_num_queries(22):
        assert client.get(url).status_code == 200


def test_report_page_from_another_jurisdiction_is_404(
    client: Client,
    beed_officer: Any,
    pune_officer: Any,
    mh_nodal: Any,
    make_report: Callable[..., Report],
) -> None:
    pune = make_report("IN-MH-PUNE")
    url = reverse("intake:report_detail", args=[pune.pk])
    login(client, beed_officer)
    forbidden = client.get(url)
    missing = client.get(reverse("intake:report_detail", args=[10**8]))
    assert forbidden.status_code == missing.status_code == 404
    # forbidden looks exactly like missing (but for the per-response CSRF mask)
    assert _unmasked(forbidden.content) == _unmasked(missing.content)
    login(client, pune_officer)
    assert client.get(url).status_code == 200
    login(client, mh_nodal)
    assert client.get(url).status_code == 200


def test_report_page_links_versions_the_user_may_see(
    client: Client, beed_officer: Any, make_report: Callable[..., Report]
) -> None:
    v1 = make_report("IN-MH-BEED", external_id="555", is_current=False)
    v2 = make_report("IN-MH-BEED", external_id="555", version=2, supersedes=v1)
    v3 = make_report("IN-MH-PUNE", external_id="555", version=3)
    login(client, beed_officer)
    html = client.get(reverse("intake:report_detail", args=[v2.pk])).content.decode()
    assert reverse("intake:report_detail", args=[v1.pk]) in html
    assert reverse("intake:report_detail", args=[v3.pk]) not in html


# --- imports ---------------------------------------------------------------------------------


def test_batch_pages_for_the_hub(client: Client, analyst: Any, batch: ImportBatch) -> None:
    login(client, analyst)
    listing = client.get(reverse("intake:batch_list"))
    assert listing.status_code == 200
    assert b"export-2024-03.zip" in listing.content
    assert b'type="file"' in listing.content and b"multiple" in listing.content

    page = client.get(reverse("intake:batch_detail", args=[batch.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    for text in ["Running", "40", "100", "35", "record 17", "no report id", "batch_progress.js"]:
        assert text in html, text
    assert reverse("intake:batch_progress", args=[batch.pk]) in html

    progress = client.get(reverse("intake:batch_progress", args=[batch.pk]))
    assert progress.status_code == 200
    assert progress["Cache-Control"] == "no-store"
    data = progress.json()
    assert data["status"] == "running" and data["running"] is True
    assert (data["done"], data["total"], data["imported"], data["duplicates"]) == (40, 100, 35, 3)
    assert (data["versions"], data["rejected"]) == (1, 1)


def test_finished_batch_is_not_polled(client: Client, analyst: Any, batch: ImportBatch) -> None:
    batch.status = ImportBatch.Status.DONE
    batch.save(update_fields=["status"])
    login(client, analyst)
    html = client.get(reverse("intake:batch_detail", args=[batch.pk])).content.decode()
    assert 'data-running="0"' in html
    assert client.get(reverse("intake:batch_progress", args=[batch.pk])).json()["running"] is False


def test_missing_batch_is_404(client: Client, analyst: Any) -> None:
    login(client, analyst)
    assert client.get(reverse("intake:batch_detail", args=[999])).status_code == 404
    assert client.get(reverse("intake:batch_progress", args=[999])).status_code == 404


def test_upload_hands_the_files_to_the_service(
    client: Client, analyst: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, Any] = {}

    def fake_upload(*, actor: Any, files: list[Any]) -> ImportBatch:
        seen["actor"], seen["names"] = actor, [f.name for f in files]
        return ImportBatch.objects.create(created_by=actor, label="fake")

    monkeypatch.setattr(services, "batch_upload", fake_upload, raising=False)
    login(client, analyst)
    files = [
        SimpleUploadedFile("one.json", b"{}", content_type="application/json"),
        SimpleUploadedFile("two.csv", b"a,b\n", content_type="text/csv"),
    ]
    response = client.post(reverse("intake:batch_list"), {"uploads": files})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("intake:batch_detail", args=[batch.pk])
    assert seen == {"actor": analyst, "names": ["one.json", "two.csv"]}


def test_upload_refuses_other_file_types(
    client: Client, analyst: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        services, "batch_upload", lambda **kw: pytest.fail("must not be called"), raising=False
    )
    login(client, analyst)
    upload = SimpleUploadedFile("photo.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(reverse("intake:batch_list"), {"uploads": [upload]})
    assert response.status_code == 200
    assert b"Not a file Tipline imports" in response.content
    assert client.post(reverse("intake:batch_list"), {}).status_code == 200  # no file chosen
    assert ImportBatch.objects.count() == 0


@pytest.mark.skipif(
    not hasattr(services, "batch_upload"), reason="intake.services.batch_upload not written yet"
)
def test_upload_creates_a_queued_batch(client: Client, analyst: Any) -> None:
    login(client, analyst)
    upload = SimpleUploadedFile("tips.csv", b"report_id\n1\n", content_type="text/csv")
    response = client.post(reverse("intake:batch_list"), {"uploads": [upload]}, follow=True)
    batch = ImportBatch.objects.get()
    assert response.redirect_chain[-1][0] == reverse("intake:batch_detail", args=[batch.pk])
    assert batch.created_by == analyst
    assert "tips.csv" in batch.label
    assert b"tips.csv" in response.content


def test_a_failed_upload_is_retried_from_its_page(
    client: Client, analyst: Any, batch: ImportBatch, django_capture_on_commit_callbacks: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    from tipline.audit.models import AuditEvent

    batch.status, batch.error = ImportBatch.Status.FAILED, "the import stopped: its worker died"
    batch.paths = [{"name": "export.zip", "sha256": "0" * 64, "size": 1}]
    batch.save(update_fields=["status", "error", "paths"])
    login(client, analyst)
    url = reverse("intake:batch_retry", args=[batch.pk])
    page = client.get(reverse("intake:batch_detail", args=[batch.pk])).content.decode()
    assert url in page and "Retry" in page
    assert client.get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.QUEUED
    assert AuditEvent.objects.filter(action="import.retried", actor=analyst).count() == 1
    queued = DBTaskResult.objects.get(task_path="tipline.intake.tasks.import_batch_run")
    assert queued.args_kwargs["kwargs"] == {"batch_id": batch.pk}
    # a batch that has not failed offers nothing to retry, and refuses a retry
    page = client.get(reverse("intake:batch_detail", args=[batch.pk])).content.decode()
    assert url not in page
    response = client.post(url, follow=True)
    assert "only a failed import of uploaded files can be retried" in response.content.decode()
    assert AuditEvent.objects.filter(action="import.retried").count() == 1


@pytest.mark.parametrize("params", [
    {"received_to": "9999-12-31"},
    {"received_from": "0001-01-01"},
    {"received_from": "0001-01-01", "received_to": "9999-12-31"},
])
def test_an_out_of_range_date_is_a_form_error_not_a_500(
        client: Client, analyst: Any, make_report: Callable[..., Report],
        params: dict[str, str]) -> None:
    """A date the database cannot hold (a day after 9999-12-31, a day before year 1 in IST)
    is named as ignored, and the list is shown without it."""
    make_report("IN-MH-BEED")
    client.raise_request_exception = False
    response = login(client, analyst).get(reverse("intake:report_list"), params)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == set(params), errors
    assert "Ignored" in response.content.decode()
    assert len(response.context["page"].rows) == 1
