"""The CyberTipline Reporting API under /ispws/: a platform's client walks it as it walks
NCMEC's (status, submit, upload, fileinfo, finish; submit, retract), and every wrong call
gets NCMEC's code."""

from __future__ import annotations

import base64
import hashlib
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tasks_db.models import DBTaskResult
from lxml import etree
from PIL import Image

from tipline.accounts.services import grant_add, system_user, user_create
from tipline.audit.models import AuditEvent
from tipline.intake.models import Report, Submission
from tipline.intake.tasks import submissions_expire_task
from tipline.intake.tests import builders as b
from tipline.routing.placement import reports_route_chunks

pytestmark = pytest.mark.django_db

PASSWORD = "platform-secret-9"  # noqa: S105


@pytest.fixture
def platform(tree: None) -> Any:
    user = user_create(actor=None, username="examplechat", password=PASSWORD)
    grant_add(actor=None, user=user, role_code="platform", jurisdiction_code="IN")
    return user


def auth(username: str = "examplechat", password: str = PASSWORD) -> dict[str, str]:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


def answer(response: Any) -> dict[str, Any]:
    """The XML answer's fields (responseCode as an int), and its root's name."""
    assert response["Request-ID"]
    root = etree.fromstring(response.content)
    out: dict[str, Any] = {"root": root.tag}
    for child in root:
        out[child.tag] = [f.text for f in child] if child.tag == "files" else child.text
    out["responseCode"] = int(out["responseCode"])
    return out


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 120, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def report_body(**kwargs: Any) -> bytes:
    """The builders' report as a platform sends it: on its own, its files described by
    `fileinfo` (`<fileDetails>` inside a report is a batch-file extension, not NCMEC's)."""
    xml = b.xml_report(None, **kwargs)
    start, end = xml.index("<fileDetails>"), xml.index("</fileDetails>") + len("</fileDetails>")
    return (xml[:start] + xml[end:]).encode()


def submit(client: Client, xml: bytes | None = None, **headers: str) -> dict[str, Any]:
    body = xml if xml is not None else report_body()
    return answer(client.post("/ispws/submit", body, content_type="application/xml",
                              **(headers or auth())))


def unrouted() -> list[int]:
    return [i for ids, _ in reports_route_chunks(actor=system_user("test"), processes=0)
            for i in ids]


def test_a_platform_client_walks_submit_upload_fileinfo_finish(
        client: Client, platform: Any, immediate_tasks: None,
        django_capture_on_commit_callbacks: Any) -> None:
    assert answer(client.get("/ispws/status", **auth()))["responseCode"] == 0
    opened = submit(client)
    assert (opened["root"], opened["responseCode"]) == ("reportResponse", 0)
    report_id = opened["reportId"]
    submission = Submission.objects.get(pk=int(report_id))
    assert submission.state == "open" and submission.account == platform
    report = submission.report
    assert report is not None and report.source == "platform"
    data = png()
    with django_capture_on_commit_callbacks(execute=True):
        uploaded = answer(client.post("/ispws/upload", {
            "id": report_id, "file": SimpleUploadedFile("a.png", data, "image/png")}, **auth()))
    assert uploaded["responseCode"] == 0
    assert uploaded["hash"] == hashlib.md5(data).hexdigest()  # noqa: S324 - NCMEC's field
    file = report.files.get(pk=int(uploaded["fileId"]))
    assert file.stored and file.sha256 == hashlib.sha256(data).hexdigest()
    assert file.scan.scanned_at is not None  # scanned the moment it landed
    details = (f"<fileDetails><reportId>{report_id}</reportId><fileId>{file.pk}</fileId>"
               "<fileName>a.png</fileName><originalFileName>IMG_0001.png</originalFileName>"
               "<fileViewedByEsp>true</fileViewedByEsp></fileDetails>").encode()
    described = answer(client.post("/ispws/fileinfo", details, content_type="application/xml",
                                   **auth()))
    assert described["responseCode"] == 0
    file.refresh_from_db()
    assert (file.original_filename, file.viewed_by_esp) == ("IMG_0001.png", True)
    assert report.pk not in unrouted()  # open: not routed while the platform sends it
    with django_capture_on_commit_callbacks(execute=True):
        done = answer(client.post("/ispws/finish", {"id": report_id}, **auth()))
    assert (done["root"], done["responseCode"], done["reportId"]) == (
        "reportDoneResponse", 0, report_id)
    assert done["files"] == [str(file.pk)]
    report.refresh_from_db()
    assert report.location is not None  # routed once finished (the route task ran)
    for call, form in (("upload", {"id": report_id, "file": SimpleUploadedFile("b.png", data)}),
                       ("finish", {"id": report_id}), ("retract", {"id": report_id})):
        late = answer(client.post(f"/ispws/{call}", form, **auth()))
        assert late["responseCode"] == 5102, call


def test_submit_then_retract_keeps_the_report_never_routed(
        client: Client, platform: Any, hub_admin: Any) -> None:
    report_id = submit(client)["reportId"]
    assert answer(client.post("/ispws/retract", {"id": report_id}, **auth()))[
        "responseCode"] == 0
    submission = Submission.objects.get(pk=int(report_id))
    assert submission.state == "retracted" and Report.objects.filter(
        pk=submission.report_id).exists()
    assert submission.report_id not in unrouted()
    client.force_login(hub_admin)
    page = client.get(f"/reports/{submission.report_id}/").content.decode()
    assert "Retracted by the platform" in page and "never routed" in page
    client.logout()
    for call in ("retract", "finish"):
        assert answer(client.post(f"/ispws/{call}", {"id": report_id}, **auth()))[
            "responseCode"] == 5101
    assert answer(client.post("/ispws/finish", {"id": "999999"}, **auth()))[
        "responseCode"] == 5001


def test_wrong_credentials_and_accounts_that_are_not_platforms(
        client: Client, platform: Any, analyst: Any) -> None:
    response = client.get("/ispws/status", **auth(password="wrong"))
    assert response.status_code == 401 and "Basic" in response["WWW-Authenticate"]
    assert answer(response)["responseCode"] == 2000
    assert answer(client.get("/ispws/status"))["responseCode"] == 2000
    user_create(actor=None, username="hub-person", password=PASSWORD)
    assert answer(client.get("/ispws/status", **auth("hub-person")))["responseCode"] == 3100


def test_bodies_that_do_not_read(client: Client, platform: Any) -> None:
    malformed = submit(client, b"<report><incidentSummary>")
    assert malformed["responseCode"] == 4110
    doctype = submit(client, b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e "x">]><report/>')
    assert doctype["responseCode"] == 4110
    no_reporter = submit(client, b"<report><incidentSummary><incidentType>"
                         + b.CP.encode() + b"</incidentType><incidentDateTime>"
                         b"2024-03-01T10:00:00Z</incidentDateTime></incidentSummary></report>")
    assert no_reporter["responseCode"] == 4100
    assert "reporter is required" in no_reporter["responseDescription"]
    body = report_body()
    reporter = body[body.index(b"<reporter>"):body.index(b"</reporter>") + len(b"</reporter>")]
    swapped = body.replace(reporter, b"").replace(b"<incidentSummary>",
                                                  reporter + b"<incidentSummary>")
    out_of_order = submit(client, swapped)
    assert out_of_order["responseCode"] == 4100
    assert "<incidentSummary> must come before <reporter>" in out_of_order[
        "responseDescription"]
    wrong_root = submit(client, b"<fileDetails/>")
    assert wrong_root["responseCode"] == 4100 and "<report>" in wrong_root[
        "responseDescription"]
    assert not Submission.objects.exists()  # nothing half-written


def test_limits_answer_with_codes(client: Client, platform: Any, settings: Any) -> None:
    settings.ISPWS_MAX_FILES = 1
    report_id = submit(client)["reportId"]
    first = client.post("/ispws/upload", {"id": report_id, "file": SimpleUploadedFile(
        "a.png", png())}, **auth())
    assert answer(first)["responseCode"] == 0
    second = answer(client.post("/ispws/upload", {"id": report_id, "file": SimpleUploadedFile(
        "b.png", png())}, **auth()))
    assert second["responseCode"] == 4000 and "most files" in second["responseDescription"]
    settings.ISPWS_MAX_FILE_BYTES = 10
    big = answer(client.post("/ispws/upload", {"id": report_id, "file": SimpleUploadedFile(
        "c.png", png())}, **auth()))
    assert big["responseCode"] in (4000, 1111)
    settings.ISPWS_REQUESTS_PER_MINUTE = 1
    limited = client.get("/ispws/status", **auth())
    assert limited.status_code == 429 and answer(limited)["responseCode"] == 4000


def test_an_unfinished_report_expires_as_ncmec_says(client: Client, platform: Any,
                                                    settings: Any) -> None:
    """Deleted 24 hours after it was opened or 1 hour after its last change, whichever is
    later: a report opened 25 hours ago but changed 30 minutes ago is still open; one left
    alone for 2 hours after that is gone, with its report."""
    from datetime import timedelta

    from django.utils import timezone

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    report_id = submit(client)["reportId"]
    now = timezone.now()
    Submission.objects.filter(pk=int(report_id)).update(
        opened_at=now - timedelta(hours=25), changed_at=now - timedelta(minutes=30))
    assert answer(client.post("/ispws/retract", {"id": "0"}, **auth()))["responseCode"] == 5001
    assert Submission.objects.get(pk=int(report_id)).state == "open"  # not yet due
    report_pk = Submission.objects.get(pk=int(report_id)).report_id
    Submission.objects.filter(pk=int(report_id)).update(changed_at=now - timedelta(hours=2))
    expired = answer(client.post("/ispws/finish", {"id": report_id}, **auth()))
    assert expired["responseCode"] == 5001  # past its deadline: refused before it is deleted
    assert Submission.objects.filter(pk=int(report_id)).exists()
    assert submissions_expire_task.call() == 1  # the periodic task deletes it
    assert not Submission.objects.filter(pk=int(report_id)).exists()
    assert not Report.objects.filter(pk=report_pk).exists()
    assert AuditEvent.objects.filter(action="submission.expired").count() == 1
    assert DBTaskResult.objects.filter(task_path=submissions_expire_task.module_path,
                                       status="READY").count() == 1  # its next run waits


def test_a_verified_password_stops_working_when_the_account_changes(
        client: Client, platform: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A good password is verified once for a while (PBKDF2 is slow by design), but a changed
    password or a deactivated account ends it at the next call, and a removed grant once the
    account is read again (ACCOUNT_SECONDS)."""
    from tipline.accounts.models import Grant
    from tipline.intake import api

    assert answer(client.get("/ispws/status", **auth()))["responseCode"] == 0
    platform.set_password("another-secret-42")
    platform.save(update_fields=["password"])
    assert answer(client.get("/ispws/status", **auth()))["responseCode"] == 2000
    assert answer(client.get("/ispws/status", **auth(password="another-secret-42"))
                  )["responseCode"] == 0
    platform.is_active = False
    platform.save(update_fields=["is_active"])
    assert answer(client.get("/ispws/status", **auth(password="another-secret-42"))
                  )["responseCode"] == 2000
    platform.is_active = True
    platform.save(update_fields=["is_active"])
    assert answer(client.get("/ispws/status", **auth(password="another-secret-42"))
                  )["responseCode"] == 0
    Grant.objects.filter(user=platform).delete()
    monkeypatch.setattr(api, "ACCOUNT_SECONDS", 0)
    refused = client.get("/ispws/status", **auth(password="another-secret-42"))
    assert answer(refused)["responseCode"] == 3100 and refused.status_code == 403


def test_xsd_answers_the_schema_tipline_validates_against(client: Client, platform: Any) -> None:
    response = client.get("/ispws/xsd", **auth())
    assert response.status_code == 200 and response["Request-ID"]
    assert response["Content-Type"].startswith("application/xml")
    schema = etree.XMLSchema(etree.fromstring(response.content))
    assert schema.validate(etree.fromstring(report_body()))
    assert not schema.validate(etree.fromstring(b.xml_report(None)))  # <fileDetails> inside
    refused = client.get("/ispws/xsd")  # like every call: the platform's credentials
    assert refused.status_code == 401 and answer(refused)["responseCode"] == 2000


def _moved(body: bytes, element: bytes, before: bytes) -> bytes:
    """`body` with the first `<element>...</element>` moved to just before `before`."""
    start = body.index(b"<" + element + b">")
    end = body.index(b"</" + element + b">") + len(element) + 3
    piece = body[start:end]
    rest = body[:start] + body[end:]
    at = rest.index(before)
    return rest[:at] + piece + rest[at:]


@pytest.mark.parametrize(("moved", "before", "named", "why"), [
    # depth 2: incidentSummary's children
    (b"platform", b"</incidentSummary>", "report/incidentSummary/platform",
     "<platform> must come before <incidentDateTime>"),
    # depth 3: the reported person's children
    (b"email", b"<phone>", "report/personOrUserReported/personOrUserReportedPerson/phone",
     "<phone> must come before <email>"),
    # depth 4: the person's address
    (b"city", b"</address></personOrUserReportedPerson>",
     "report/personOrUserReported/personOrUserReportedPerson/address/city",
     "<city> must come before <country>"),
])
def test_children_out_of_order_at_any_depth_are_4100_naming_the_element(
        client: Client, platform: Any, moved: bytes, before: bytes, named: str,
        why: str) -> None:
    """Only a report's own children were checked for the schema's order."""
    body = _moved(report_body(), moved, before)
    out_of_order = submit(client, body)
    assert out_of_order["responseCode"] == 4100, out_of_order
    assert f"element '{named}'" in out_of_order["responseDescription"]
    assert why in out_of_order["responseDescription"]
    assert not Submission.objects.exists()


def test_a_value_outside_an_enumeration_names_the_element(client: Client,
                                                          platform: Any) -> None:
    wrong = submit(client, report_body(incident_type="Child Abuse"))
    assert wrong["responseCode"] == 4100
    assert wrong["responseDescription"] == (
        "validation failed: element 'report/incidentSummary/incidentType': the value "
        "'Child Abuse' is not an expected value")
    event = submit(client, report_body().replace(b"<eventName>Login", b"<eventName>Logon"))
    assert event["responseCode"] == 4100
    assert "element 'report/personOrUserReported/ipCaptureEvent/eventName'" in event[
        "responseDescription"]


def test_tiplines_batch_file_extensions_are_not_accepted_by_the_api(
        client: Client, platform: Any) -> None:
    """The API accepts what NCMEC's does: a report's own `id` and <fileDetails> inside a report
    are for batch files (`tipline ingest`), so a client tested here is right for NCMEC."""
    with_id = submit(client, report_body().replace(b"<report>", b'<report id="R9">'))
    assert with_id["responseCode"] == 4100 and "report@id" in with_id["responseDescription"]
    with_files = submit(client, b.xml_report(None).encode())
    assert with_files["responseCode"] == 4100
    assert "<fileDetails> is not an element of <report>" in with_files["responseDescription"]
    assert not Submission.objects.exists()


def test_a_latitude_of_minus_123_is_kept_as_a_warning_a_date_of_13_45_is_refused(
        client: Client, platform: Any) -> None:
    """NCMEC's schema types a latitude as any double: -123 is valid, so the report is stored
    and the value kept as sent in a warning (as `tipline ingest` keeps it). A date of birth
    of 1990-13-45 is not an xs:date: NCMEC refuses the report, and so does Tipline's API
    (a batch file keeps it as a warning: nobody is there to answer)."""
    phone_incident = (b"<internetDetails><cellPhoneIncident><latitude>-123</latitude>"
                      b"<longitude>72.8</longitude></cellPhoneIncident></internetDetails>")
    body = report_body().replace(b"<reporter>", phone_incident + b"<reporter>")
    stored = submit(client, body)
    assert stored["responseCode"] == 0, stored
    report = Submission.objects.get(pk=int(stored["reportId"])).report
    assert report is not None and any("latitude" in w and "-123" in w for w in report.warnings)
    born = report_body().replace(b"</personOrUserReportedPerson>",
                                 b"<dateOfBirth>1990-13-45</dateOfBirth>"
                                 b"</personOrUserReportedPerson>")
    refused = submit(client, born)
    assert refused["responseCode"] == 4100
    assert "personOrUserReportedPerson/dateOfBirth" in refused["responseDescription"]


def test_fileinfo_out_of_order_is_4100_and_changes_nothing(client: Client,
                                                          platform: Any) -> None:
    report_id = submit(client)["reportId"]
    uploaded = answer(client.post("/ispws/upload", {
        "id": report_id, "file": SimpleUploadedFile("a.png", png())}, **auth()))
    details = (f"<fileDetails><reportId>{report_id}</reportId><fileId>{uploaded['fileId']}"
               "</fileId><originalFileName>IMG_0001.png</originalFileName>"
               "<fileName>a.png</fileName></fileDetails>").encode()
    refused = answer(client.post("/ispws/fileinfo", details, content_type="application/xml",
                                 **auth()))
    assert refused["responseCode"] == 4100
    assert refused["responseDescription"] == (
        "validation failed: element 'fileDetails/fileName': <fileName> must come before "
        "<originalFileName> (the schema's order)")
    file = Submission.objects.get(pk=int(report_id)).report.files.get()  # type: ignore
    assert file.original_filename == ""
    no_id = answer(client.post("/ispws/fileinfo", b"<fileDetails><fileId>1</fileId>"
                               b"</fileDetails>", content_type="application/xml", **auth()))
    assert no_id["responseCode"] == 4100 and "reportId is required" in no_id[
        "responseDescription"]
