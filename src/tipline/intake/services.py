"""Writes to the report store that aren't the bulk import itself (see ingest.py, writer.py)."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from tipline.accounts.policies import require
from tipline.audit.services import audit_record
from tipline.core.blobs import blob_open, blob_put
from tipline.intake.importers import accepted_suffixes
from tipline.intake.models import ImportBatch, Report

ACCEPTED = accepted_suffixes()


def _safe_name(name: str) -> str:
    base = Path(name.replace("\\", "/")).name
    return re.sub(r"[^A-Za-z0-9._-]+", "_", base)[:120] or "upload"


def batch_upload(*, actor: Any, files: Sequence[UploadedFile]) -> ImportBatch:
    """Keep uploaded files (encrypted) and queue their import as a background task."""
    from tipline.core.errors import RejectedInput

    require(actor, "report.import")
    if not files:
        raise RejectedInput("choose at least one file to import")
    stored: list[dict[str, Any]] = []
    for upload in files:
        name = _safe_name(upload.name or "upload")
        if Path(name).suffix.lower() not in ACCEPTED:
            raise RejectedInput(f"{name}: unsupported file type; expected one of "
                                f"{', '.join(ACCEPTED)}")
        info = blob_put(upload.chunks())
        stored.append({"name": name, "sha256": info.sha256, "size": info.size})
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            created_by=actor, label=", ".join(s["name"] for s in stored)[:500], paths=stored)
        audit_record(actor=actor, action="import.queued", obj=batch, data={"files": stored})
        transaction.on_commit(lambda: _enqueue(batch.pk))
    return batch


@transaction.atomic
def report_viewed(*, actor: Any, report: Report) -> None:
    """Record that someone opened a report: who read what is part of the trail."""
    audit_record(actor=actor, action="report.viewed", obj=report)


def _enqueue(batch_id: int) -> None:
    from tipline.intake.tasks import import_batch_run

    import_batch_run.enqueue(batch_id=batch_id)


@contextmanager
def _decrypted(stored: list[dict[str, Any]]) -> Iterator[list[Path]]:
    """The batch's uploads as plain files in a private temporary folder, removed after."""
    base = Path(settings.TIPLINE_HOME) / "tmp"
    base.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=base) as folder:
        paths = []
        for item in stored:
            path = Path(folder) / _safe_name(item["name"])
            with path.open("wb") as out:
                for chunk in blob_open(item["sha256"]):
                    out.write(chunk)
            paths.append(path)
        yield paths


def batch_run(*, batch_id: int) -> ImportBatch | None:
    """Run a queued import (idempotent: a batch that already ran is left alone)."""
    from tipline.accounts.services import system_user
    from tipline.intake.ingest import ingest_paths

    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().filter(
            pk=batch_id, status=ImportBatch.Status.QUEUED).first()
        if batch is None:
            return None
        batch.status = ImportBatch.Status.RUNNING
        batch.save(update_fields=["status"])
    with _decrypted(batch.paths) as paths:
        return ingest_paths(paths=paths, actor=system_user("importer"), batch=batch)
