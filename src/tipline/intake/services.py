"""Writes to the report store that aren't the bulk import itself (see ingest.py, writer.py),
and the one service that changes a stored report's status."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext

from tipline.accounts.policies import require
from tipline.accounts.types import Actor
from tipline.audit.services import audit_record
from tipline.core.blobs import blob_put
from tipline.core.bulk import batches, update_rows
from tipline.core.errors import RejectedInput
from tipline.intake.export import report_list_xlsx, report_row
from tipline.intake.importers import accepted_suffixes
from tipline.intake.ingest import safe_name
from tipline.intake.models import ImportBatch, Report
from tipline.intake.records import ReportRec
from tipline.intake.selectors import ReportFilters, report_list_count, report_list_rows
from tipline.intake.signals import batch_finished
from tipline.intake.tasks import import_batch_run
from tipline.intake.writer import ReportWriter

ACCEPTED = accepted_suffixes()
CHUNK = 5000  # ids per IN (...) list


def batch_upload(*, actor: Actor, files: Sequence[UploadedFile]) -> ImportBatch:
    """Keep uploaded files (encrypted) and queue their import as a background task."""
    require(actor, "report.import")
    if not files:
        raise RejectedInput(gettext("choose at least one file to import"))
    stored: list[dict[str, Any]] = []
    for upload in files:
        name = safe_name(upload.name or "upload")
        if Path(name).suffix.lower() not in ACCEPTED:
            raise RejectedInput(gettext("%(name)s: unsupported file type; expected one of "
                                        "%(types)s") % {"name": name, "types": ", ".join(ACCEPTED)})
        try:
            info = blob_put(upload.chunks())
        except RejectedInput:  # over the size limit (in English, as the importers store it)
            raise RejectedInput(gettext("%(name)s is larger than the limit of %(limit)s bytes")
                                % {"name": name, "limit": settings.MAX_UPLOAD_BYTES}) from None
        stored.append({"name": name, "sha256": info.sha256, "size": info.size})
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            created_by=actor, label=", ".join(s["name"] for s in stored)[:500], paths=stored)
        audit_record(actor=actor, action="import.queued", obj=batch, data={"files": stored})
        transaction.on_commit(lambda: import_batch_run.enqueue(batch_id=batch.pk))
    return batch


def batch_retry(*, actor: Actor, batch: ImportBatch) -> ImportBatch:
    """Queue a failed upload's import again (its worker died, the disk was full...): the run
    resumes it, importing only what it had not stored."""
    require(actor, "report.import")
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status != ImportBatch.Status.FAILED or not locked.paths:
            raise RejectedInput(gettext("only a failed import of uploaded files can be retried"))
        locked.status, locked.finished_at = ImportBatch.Status.QUEUED, None
        locked.save(update_fields=["status", "finished_at"])
        audit_record(actor=actor, action="import.retried", obj=locked,
                     data={"error": locked.error})
        transaction.on_commit(lambda: import_batch_run.enqueue(batch_id=locked.pk))
    return locked


def report_receive(*, actor: Actor, rec: ReportRec, label: str) -> Report:
    """One report that arrives on its own (a tip from the public form), stored in a batch of
    its own through the same writer as every import, inside the caller's transaction: its
    files are scanned and it is routed once that transaction commits, like any import's.
    RejectedInput when the writer refuses it (with its reason)."""
    now = datetime.now(UTC)
    with transaction.atomic():
        batch = ImportBatch.objects.create(created_by=actor, label=label[:500],
                                           status=ImportBatch.Status.DONE, finished_at=now)
        writer = ReportWriter(actor=actor, batch=batch)  # the scan follows each commit
        writer.add(rec)
        writer.flush()
        report = Report.objects.filter(batch=batch).first()
        if report is None:
            reason = batch.rejections.values_list("reason", flat=True).first()
            raise RejectedInput(reason or "the report was not stored (a duplicate)")
        transaction.on_commit(partial(batch_finished.send, sender=ImportBatch,
                                      batch_id=batch.pk, continue_flow=True))
    return report


@transaction.atomic
def report_viewed(*, actor: Actor, report: Report) -> None:
    """Record that someone opened a report: who read what is part of the trail."""
    audit_record(actor=actor, action="report.viewed", obj=report)


#: the most reports one workbook of the report list holds
EXPORT_LIMIT = 100_000


@transaction.atomic
def report_list_export(*, actor: Actor, filters: ReportFilters) -> tuple[bytes, int]:
    """The report list with these filters as a workbook (the actor's reports only), and its
    row count; the export is audited with its filters. RejectedInput when more than
    EXPORT_LIMIT reports match."""
    total, more = report_list_count(user=actor, filters=filters, limit=EXPORT_LIMIT)
    if more:
        raise RejectedInput(gettext("more than %(limit)s reports match: narrow the filters to "
                                    "export them") % {"limit": f"{EXPORT_LIMIT:,}"})
    data, rows = report_list_xlsx(report_row(r) for r in report_list_rows(
        user=actor, filters=filters, limit=EXPORT_LIMIT))
    audit_record(actor=actor, action="reports.exported", data={
        "rows": rows, "filters": {k: str(v) for k, v in asdict(filters).items()
                                  if v not in ("", None, False)}})
    return data, rows


@dataclass(frozen=True)
class StatusChange:
    """A report's new status, and the node it now belongs to (None: it stays where it is)."""

    report_id: int
    status: str
    jurisdiction_id: int | None = None


def reports_status_set(*, changes: Sequence[StatusChange]) -> int:
    """The one place a report's status (and, with it, its node) changes after import.

    Routing places reports (new at a state or the national queue, routed at a unit), dispatch
    marks them dispatched, review closes one found not to be CSAM before routing. It runs
    inside the caller's transaction, whose audit event says why; returns the reports changed.
    """
    placed = [(c.jurisdiction_id, c.status, c.report_id) for c in changes
              if c.jurisdiction_id is not None]
    update_rows(Report, ("jurisdiction", "status"), placed)
    by_status: dict[str, list[int]] = {}
    for c in changes:
        if c.jurisdiction_id is None:
            by_status.setdefault(c.status, []).append(c.report_id)
    for status, ids in by_status.items():
        if status not in Report.Status.values:
            raise ValueError(f"no report status {status!r}")
        for chunk in batches(ids, CHUNK):
            Report.objects.filter(pk__in=chunk).update(status=status)
    return len(changes)
