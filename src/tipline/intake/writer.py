"""Writing parsed reports to the store, in bulk, idempotently, never half-written.

Records are buffered and written a chunk at a time in one transaction with their audit
events. Within a chunk each record is either a duplicate (same sender id and same content:
nothing changes), a new version (same sender id, other content: kept beside the old one,
which is marked superseded), or new. If the chunk's transaction fails, the chunk is written
again one record per transaction so one bad record can't take its neighbours down.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any

from django.db import DatabaseError, IntegrityError, transaction

from tipline.accounts.types import Actor
from tipline.audit.services import Entry, audit_record_many
from tipline.core.blobs import BlobInfo, blob_put, hash_bytes
from tipline.core.bulk import allocate_ids, insert_rows
from tipline.core.crypto import encrypt_bytes
from tipline.core.errors import RejectedInput, database_error
from tipline.core.fields import index_of
from tipline.intake.blind import file_hash_index, identifier_index
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
from tipline.intake.records import FileRec, IpEventRec, PlaceRec, RejectedRec, ReportRec
from tipline.intake.signals import reports_stored
from tipline.jurisdictions.selectors import jurisdiction_tree

log = logging.getLogger(__name__)
INLINE_LIMIT = 256 * 1024


@dataclass
class _Planned:
    rec: ReportRec
    version: int
    supersedes_id: int | None
    files: list[BlobInfo | None]
    artifacts: list[tuple[BlobInfo, bytes | None]]


@dataclass
class Counts:
    imported: int = 0
    duplicates: int = 0
    versions: int = 0
    rejected: int = 0


def prepare(rec: ReportRec) -> ReportRec:
    """The writer's pure work on a record, done ahead (in the parser's process when parallel):
    its small artifacts hashed and encrypted."""
    for art in rec.artifacts:
        if art.data is not None and len(art.data) <= INLINE_LIMIT:
            art.sealed = (hashlib.sha256(art.data).hexdigest(), len(art.data),
                          encrypt_bytes(art.data))
            art.data = None
    return rec


class ReportWriter:
    """Buffers records and writes them a chunk at a time; see the module docstring."""

    def __init__(self, *, actor: Actor, batch: ImportBatch, chunk: int = 1000,
                 continue_flow: bool = True, resume: bool = False) -> None:
        self.actor = actor
        self.batch = batch
        self.chunk = chunk
        self.continue_flow = continue_flow
        #: resuming an interrupted batch: what it stored is skipped, and keeps its counts
        self.resume = resume
        self.counts = Counts(imported=batch.imported, versions=batch.versions) if resume \
            else Counts()
        self._buffer: list[ReportRec] = []
        self._keys: set[tuple[str, str]] = set()
        self._rejects: list[RejectedRec] = []

    # -- feeding
    def add(self, rec: ReportRec) -> None:
        key = (rec.source, rec.external_id)
        if key in self._keys:
            self.flush()
        self._buffer.append(rec)
        self._keys.add(key)
        if len(self._buffer) >= self.chunk:
            self.flush()

    def reject(self, rejected: RejectedRec) -> None:
        self._rejects.append(rejected)
        if len(self._rejects) >= self.chunk:
            self.flush()

    @property
    def processed(self) -> int:
        c = self.counts
        return c.imported + c.duplicates + c.versions + c.rejected

    # -- writing
    def flush(self) -> None:
        records, self._buffer, self._keys = self._buffer, [], set()
        planned = self._plan(records)
        try:
            self._commit(planned)
        except (IntegrityError, DatabaseError) as exc:
            if (clear := database_error(exc)) is not None:
                # a full or read-only database: no record is at fault, none is rejected
                raise clear from None
            log.warning("chunk failed (%s); writing its records one by one", exc)
            for plan in planned:
                try:
                    # Re-plan: a concurrent import may have added a version meanwhile.
                    self._commit(self._plan([plan.rec], blobs=(plan.files, plan.artifacts)))
                except (IntegrityError, DatabaseError) as exc_one:
                    self._rejects.append(RejectedRec(plan.rec.position, "record",
                                                     f"could not be saved: {exc_one}"))
            self._commit([])

    def _commit(self, planned: list[_Planned]) -> None:
        """Write planned reports and pending rejections in one transaction; count after it."""
        rejects = self._rejects
        with transaction.atomic():
            self._write(planned)
            self._write_rejections(rejects)
            new = sum(1 for p in planned if not p.supersedes_id)
            self._save_counts(imported=new, versions=len(planned) - new, rejected=len(rejects))
        self._rejects = self._rejects[len(rejects):]
        self.counts.imported += new
        self.counts.versions += len(planned) - new
        self.counts.rejected += len(rejects)

    def _plan(
        self, records: list[ReportRec], *,
        blobs: tuple[list[BlobInfo | None], list[tuple[BlobInfo, bytes | None]]] | None = None,
    ) -> list[_Planned]:
        """Decide new / version / duplicate for each record and store its content."""
        if not records:
            return []
        known: dict[tuple[str, str], tuple[int, int, set[str]]] = {}
        stored: set[str] = set()  # stored by this batch before it was interrupted
        by_source: dict[str, list[str]] = {}
        for rec in records:
            by_source.setdefault(rec.source, []).append(rec.external_id)
        for source, ids in by_source.items():
            rows = Report.objects.filter(source=source, external_id__in=ids).values_list(
                "external_id", "version", "id", "content_sha256", "batch_id")
            for external_id, version, pk, digest, batch_id in rows:
                top, top_id, hashes = known.get((source, external_id), (0, 0, set()))
                hashes.add(digest)
                if self.resume and batch_id == self.batch.pk:
                    stored.add(digest)
                if version > top:
                    top, top_id = version, pk
                known[(source, external_id)] = (top, top_id, hashes)
        planned: list[_Planned] = []
        for rec in records:
            top, top_id, hashes = known.get((rec.source, rec.external_id), (0, 0, set()))
            if rec.content_sha256 in stored:
                continue
            if rec.content_sha256 in hashes:
                self.counts.duplicates += 1
                continue
            try:
                files, artifacts = blobs if blobs else (self._store_files(rec.files),
                                                        self._store_artifacts(rec))
            except RejectedInput as exc:
                self._rejects.append(RejectedRec(rec.position, "record", str(exc)))
                continue
            planned.append(_Planned(rec, top + 1, top_id or None, files, artifacts))
        return planned

    @staticmethod
    def _store_files(files: list[FileRec]) -> list[BlobInfo | None]:
        return [blob_put(f.content()) if f.content else None for f in files]

    @staticmethod
    def _store_artifacts(rec: ReportRec) -> list[tuple[BlobInfo, bytes | None]]:
        out: list[tuple[BlobInfo, bytes | None]] = []
        for art in rec.artifacts:
            if art.sealed is not None:
                sha256, size, sealed = art.sealed
                out.append((BlobInfo(sha256=sha256, sha1="", md5="", size=size), sealed))
            elif art.data is not None and len(art.data) <= INLINE_LIMIT:
                out.append((hash_bytes(art.data), encrypt_bytes(art.data)))
            elif art.data is not None:
                out.append((blob_put([art.data]), None))
            elif art.content is not None:
                out.append((blob_put(art.content()), None))
        return out

    def _write_rejections(self, rejects: list[RejectedRec]) -> None:
        Rejection.objects.bulk_create([
            Rejection(batch=self.batch, file=r.file[:1000], position=r.position[:200],
                      reason=r.reason) for r in rejects
        ])

    def _save_counts(self, *, imported: int, versions: int, rejected: int) -> None:
        b, c = self.batch, self.counts
        b.imported, b.versions = c.imported + imported, c.versions + versions
        b.rejected, b.duplicates = c.rejected + rejected, c.duplicates
        b.save(update_fields=["imported", "duplicates", "versions", "rejected"])

    def _write(self, planned: list[_Planned]) -> None:
        if not planned:
            return
        now = datetime.now(UTC)
        superseded = [p.supersedes_id for p in planned if p.supersedes_id]
        if superseded:
            Report.objects.filter(id__in=superseded).update(
                is_current=False, status=Report.Status.SUPERSEDED)
        report_ids = allocate_ids(Report, len(planned))
        subject_ids = iter(allocate_ids(Subject, sum(len(p.rec.subjects) for p in planned)))
        file_ids = iter(allocate_ids(ReportFile, sum(len(p.rec.files) for p in planned)))
        rows = _Rows()
        # a new report waits at the national level until routing resolves where it belongs
        root_id = jurisdiction_tree().root.id
        for plan, report_id in zip(planned, report_ids, strict=True):
            rows.add_report(plan, report_id, batch_id=self.batch.pk, now=now, root_id=root_id,
                            subject_ids=subject_ids, file_ids=file_ids)
        rows.insert()
        # One event per chunk naming every report it wrote (id, sender's id, version, the
        # SHA-256 of its raw record, the version it supersedes): the chain then vouches for
        # each report's content without an audit row per report.
        audit_record_many(actor=self.actor, entries=[Entry(
            action="reports.imported", object_type="intake.importbatch",
            object_id=str(self.batch.pk),
            data={"reports": [
                [rid, p.rec.source, p.rec.external_id, p.version, p.rec.content_sha256,
                 p.supersedes_id]
                for p, rid in zip(planned, report_ids, strict=True)
            ]},
        )])
        # the steps after intake (the media scan first) take the chunk once it is committed
        if self.continue_flow:
            transaction.on_commit(partial(
                reports_stored.send, sender=Report, report_ids=list(report_ids),
                with_files=any(p.rec.files for p in planned)))


REPORT_COLUMNS = (
    "id", "source", "external_id", "version", "is_current", "supersedes", "content_sha256",
    "batch", "imported_at", "received_at", "incident_at", "incident_at_text", "incident_type",
    "platform", "annotations", "urls", "ncmec_priority", "referral", "escalated", "escalation_note",
    "additional_info", "ncmec_notes", "reporter", "status", "jurisdiction", "file_count",
    "warnings", "details",
)
SUBJECT_COLUMNS = (
    "id", "report", "role", "first_name", "middle_name", "last_name", "date_of_birth", "age",
    "esp_user_id", "esp_service", "screen_name", "display_names", "profile_urls", "emails",
    "phones", "device_ids", "notes",
)
FILE_COLUMNS = (
    "id", "report", "filename", "original_filename", "esp_file_id", "location_url",
    "viewed_by_esp", "publicly_available", "relevance", "classification", "annotations",
    "esp_metadata", "size", "mime", "md5", "sha1", "sha256", "declared_hashes", "stored",
    "md5_index", "sha1_index", "sha256_index",
)
PLACE_COLUMNS = (
    "report", "subject", "kind", "street", "city", "district", "state", "postal_code",
    "country", "latitude", "longitude", "ip", "isp", "verified",
)
EVENT_COLUMNS = ("report", "subject", "file", "ip", "port", "event", "occurred_at",
                 "possible_proxy", "ip_index")
IDENT_COLUMNS = ("report", "kind", "value", "service", "origin", "value_index")
ARTIFACT_COLUMNS = ("report", "kind", "name", "sha256", "size", "data")


class _Rows:
    """The rows of a chunk of reports, table by table, ready for insert_rows."""

    def __init__(self) -> None:
        self.reports: list[tuple[Any, ...]] = []
        self.subjects: list[tuple[Any, ...]] = []
        self.files: list[tuple[Any, ...]] = []
        self.places: list[tuple[Any, ...]] = []
        self.events: list[tuple[Any, ...]] = []
        self.identifiers: list[tuple[Any, ...]] = []
        self.artifacts: list[tuple[Any, ...]] = []

    def insert(self) -> None:
        insert_rows(Report, REPORT_COLUMNS, self.reports)
        insert_rows(Subject, SUBJECT_COLUMNS, self.subjects)
        insert_rows(ReportFile, FILE_COLUMNS, self.files)
        insert_rows(Place, PLACE_COLUMNS, self.places)
        insert_rows(IpEvent, EVENT_COLUMNS, self.events)
        insert_rows(Identifier, IDENT_COLUMNS, self.identifiers)
        insert_rows(Artifact, ARTIFACT_COLUMNS, self.artifacts, batch=200)

    def add_report(self, plan: _Planned, rid: int, *, batch_id: int, now: datetime,
                   root_id: int, subject_ids: Iterator[int], file_ids: Iterator[int]) -> None:
        r = plan.rec
        self.reports.append((
            rid, r.source, r.external_id, plan.version, True, plan.supersedes_id,
            r.content_sha256, batch_id, now, r.received_at or now, r.incident_at,
            r.incident_at_text[:500], r.incident_type[:120], r.platform[:200], r.annotations,
            r.urls, r.ncmec_priority, r.referral, r.escalated, r.escalation_note, r.additional_info,
            r.ncmec_notes, r.reporter, Report.Status.NEW.value, root_id, len(r.files),
            r.warnings, r.details,
        ))
        idents: set[tuple[str, str, str, str]] = set()
        for s in r.subjects:
            sid = next(subject_ids)
            self.subjects.append((
                sid, rid, s.role, s.first_name[:200], s.middle_name[:200], s.last_name[:200],
                s.date_of_birth, s.age, s.esp_user_id[:300], s.esp_service[:200],
                s.screen_name[:300], s.display_names, s.profile_urls, s.emails, s.phones,
                s.device_ids, s.notes,
            ))
            self.places += [_place(p, rid, sid) for p in s.places]
            self.events += [_event(e, rid, sid, None) for e in s.ip_events]
            idents.update(_subject_identifiers(s))
        for f, info in zip(r.files, plan.files, strict=True):
            fid = next(file_ids)
            md5 = info.md5 if info else f.declared_hashes.get("md5", "")[:32]
            sha1 = info.sha1 if info else f.declared_hashes.get("sha1", "")[:40]
            sha256 = info.sha256 if info else f.declared_hashes.get("sha256", "")[:64]
            self.files.append((
                fid, rid, f.filename[:1000], f.original_filename[:2056], f.esp_file_id[:200],
                f.location_url[:2083], f.viewed_by_esp, f.publicly_available, f.relevance[:40],
                f.classification[:10], f.annotations, f.esp_metadata,
                info.size if info else None, f.mime[:100], md5, sha1, sha256,
                f.declared_hashes, info is not None, file_hash_index("md5", md5),
                file_hash_index("sha1", sha1), file_hash_index("sha256", sha256),
            ))
            self.events += [_event(e, rid, None, fid) for e in f.ip_events]
            if md5:
                idents.add(("md5", md5, "", "file.md5"))
            if sha256:
                idents.add(("sha256", sha256, "", "file.sha256"))
        self.places += [_place(p, rid, None) for p in r.places]
        self.events += [_event(e, rid, None, None) for e in r.ip_events]
        seen: set[tuple[str, str, str]] = set()
        for kind, value, service, origin in sorted(idents):
            if (kind, value, service) not in seen:
                seen.add((kind, value, service))
                self.identifiers.append((rid, kind, value, service, origin,
                                         identifier_index(kind, value)))
        for art, (info, inline) in zip(r.artifacts, plan.artifacts, strict=True):
            self.artifacts.append((rid, art.kind, art.name[:1000], info.sha256, info.size, inline))


def _place(p: PlaceRec, rid: int, sid: int | None) -> tuple[Any, ...]:
    return (rid, sid, p.kind, p.street[:500], p.city[:200], p.district[:200], p.state[:200],
            p.postal_code[:20], p.country[:60], p.latitude, p.longitude, p.ip, p.isp[:200],
            p.verified)


def _event(e: IpEventRec, rid: int, sid: int | None, fid: int | None) -> tuple[Any, ...]:
    # the importers wrote the address as `ipaddress` does (intake.values.ip): indexed as it is
    return (rid, sid, fid, e.ip, e.port, e.event[:40], e.occurred_at, e.possible_proxy,
            index_of(e.ip, purpose="ip"))


def _subject_identifiers(s: Any) -> list[tuple[str, str, str, str]]:
    role = s.role
    service = (s.esp_service or "")[:200]
    out = [("email", e[:500], "", f"{role}.email") for e in s.emails]
    out += [("phone", p[:500], "", f"{role}.phone") for p in s.phones]
    if s.screen_name:
        out.append(("screen_name", s.screen_name.lower()[:500], service, f"{role}.screen_name"))
    if s.esp_user_id:
        out.append(("esp_user_id", s.esp_user_id[:500], service, f"{role}.esp_user_id"))
    out += [("device_id", d["value"][:500], d.get("type", "")[:200], f"{role}.device_id")
            for d in s.device_ids]
    out += [("url", u[:500], "", f"{role}.profile_url") for u in s.profile_urls]
    return out
