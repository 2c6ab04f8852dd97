"""Reports platforms send through the CyberTipline API (`/ispws/`, docs/formats/ispws.md).

`submit` reads the `<report>` the way `tipline ingest` reads CyberTipline XML and stores it
at once (through the same writer), open: it is not routed while the platform is still
sending it. `upload` stores each file encrypted and queues its scan the moment it lands;
`fileinfo` adds what the platform says of a file; `finish` closes the report and lets it
follow the flow (routing); `retract` closes it for good: kept, marked retracted, never
routed. A closed report can't be changed. Every call answers with one of NCMEC's response
codes (`ApiError` carries the code).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from lxml import etree

from tipline.accounts.policies import can_everywhere
from tipline.accounts.types import Actor
from tipline.audit.services import audit_record
from tipline.core.blobs import blob_put
from tipline.core.errors import RejectedInput
from tipline.intake.importers.cybertip_schema import invalid
from tipline.intake.importers.cybertip_xml import (
    PARSER_OPTIONS,
    file_details,
    prolog_refusal,
    report_from_element,
)
from tipline.intake.models import (
    ApiMinute,
    ImportBatch,
    IpEvent,
    Report,
    ReportFile,
    Submission,
)
from tipline.intake.signals import batch_finished, reports_stored
from tipline.intake.writer import ReportWriter

#: NCMEC's response codes (docs/formats/ispws.md)
SUCCESS, UPLOAD_FAILED, AUTH_REQUIRED, NOT_FOR_SUBMISSIONS = 0, 1111, 2000, 3100
INVALID_REQUEST, VALIDATION_FAILED, MALFORMED_XML = 4000, 4100, 4110
NO_SUCH_REPORT, NO_SUCH_FILE, RETRACTED, FINISHED = 5001, 5002, 5101, 5102


class ApiError(Exception):
    """An answer other than success: NCMEC's code, what went wrong, and the HTTP status when
    it is not the code's usual one."""

    def __init__(self, code: int, description: str, *, status: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.status = status


def _now() -> datetime:
    return datetime.now(UTC)


def submitter_check(account: Actor) -> None:
    """NOT_FOR_SUBMISSIONS unless the account is a platform's (may `report.submit`)."""
    if not can_everywhere(account, "report.submit"):
        raise ApiError(NOT_FOR_SUBMISSIONS, "this account may not submit reports")


def _element(body: bytes, root: str) -> Any:
    """The body's root element, which must be `root` and valid against Tipline's schema (what
    `/ispws/xsd` serves: NCMEC's elements, types and order at every depth); MALFORMED_XML for
    what is not XML (or carries a DOCTYPE), VALIDATION_FAILED, naming the element, for
    another root or the first error against the schema (NCMEC refuses such a body with 4100,
    so a client tested against Tipline is right for both)."""
    if refusal := prolog_refusal(body[:64 * 1024]):
        raise ApiError(MALFORMED_XML, refusal)
    try:
        el = etree.fromstring(body, etree.XMLParser(**PARSER_OPTIONS))
    except etree.XMLSyntaxError as exc:
        raise ApiError(MALFORMED_XML, f"malformed XML: {exc}") from None
    if etree.QName(el.tag).localname != root:
        raise ApiError(VALIDATION_FAILED, f"the root element must be <{root}>, "
                                          f"not <{etree.QName(el.tag).localname}>")
    if reason := invalid(el):
        raise ApiError(VALIDATION_FAILED, f"validation failed: {reason}")
    return el


#: NCMEC's deadline for an unfinished report: 24 hours after it was opened or 1 hour after
#: its last change, whichever is later; then it is deleted
OPEN_FOR, IDLE_FOR = timedelta(hours=24), timedelta(hours=1)


def _expired(submission: Submission, now: datetime) -> bool:
    return (submission.state == Submission.State.OPEN
            and now >= max(submission.opened_at + OPEN_FOR, submission.changed_at + IDLE_FOR))


def _delete(submission: Submission, now: datetime) -> None:
    """An unfinished report past its deadline goes, with everything it carried (its files'
    blobs are swept later, once nothing refers to them)."""
    audit_record(actor=submission.account, action="submission.expired", obj=submission.report,
                 data={"report_id": submission.pk, "opened_at": submission.opened_at.isoformat(),
                       "changed_at": submission.changed_at.isoformat()})
    if submission.report_id is not None:
        Report.objects.filter(pk=submission.report_id).delete()  # the submission with it
    else:
        submission.delete()


def submissions_expire(*, now: datetime | None = None, limit: int = 100) -> int:
    """Delete unfinished reports past NCMEC's deadline, `limit` at a time (the periodic
    `intake.tasks.submissions_expire_task` runs this; a call refuses such a report before it
    is deleted, `_open`); returns how many."""
    now = now or _now()
    expired = list(Submission.objects.filter(
        state=Submission.State.OPEN, opened_at__lte=now - OPEN_FOR,
        changed_at__lte=now - IDLE_FOR).select_related("account")[:limit])
    with transaction.atomic():
        for submission in expired:
            _delete(submission, now)
    return len(expired)


def api_minute_count(*, account: Actor) -> int:
    """Count one more API request of `account` in the current minute and return the
    minute's count so far: one statement (an upsert), so every web process shares the count
    at the cost of a single write; the account's earlier minutes go at a minute's first."""
    minute = _now().replace(second=0, microsecond=0)
    table = connection.ops.quote_name(ApiMinute._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (account_id, minute, count) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (account_id, minute) DO UPDATE SET count = {table}.count + 1 "
            "RETURNING count",
            [account.pk, connection.ops.adapt_datetimefield_value(minute)])
        count = int(cursor.fetchone()[0])
    if count == 1:
        ApiMinute.objects.filter(account=account, minute__lt=minute).delete()
    return count


#: what a call reads of its submission and report (the report's other columns are many)
_OPEN_FIELDS = ("account_id", "report_id", "state", "opened_at", "changed_at", "closed_at",
                "report__id", "report__batch_id")


def _open(account: Actor, report_id: Any, *, lock: bool = True) -> Submission:
    """The account's own submission by the id `submit` gave, still open: locked until the
    caller's transaction ends (`lock=False` for a check before one)."""
    try:
        pk = int(str(report_id).strip())
    except ValueError:
        raise ApiError(NO_SUCH_REPORT, f"no report {str(report_id)[:40]!r}") from None
    found = Submission.objects.select_related("report").only(*_OPEN_FIELDS)
    if lock:
        found = found.select_for_update(of=("self",))
    submission = (found.filter(pk=pk, account=account)[:1] or [None])[0]
    if submission is None:
        raise ApiError(NO_SUCH_REPORT, f"no report {pk} of this account")
    if _expired(submission, _now()):  # deleted by `submissions_expire`, outside this call
        raise ApiError(NO_SUCH_REPORT, f"report {pk} was never finished: it expired 24 hours "
                                       "after it was opened (1 hour after its last change)")
    if submission.state == Submission.State.FINISHED:
        raise ApiError(FINISHED, f"report {pk} is finished: it can't be changed")
    if submission.state == Submission.State.RETRACTED:
        raise ApiError(RETRACTED, f"report {pk} was retracted")
    return submission


@dataclass(frozen=True)
class Submitted:
    report_id: int


def submission_open(*, account: Actor, body: bytes) -> Submitted:
    """`submit`: read the `<report>` and store it, open (not routed until `finish`)."""
    submitter_check(account)
    if len(body) > settings.ISPWS_MAX_REPORT_BYTES:
        raise ApiError(INVALID_REQUEST, f"the report is {len(body)} bytes, over the limit of "
                                        f"{settings.ISPWS_MAX_REPORT_BYTES}")
    el = _element(body, "report")
    try:  # read before the transaction: no other call waits on it
        rec = report_from_element(el, raw=body, position="the submitted report")
    except RejectedInput as exc:
        raise ApiError(VALIDATION_FAILED, f"validation failed: {exc}") from None
    now = _now()
    with transaction.atomic():
        submission = Submission.objects.create(account=account, opened_at=now, changed_at=now)
        rec.external_id = f"{account.username}:{submission.pk}"[:100]
        batch = ImportBatch.objects.create(
            created_by=account, label=f"CyberTipline API: {account.username}, report "
                                      f"{submission.pk}", status=ImportBatch.Status.DONE,
            finished_at=now)
        writer = ReportWriter(actor=account, batch=batch, continue_flow=False)
        writer.add(rec)
        writer.flush()
        report = Report.objects.filter(batch=batch).first()
        if report is None:
            reason = batch.rejections.values_list("reason", flat=True).first()
            raise ApiError(VALIDATION_FAILED, f"validation failed: {reason or 'not stored'}")
        submission.report = report
        submission.save(update_fields=["report"])
        audit_record(actor=account, action="submission.opened", obj=report,
                     data={"report_id": submission.pk})
    return Submitted(report_id=submission.pk)


def _files_room(submission: Submission) -> int:
    """How many files the submission's report holds, if it may take one more."""
    held = ReportFile.objects.filter(report=submission.report).count()
    if held >= settings.ISPWS_MAX_FILES:
        raise ApiError(INVALID_REQUEST, f"report {submission.pk} has the most files a "
                                        f"report may have ({settings.ISPWS_MAX_FILES})")
    return held


@dataclass(frozen=True)
class Uploaded:
    file_id: int
    md5: str


def submission_file_add(*, account: Actor, report_id: Any, name: str,
                        chunks: Iterable[bytes]) -> Uploaded:
    """`upload`: store the file (encrypted) with its report and queue its scan at once."""
    submitter_check(account)
    _files_room(_open(account, report_id, lock=False))
    # stored before the transaction, so that no other call waits while it is encrypted and
    # written (a blob no row names, if the transaction fails, goes with the sweep)
    try:
        info = blob_put(chunks, max_bytes=settings.ISPWS_MAX_FILE_BYTES)
    except RejectedInput as exc:
        raise ApiError(UPLOAD_FAILED, f"file upload failed: {exc}") from None
    with transaction.atomic():
        submission = _open(account, report_id)
        report = submission.report
        assert report is not None
        held = _files_room(submission)
        file = ReportFile.objects.create(
            report=report, filename=name[:1000], size=info.size, md5=info.md5,
            sha1=info.sha1, sha256=info.sha256, stored=True)
        # `_open` locked the submission: uploads to one report run one after the other
        Report.objects.filter(pk=report.pk).update(file_count=held + 1)
        submission.changed_at = _now()
        submission.save(update_fields=["changed_at"])
        audit_record(actor=account, action="submission.file_added", obj=report,
                     data={"report_id": submission.pk, "file_id": file.pk})
        transaction.on_commit(partial(reports_stored.send, sender=Report,
                                      report_ids=[report.pk], with_files=True))
    return Uploaded(file_id=file.pk, md5=info.md5)


def submission_file_details(*, account: Actor, body: bytes) -> None:
    """`fileinfo`: what the platform says of an uploaded file (its `<fileDetails>`)."""
    submitter_check(account)
    el = _element(body, "fileDetails")
    ids = {etree.QName(c.tag).localname: (c.text or "").strip() for c in el
           if isinstance(c.tag, str)}
    with transaction.atomic():
        submission = _open(account, ids.get("reportId", ""))
        report = submission.report
        assert report is not None
        try:
            file = report.files.get(pk=int(ids.get("fileId") or 0))
        except (ReportFile.DoesNotExist, ValueError):
            raise ApiError(NO_SUCH_FILE, f"no file {ids.get('fileId', '')[:40]!r} in report "
                                         f"{submission.pk}") from None
        try:
            rec = file_details(el, "fileDetails")
        except RejectedInput as exc:
            raise ApiError(VALIDATION_FAILED, f"validation failed: {exc}") from None
        file.original_filename = rec.original_filename or file.original_filename
        file.filename = rec.filename or file.filename
        for name in ("esp_file_id", "location_url", "viewed_by_esp", "publicly_available",
                     "relevance", "classification", "annotations", "esp_metadata",
                     "declared_hashes"):
            setattr(file, name, getattr(rec, name))
        file.save()
        IpEvent.objects.bulk_create(
            IpEvent(report=report, file=file, ip=e.ip, port=e.port, event=e.event,
                    occurred_at=e.occurred_at, possible_proxy=e.possible_proxy)
            for e in rec.ip_events)
        submission.changed_at = _now()
        submission.save(update_fields=["changed_at"])
        audit_record(actor=account, action="submission.file_described", obj=report,
                     data={"report_id": submission.pk, "file_id": file.pk})


@dataclass(frozen=True)
class Finished:
    report_id: int
    file_ids: list[int]


def submission_finish(*, account: Actor, report_id: Any) -> Finished:
    """`finish`: the report is complete; it now follows the flow (routing)."""
    submitter_check(account)
    with transaction.atomic():
        submission = _open(account, report_id)
        report = submission.report
        assert report is not None
        now = _now()
        submission.state, submission.changed_at, submission.closed_at = (
            Submission.State.FINISHED, now, now)
        submission.save(update_fields=["state", "changed_at", "closed_at"])
        audit_record(actor=account, action="submission.finished", obj=report,
                     data={"report_id": submission.pk})
        transaction.on_commit(partial(batch_finished.send, sender=ImportBatch,
                                      batch_id=report.batch_id, continue_flow=True))
        files = list(report.files.order_by("id").values_list("id", flat=True))
    return Finished(report_id=submission.pk, file_ids=files)


def submission_retract(*, account: Actor, report_id: Any) -> int:
    """`retract`: the platform withdraws an open report: kept, marked retracted, never
    routed."""
    submitter_check(account)
    with transaction.atomic():
        submission = _open(account, report_id)
        now = _now()
        submission.state, submission.changed_at, submission.closed_at = (
            Submission.State.RETRACTED, now, now)
        submission.save(update_fields=["state", "changed_at", "closed_at"])
        audit_record(actor=account, action="submission.retracted", obj=submission.report,
                     data={"report_id": submission.pk})
    return submission.pk
