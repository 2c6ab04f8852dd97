"""Writes of the media scan: hashing and matching files, hash banks and their imports.

Hashing is CPU work done outside transactions; each chunk of files is then written (signals,
scans, matches, the reports' media priority) in one transaction with its audit event.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from tipline.accounts.policies import require
from tipline.accounts.types import Actor
from tipline.audit.services import Entry, audit_record, audit_record_many
from tipline.core.blobs import blob_exists
from tipline.core.errors import RejectedInput
from tipline.core.progress import NullProgress, Progress
from tipline.intake.blind import file_hash_index
from tipline.intake.models import ReportFile
from tipline.media.banks import ParsedEntry, format_for, format_named
from tipline.media.content import FileHashes
from tipline.media.index import PdqIndex, pdq_matrix
from tipline.media.matching import Found, matches_for
from tipline.media.models import (
    BankEntry,
    FileScan,
    FileSignal,
    HashBank,
    Match,
    MediaKind,
)
from tipline.media.parallel import hash_stored_many
from tipline.media.summary import reports_refresh

SCAN_CHUNK = 200
ENTRY_CHUNK = 5000
_HEX = {"md5": 32, "sha1": 40, "sha256": 64, "pdq": 64}


def _check(actor: Actor, action: str) -> None:
    """People need the action (the system's own users hold it: policies); code that names no
    actor acts freely."""
    if actor is not None:
        require(actor, action)


# ---------------------------------------------------------------- files


@dataclass
class ScanResult:
    """What one scan did."""

    files: int = 0
    hashed: int = 0
    failed: int = 0
    matches: int = 0
    reports: set[int] = field(default_factory=set)


def files_scan(*, actor: Actor, file_ids: Sequence[int], rehash: bool = False,
               progress: Progress | None = None) -> ScanResult:
    """Hash the files not hashed yet (all of them with `rehash`) and match them against the
    enabled banks; record matches and raise their reports' media priority."""
    _check(actor, "bank.manage")
    progress = progress or NullProgress()
    result = ScanResult()
    ids = sorted(set(file_ids))
    for start in range(0, len(ids), SCAN_CHUNK):
        _scan_chunk(actor, ids[start: start + SCAN_CHUNK], rehash=rehash, result=result)
        if settings.CLASSIFY_ON_SCAN:  # risk scores that order the review queue
            from tipline.media.scoring import files_classify

            files_classify(file_ids=ids[start: start + SCAN_CHUNK], actor=actor, redo=rehash)
        progress.update(done=min(start + SCAN_CHUNK, len(ids)), total=len(ids))
    return result


def _scan_chunk(actor: Actor, ids: list[int], *, rehash: bool, result: ScanResult) -> None:
    rows = list(ReportFile.objects.filter(pk__in=ids).values_list(
        "pk", "report_id", "md5", "sha1", "sha256", "stored"))
    done = set() if rehash else set(
        FileScan.objects.filter(file_id__in=ids).values_list("file_id", flat=True))
    todo = [(pk, sha256) for pk, _report, _md5, _sha1, sha256, stored in rows
            if pk not in done and stored and sha256 and blob_exists(sha256)]
    hashed: dict[int, FileHashes] = dict(zip(
        [t[0] for t in todo], hash_stored_many([t[1] for t in todo]), strict=True))
    now = datetime.now(UTC)
    with transaction.atomic():
        _write_signals(hashed, now=now)
        report_of = {r[0]: r[1] for r in rows}
        found, safe = matches_for([(r[0], r[2], r[3], r[4]) for r in rows])
        _write_matches(found, safe, report_of=report_of, now=now)
        reports = {r[1] for r in rows}
        reports_refresh(report_ids=reports)
        audit_record_many(actor=actor, entries=_scan_events(rows, hashed, found, safe,
                                                            report_of))
    result.files += len(rows)
    result.hashed += sum(1 for h in hashed.values() if not h.error)
    result.failed += sum(1 for h in hashed.values() if h.error)
    result.matches += len(found)
    result.reports |= {report_of[f.file_id] for f in found}


def _write_signals(hashed: dict[int, FileHashes], *, now: datetime) -> None:
    if not hashed:
        return
    FileSignal.objects.filter(file_id__in=list(hashed)).delete()
    FileSignal.objects.bulk_create([
        FileSignal(file_id=pk, pdq=s.hash, quality=s.quality, timestamp=s.timestamp)
        for pk, h in hashed.items() for s in h.pdq
    ], batch_size=500)
    FileScan.objects.bulk_create(
        [FileScan(file_id=pk, media=h.media, scanned_at=now, error=h.error[:500])
         for pk, h in hashed.items()],
        update_conflicts=True, unique_fields=["file"],
        update_fields=["media", "scanned_at", "error"],
    )


def _write_matches(found: Sequence[Found], safe: set[int], *, report_of: dict[int, int],
                   now: datetime) -> None:
    if not found:
        return
    safe_banks = set(HashBank.objects.filter(kind=HashBank.Kind.SAFELIST)
                     .values_list("pk", flat=True))
    Match.objects.bulk_create(
        [Match(file_id=f.file_id, report_id=report_of[f.file_id], entry_id=f.entry_id,
               bank_id=f.bank_id, how=f.how, distance=f.distance, frame_share=f.frame_share,
               suppressed=f.file_id in safe and f.bank_id not in safe_banks, matched_at=now)
         for f in found],
        update_conflicts=True, unique_fields=["file", "entry"],
        update_fields=["how", "distance", "frame_share", "suppressed", "matched_at"],
        batch_size=500,
    )


def _scan_events(rows: list[tuple[Any, ...]], hashed: dict[int, FileHashes],
                 found: Sequence[Found], safe: set[int],
                 report_of: dict[int, int]) -> list[Entry]:
    per_report: dict[int, list[list[Any]]] = defaultdict(list)
    for f in found:
        per_report[report_of[f.file_id]].append(
            [f.file_id, f.entry_id, f.bank_id, f.how, f.distance, f.file_id in safe])
    events = [Entry(action="media.matched", object_type="intake.report", object_id=str(rid),
                    data={"matches": m}) for rid, m in sorted(per_report.items())]
    events.append(Entry(action="media.scanned", object_type="intake.reportfile",
                        data={"files": [r[0] for r in rows], "hashed": len(hashed),
                              "failed": sorted(k for k, h in hashed.items() if h.error),
                              "matches": len(found)}))
    return events


def reports_scan(*, actor: Actor, report_ids: Sequence[int]) -> ScanResult:
    """Hash and match every file of the reports."""
    ids = list(ReportFile.objects.filter(report_id__in=list(report_ids))
               .values_list("pk", flat=True))
    return files_scan(actor=actor, file_ids=ids)


# ---------------------------------------------------------------- banks


@transaction.atomic
def bank_create(*, actor: Actor, name: str, kind: str = HashBank.Kind.NORMAL,
                pdq_threshold: int = 31, confirmed: bool = True,
                category_map: dict[str, str] | None = None, description: str = "") -> HashBank:
    """A new, enabled hash bank."""
    _check(actor, "bank.manage")
    if kind not in HashBank.Kind.values:
        raise RejectedInput(f"bank kind must be one of {', '.join(HashBank.Kind.values)}")
    if not 0 <= pdq_threshold <= 64:
        raise RejectedInput("PDQ threshold must be between 0 and 64")
    if HashBank.objects.filter(name=name).exists():
        raise RejectedInput(f"a bank named {name!r} exists already")
    bank = HashBank.objects.create(name=name[:100], kind=kind, pdq_threshold=pdq_threshold,
                                   confirmed=confirmed, category_map=category_map or {},
                                   description=description[:500])
    audit_record(actor=actor, action="bank.created", obj=bank, data={
        "name": bank.name, "kind": kind, "pdq_threshold": pdq_threshold,
        "confirmed": confirmed, "category_map": bank.category_map})
    return bank


@transaction.atomic
def bank_configure(*, actor: Actor, bank: HashBank, enabled: bool | None = None,
                   pdq_threshold: int | None = None,
                   category_map: dict[str, str] | None = None) -> HashBank:
    """Change how a bank matches: enabled, PDQ threshold, category table."""
    _check(actor, "bank.manage")
    changed: dict[str, Any] = {}
    if enabled is not None:
        bank.enabled = changed["enabled"] = enabled
    if pdq_threshold is not None:
        if not 0 <= pdq_threshold <= 64:
            raise RejectedInput("PDQ threshold must be between 0 and 64")
        bank.pdq_threshold = changed["pdq_threshold"] = pdq_threshold
    if category_map is not None:
        bank.category_map = changed["category_map"] = category_map
    if changed:
        bank.save(update_fields=list(changed))
        audit_record(actor=actor, action="bank.configured", obj=bank, data=changed)
        reports_refresh(report_ids=Match.objects.filter(bank=bank)
                        .values_list("report_id", flat=True).distinct())
    return bank


@dataclass
class BankImport:
    """Counts of one hash-list import."""

    format: str = ""
    added: int = 0
    deleted: int = 0
    skipped: int = 0
    invalid: int = 0
    unchanged: int = 0  # entries re-sent exactly as the bank holds them
    first_id: int | None = None
    retro: ScanResult | None = None


def _clean(entry: ParsedEntry) -> ParsedEntry | None:
    """The entry with its hashes lower-cased, or None if any hash is malformed or none given."""
    any_hash = False
    for name, length in _HEX.items():
        value = getattr(entry, name).strip().lower()
        if value:
            if len(value) != length or any(c not in "0123456789abcdef" for c in value):
                return None
            any_hash = True
        setattr(entry, name, value)
    return entry if any_hash or entry.deleted else None


def bank_import(*, actor: Actor, bank: HashBank, path: Path, format_name: str | None = None,
                retro_hunt: bool = True, progress: Progress | None = None) -> BankImport:
    """Read a hash list into the bank (deletions flag entries), then match the new entries
    against the files already held (retro-hunt)."""
    _check(actor, "bank.manage")
    progress = progress or NullProgress()
    size = path.stat().st_size
    if size > settings.MAX_BANK_FILE_BYTES:
        raise RejectedInput(f"{path.name}: {size} bytes is over the limit of "
                            f"{settings.MAX_BANK_FILE_BYTES}")
    with path.open("rb") as fh:
        head = fh.read(8192)
    fmt = format_named(format_name) if format_name else format_for(head, path.name)
    if fmt is None:
        raise RejectedInput(f"{path.name}: unknown hash-list format"
                            + (f" {format_name!r}" if format_name else ""))
    counts = BankImport(format=fmt.name)
    buffer: list[ParsedEntry] = []
    # all or nothing: a file that fails part-way leaves none of its entries (nor, with the
    # caller's transaction, the bank it created for them)
    with transaction.atomic(), path.open("rb") as fh:
        for parsed in fmt.entries(fh):
            buffer.append(parsed)
            if len(buffer) >= ENTRY_CHUNK:
                _import_chunk(actor, bank, buffer, counts, source=path.name,
                              replace_resent=fmt.ids_identify)
                buffer = []
                progress.update(done=counts.added + counts.deleted + counts.invalid)
        _import_chunk(actor, bank, buffer, counts, source=path.name,
                      replace_resent=fmt.ids_identify)
    progress.update(done=counts.added + counts.deleted + counts.invalid)
    if retro_hunt and counts.first_id is not None:
        counts.retro = bank_retrohunt(actor=actor, bank=bank, since_id=counts.first_id)
    return counts


def bank_entries_add(*, actor: Actor, bank: HashBank, entries: Sequence[ParsedEntry],
                     source: str = "", source_category: str | None = None) -> BankImport:
    """Add entries to a bank (used by imports and by review decisions), without retro-hunt;
    `source_category` is the category they are exported with, when not their own."""
    _check(actor, "bank.manage")
    counts = BankImport(format="direct")
    _import_chunk(actor, bank, list(entries), counts, source=source,
                  source_category=source_category)
    return counts


@transaction.atomic
def bank_of_hub(*, actor: Actor, name: str, safelist: bool) -> HashBank:
    """The hub's own bank of that name (its confirmed files, or its safelist of files found
    not to be CSAM), created on first use; RejectedInput if a bank of that name is another
    kind."""
    kind = HashBank.Kind.SAFELIST if safelist else HashBank.Kind.NORMAL
    bank, created = HashBank.objects.get_or_create(name=name, defaults={
        "kind": kind, "confirmed": not safelist,
        "description": ("files reviewers found not to be CSAM" if safelist
                        else "files reviewers confirmed")})
    if bank.kind != kind or (not safelist and not bank.confirmed):
        raise RejectedInput(f"the bank {name!r} exists but is not the hub's "
                            f"{'safelist' if safelist else 'confirmed bank'}")
    if created:
        audit_record(actor=actor, action="bank.created", obj=bank,
                     data={"name": name, "kind": kind, "confirmed": bank.confirmed})
    return bank


def _import_chunk(actor: Actor, bank: HashBank, parsed: list[ParsedEntry], counts: BankImport,
                  *, source: str, source_category: str | None = None,
                  replace_resent: bool = False) -> None:
    if not parsed:
        return
    now = datetime.now(UTC)
    rows: list[BankEntry] = []
    deletions: list[str] = []
    for raw in parsed:
        entry = _clean(raw)
        if entry is None:
            counts.invalid += 1
            continue
        if entry.deleted:
            if entry.source_id:
                deletions.append(entry.source_id[:200])
            else:
                counts.invalid += 1
            continue
        category = bank.map_category(entry.category) if entry.category else ""
        if category == "skip":
            counts.skipped += 1
            continue
        rows.append(BankEntry(bank=bank, media=entry.media if entry.media in MediaKind.values
                              else MediaKind.IMAGE, md5=entry.md5, sha1=entry.sha1,
                              sha256=entry.sha256, pdq=entry.pdq, category=category[:60],
                              source_category=(source_category or entry.category)[:60],
                              source_id=entry.source_id[:200], added_at=now))
    with transaction.atomic():
        rows, replaced = _resent(bank, rows, counts) if replace_resent else (rows, [])
        created = BankEntry.objects.bulk_create(rows, batch_size=1000)
        deleted = 0
        for start in range(0, len(deletions), 900):
            deleted += BankEntry.objects.filter(
                bank=bank, source_id__in=deletions[start: start + 900], deleted=False,
            ).update(deleted=True)
        for start in range(0, len(replaced), 900):
            deleted += BankEntry.objects.filter(
                pk__in=replaced[start: start + 900]).update(deleted=True)
        if deleted:
            affected = Match.objects.filter(entry__bank=bank, entry__deleted=True).filter(
                Q(entry__source_id__in=deletions) | Q(entry__in=replaced))
            reports_refresh(report_ids=affected.values_list("report_id", flat=True).distinct())
        audit_record(actor=actor, action="bank.imported", obj=bank, data={
            "source": source, "added": len(rows), "deleted": deleted,
            "withdrawn_ids": deletions[:1000], "replaced_entries": replaced[:1000]})
    counts.added += len(rows)
    counts.deleted += deleted
    ids = [e.pk for e in created if e.pk is not None]  # SQLite and PostgreSQL return them
    if ids and (counts.first_id is None or min(ids) < counts.first_id):
        counts.first_id = min(ids)


def _entry_key(e: BankEntry) -> tuple[str, ...]:
    return (e.md5, e.sha1, e.sha256, e.pdq, e.category, e.source_category, e.media)


def _resent(bank: HashBank, rows: list[BankEntry],
            counts: BankImport) -> tuple[list[BankEntry], list[int]]:
    """Entries re-sent under a source id the bank already holds live (from before this
    import): the same content again is left as it is (counted unchanged); new content
    replaces the old entries of that id (returned to be marked deleted). Returns the rows to
    add and the ids of the entries they replace."""
    by_id: dict[str, list[BankEntry]] = {}
    for row in rows:
        if row.source_id:
            by_id.setdefault(row.source_id, []).append(row)
    if not by_id:
        return rows, []
    held: dict[str, list[BankEntry]] = {}
    ids = list(by_id)
    for start in range(0, len(ids), 900):
        old = BankEntry.objects.filter(bank=bank, deleted=False,
                                       source_id__in=ids[start: start + 900])
        if counts.first_id is not None:  # not what this import added in an earlier chunk
            old = old.filter(pk__lt=counts.first_id)
        for entry in old:
            held.setdefault(entry.source_id, []).append(entry)
    same: set[str] = set()
    replaced: list[int] = []
    for source_id, entries in held.items():
        if {_entry_key(e) for e in entries} == {_entry_key(e) for e in by_id[source_id]}:
            same.add(source_id)
        else:
            replaced += [e.pk for e in entries]
    kept = [row for row in rows if row.source_id not in same]
    counts.unchanged += len(rows) - len(kept)
    return kept, replaced


def bank_retrohunt(*, actor: Actor, bank: HashBank, since_id: int = 0,
                   progress: Progress | None = None) -> ScanResult:
    """Match the bank's entries from `since_id` on against every file already held: files
    sharing an exact hash, or with a PDQ signal within the bank's threshold, are re-matched."""
    _check(actor, "bank.manage")
    entries = BankEntry.objects.filter(bank=bank, pk__gte=since_id, deleted=False)
    candidates: set[int] = set()
    for name in ("md5", "sha1", "sha256"):
        # held files' hashes are sealed: they are found by the blind index of each hash
        values = [file_hash_index(name, v) for v in
                  entries.exclude(**{name: ""}).values_list(name, flat=True).distinct()]
        for start in range(0, len(values), 900):
            candidates |= set(ReportFile.objects.filter(
                **{f"{name}_index__in": values[start: start + 900]})
                .values_list("pk", flat=True))
    index = PdqIndex()
    pdq_rows = list(entries.exclude(pdq="").values_list("pk", "pdq"))
    for start in range(0, len(pdq_rows), 100_000):
        part = pdq_rows[start: start + 100_000]
        index.add([r[0] for r in part], pdq_matrix([r[1] for r in part]))
    if len(index):
        last = 0
        while True:
            sigs = list(FileSignal.objects.filter(pk__gt=last).order_by("pk")
                        .values_list("pk", "file_id", "pdq")[:50_000])
            if not sigs:
                break
            last = sigs[-1][0]
            lims, _dist, _ids = index.search(pdq_matrix([s[2] for s in sigs]),
                                             bank.pdq_threshold)
            candidates |= {sigs[i][1] for i in range(len(sigs)) if lims[i + 1] > lims[i]}
    return files_scan(actor=actor, file_ids=sorted(candidates), progress=progress)


def bank_export(*, actor: Actor, bank_names: Sequence[str], organisation: str = "NCRB") -> bytes:
    """The named banks' live entries with an MD5 or SHA-1 as a VICS 2.0 JSON document."""
    from tipline.media.banks.vics import vics_export

    _check(actor, "bank.manage")
    banks = list(HashBank.objects.filter(name__in=list(bank_names)))
    missing = set(bank_names) - {b.name for b in banks}
    if missing:
        raise RejectedInput(f"no such bank: {', '.join(sorted(missing))}")
    rows = (BankEntry.objects.filter(bank__in=banks, deleted=False)
            .exclude(md5="", sha1="").order_by("pk")
            .values("pk", "md5", "sha1", "source_category", "category", "source_id", "media"))
    data = vics_export(({"id": r["source_id"] or r["pk"], "md5": r["md5"], "sha1": r["sha1"],
                         "category": r["source_category"] or r["category"],
                         "media": r["media"]} for r in rows),
                       organisation=organisation)
    with transaction.atomic():
        for bank in banks:
            audit_record(actor=actor, action="bank.exported", obj=bank, data={"format": "vics"})
    return data
