"""The import pipeline: walk paths -> importers -> writer, with progress and a summary.

    paths (files, folders, ZIPs, ZIPs in ZIPs)
      -> sources: safe entries            (zip bombs, traversal refused)
      -> importers: ReportRec / RejectedRec (per format, registry in importers/)
      -> writer: chunks of 500 in one transaction each, with audit events
"""

from __future__ import annotations

import hashlib
import logging
import re
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from tipline.accounts.services import system_user
from tipline.accounts.types import Actor
from tipline.audit.services import audit_record
from tipline.core.blobs import blob_open, blob_put
from tipline.core.bulk import gc_tuned
from tipline.core.errors import RejectedInput, database_error
from tipline.core.progress import NullProgress, Progress
from tipline.core.recovery import process_id
from tipline.intake.importers import accepted_suffixes, importer_for, importer_for_suffix
from tipline.intake.models import ImportBatch
from tipline.intake.parallel import parse_in_child, worthwhile
from tipline.intake.records import RejectedRec, ReportRec
from tipline.intake.selectors import import_batch_interrupted_find
from tipline.intake.signals import batch_finished
from tipline.intake.sources import (
    MAX_ZIP_DEPTH,
    ZIP_SUFFIX,
    Container,
    Entry,
    file_chunks,
    folder_container,
    open_zip,
    zip_container,
)
from tipline.intake.writer import ReportWriter

#: yielded when a container closes: buffered records must be written while it is still open
FLUSH = object()
log = logging.getLogger(__name__)


def ingest_paths(
    *, paths: Sequence[Path], actor: Actor, batch: ImportBatch | None = None,
    progress: Progress | None = None, label: str | None = None, continue_flow: bool = True,
    resume: bool = False, source_key: str = "",
) -> ImportBatch:
    """Import every report found under `paths`; returns the batch with its counts.

    `resume` runs `batch` again after it was interrupted: what it already stored is skipped
    and keeps its counts; duplicates and rejections are counted again from the start.

    The new reports then follow the flow (`intake.signals`): their files are scanned as each
    chunk commits and the batch is routed when it is done, through the task queue, whoever
    imported them. `continue_flow=False` is for a caller that drives the next steps itself.
    `source_key` (`paths_key`, from the command line) finds the batch a process that died
    left running on the same paths, and resumes it.
    """
    progress = progress or NullProgress()
    if batch is None and source_key:
        batch = import_batch_interrupted_find(source_key=source_key)
        resume = batch is not None
    if batch is None:
        batch = ImportBatch.objects.create(
            created_by=actor if getattr(actor, "pk", None) else None,
            label=(label or ", ".join(p.name for p in paths))[:500],
            paths=_keep_sources(paths), source_key=source_key,
        )
    batch.status, batch.runner = ImportBatch.Status.RUNNING, process_id()
    batch.save(update_fields=["status", "runner"])
    if resume:
        batch.rejections.all().delete()
    writer = ReportWriter(actor=actor, batch=batch, continue_flow=continue_flow, resume=resume)
    with gc_tuned():
        _run(paths, writer=writer, batch=batch, actor=actor, progress=progress,
             continue_flow=continue_flow)
    if (batch.total or 0) < writer.processed:
        # what was counted ahead (one-report files) was less than what was read (XML, CSV):
        # finished, the total is what was read
        batch.total = writer.processed
        batch.save(update_fields=["total"])
    progress.update(done=writer.processed, total=batch.total or None)
    _finish(batch, actor=actor, status=ImportBatch.Status.DONE, continue_flow=continue_flow)
    return batch


def paths_key(paths: Sequence[Path]) -> str:
    """What identifies a command-line import's input: its paths, absolute, in order."""
    joined = "\n".join(str(Path(p).resolve()) for p in paths)
    return hashlib.sha256(joined.encode()).hexdigest()


def _keep_sources(paths: Sequence[Path]) -> list[dict[str, Any]]:
    """The files of many reports, kept byte-for-byte: each report's raw record is only its
    element or row as parsed (an upload is kept already, by batch_upload)."""
    kept = []
    for path in paths:
        importer = importer_for_suffix(path.suffix.lower())
        if (importer is not None and not importer.one_report_per_file and path.is_file()
                and not path.is_symlink()):
            try:
                info = blob_put(file_chunks(path))
            except RejectedInput:
                continue  # over the size limit: the importer reports it
            kept.append({"name": path.name, "sha256": info.sha256, "size": info.size})
    return kept


def _run(paths: Sequence[Path], *, writer: ReportWriter, batch: ImportBatch, actor: Actor,
         progress: Progress, continue_flow: bool) -> None:
    total = 0
    try:
        for path in paths:
            for outcome in _outcomes(Path(path)):
                if outcome is FLUSH:
                    writer.flush()
                elif isinstance(outcome, ReportRec):
                    writer.add(outcome)
                elif isinstance(outcome, RejectedRec):
                    writer.reject(outcome)
                elif isinstance(outcome, int):
                    total += outcome
                    batch.total = total
                    batch.save(update_fields=["total"])
                    continue
                progress.update(done=writer.processed, total=total or None)
        writer.flush()
    except Exception as exc:
        clear = database_error(exc)
        try:
            writer.flush()  # keep what was read before the failure
        except Exception:  # noqa: BLE001 - the first failure is the one to report
            log.warning("could not keep the rest of batch #%s", batch.pk, exc_info=True)
        try:
            _finish(batch, actor=actor, status=ImportBatch.Status.FAILED,
                    error=str(clear or exc)[:2000], continue_flow=continue_flow)
        except Exception:  # noqa: BLE001 - a full database: the batch shows as interrupted
            if clear is None:
                raise
            log.warning("could not mark batch #%s failed: %s", batch.pk, clear)
        if clear is not None:
            raise clear from None
        raise


@transaction.atomic
def _finish(batch: ImportBatch, *, actor: Actor, status: str, continue_flow: bool,
            error: str = "") -> None:
    batch.status = status
    batch.error = error
    batch.finished_at = datetime.now(UTC)
    batch.save(update_fields=["status", "error", "finished_at"])
    audit_record(actor=actor, action=f"import.{status}", obj=batch, data={
        "label": batch.label, "imported": batch.imported, "duplicates": batch.duplicates,
        "versions": batch.versions, "rejected": batch.rejected, "error": error,
    })
    transaction.on_commit(partial(batch_finished.send, sender=ImportBatch, batch_id=batch.pk,
                                  continue_flow=continue_flow))


def _outcomes(path: Path) -> Iterator[object]:
    """Everything one user-given path holds, as records, rejections, FLUSH and totals.
    Messages name the file as it was given (its name, and its place inside a folder or ZIP),
    never where it sits on the server: an upload sits in a temporary folder."""
    name = path.name or str(path)
    if path.is_symlink() or not path.exists():
        yield RejectedRec(name, "file", "no such file or folder")
        return
    if path.is_dir():
        container = folder_container(path)
        yield _count(container)
        yield from _container(container, depth=0)
        yield FLUSH
        return
    if path.suffix.lower() == ZIP_SUFFIX:
        try:
            with open_zip(path, name=name) as zf:
                container = zip_container(zf, name=name)
                yield _count(container)
                yield from container.rejected
                yield from _container(container, depth=1)
                yield FLUSH
        except RejectedInput as exc:
            yield RejectedRec(name, "file", str(exc))
        return
    entry = Entry(name, path.name, path.stat().st_size, lambda: path.open("rb"))
    importer = importer_for(entry)
    if importer is None:
        *others, last = accepted_suffixes()
        yield RejectedRec(name, "file", f"unsupported file type {path.suffix or '(none)'!r}: "
                          f"expected {', '.join(others)} or {last}")
        return
    if importer.parallel and worthwhile(path):
        yield from parse_in_child(importer.name, path, name=name)
        return
    # A report's JSON given alone still finds its PDF and files beside it (or in files/).
    siblings = (folder_container(path.parent, depth=1) if importer.reads_siblings
                else Container(name, {}, []))
    entry = siblings.get(path.name) or entry
    yield from _guarded(importer.records(entry, siblings), entry)


def _count(container: Container) -> int:
    """The reports in `container` known before reading it: one per one-report file."""
    return sum(1 for e in container.entries.values()
               if (importer := importer_for(e)) is not None and importer.one_report_per_file)


def _container(container: Container, *, depth: int) -> Iterator[object]:
    for relpath in sorted(container.entries):
        entry = container.entries[relpath]
        if entry.suffix == ZIP_SUFFIX:
            if depth >= MAX_ZIP_DEPTH:
                yield RejectedRec(entry.name, "file", f"ZIPs nested deeper than {MAX_ZIP_DEPTH}")
                continue
            try:
                with open_zip(entry, name=entry.name) as zf:
                    inner = zip_container(zf, name=entry.name)
                    yield _count(inner)
                    yield from inner.rejected
                    yield from _container(inner, depth=depth + 1)
                    yield FLUSH
            except RejectedInput as exc:
                yield RejectedRec(entry.name, "file", str(exc))
            continue
        importer = importer_for(entry)
        if importer is not None:
            yield from _guarded(importer.records(entry, container), entry)


def _guarded(outcomes: Iterator[object], entry: Entry) -> Iterator[object]:
    """Turn an importer's failure mid-stream into a rejection of the rest of that file."""
    try:
        yield from outcomes
    except RejectedInput as exc:
        yield RejectedRec(entry.name, "file", str(exc))
    except UnicodeDecodeError as exc:
        yield RejectedRec(entry.name, "file", f"not valid UTF-8 (byte {exc.start})")


# ---------------------------------------------------------------- queued uploads


def safe_name(name: str) -> str:
    """A file name safe to keep: no folders, only plain characters."""
    base = Path(name.replace("\\", "/")).name
    return re.sub(r"[^A-Za-z0-9._-]+", "_", base)[:120] or "upload"


@contextmanager
def _decrypted(stored: list[dict[str, Any]]) -> Iterator[list[Path]]:
    """The batch's uploads as plain files in a private temporary folder, removed after."""
    base = Path(settings.TIPLINE_HOME) / "tmp"
    base.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=base) as folder:
        paths = []
        for item in stored:
            path = Path(folder) / safe_name(item["name"])
            with path.open("wb") as out:
                for chunk in blob_open(item["sha256"]):
                    out.write(chunk)
            paths.append(path)
        yield paths


def batch_run(*, batch_id: int) -> ImportBatch | None:
    """Run a queued import (an upload, by the worker); idempotent: a batch that already ran
    is left alone; one left running (its worker died, and the task was queued again:
    core.recovery) or retried after it failed is resumed, skipping what it stored."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().filter(
            pk=batch_id, status__in=[ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING],
        ).first()
        if batch is None:
            return None  # done, or failed (retried by batch_retry, which queues it again)
        batch.status = ImportBatch.Status.RUNNING
        batch.save(update_fields=["status"])
    # always resumed: a fresh batch has stored nothing, so nothing is skipped
    with _decrypted(batch.paths) as paths:
        return ingest_paths(paths=paths, actor=system_user("importer"), batch=batch,
                            resume=True)


def batch_fail(*, batch_id: int, error: str) -> bool:
    """Mark a queued or running batch failed with the reason (its task was given up);
    whether it was. What it stored stays, and follows the flow as a finished batch does."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().filter(
            pk=batch_id, status__in=[ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING],
        ).first()
        if batch is None:
            return False
        _finish(batch, actor=system_user("importer"), status=ImportBatch.Status.FAILED,
                error=error[:2000], continue_flow=True)
    return True
