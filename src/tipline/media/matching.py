"""Matching files against the hash banks.

Exact hashes (MD5, SHA-1, SHA-256) go through the database's indexes. PDQ goes through one
in-memory multi-index-hashing index per process (`bank_index()`), which catches up with new
bank entries before every search (entries with a higher id than it has seen), so a hash
imported by one worker matches in every other within one scan. The index only proposes
candidates: each is checked against the database (entry not deleted, bank enabled, distance
within that bank's threshold), so a stale index can never produce a wrong match.

A video matches a bank video (entries sharing a source id, one per frame) when at least
TIPLINE_VPDQ_MATCH_PERCENT of its usable frames are within the bank's distance of one of that
video's frames; a frame matching a bank image is a PDQ match of the video.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings

from tipline.media.hashing import hamming
from tipline.media.index import PdqIndex, pdq_matrix
from tipline.media.index_client import RemoteIndex
from tipline.media.models import BankEntry, FileSignal, HashBank, Match, MediaKind

CHUNK = 20_000
FULL_CHECK_SECONDS = 60.0


class BankIndex:
    """The process's PDQ index of every bank entry with a PDQ hash (see module docstring), or
    of one shard of them: the entries whose hash's first hex digit is in `prefixes` (the
    index service, `tipline pdq-index serve --shard K/N`, holds one)."""

    def __init__(self, prefixes: str = "") -> None:
        self.lock = threading.Lock()
        self.prefixes = prefixes
        self.reset()

    def reset(self) -> None:
        self.pdq = PdqIndex()
        self.high_water = 0
        self.last_hash = ""
        self.checked_at = 0.0

    def refresh(self) -> None:
        """Add entries newer than the last seen; rebuild if the database went another way."""
        with self.lock:
            if self._stale():
                self.reset()
            while True:
                rows = list(BankEntry.objects.filter(pk__gt=self.high_water).exclude(pdq="")
                            .order_by("pk").values_list("pk", "pdq")[:CHUNK])
                if not rows:
                    break
                mine = [r for r in rows if not self.prefixes or r[1][:1] in self.prefixes]
                self.pdq.add([r[0] for r in mine], pdq_matrix([r[1] for r in mine]))
                self.high_water, self.last_hash = rows[-1]

    def _stale(self) -> bool:
        """True when the database no longer holds what the index was built from (a restore,
        a rolled-back test database, entries committed out of id order)."""
        if self.high_water == 0:
            return False
        now = time.monotonic()
        if len(self.pdq) > 100_000 and now - self.checked_at < FULL_CHECK_SECONDS:
            return False
        self.checked_at = now
        last = BankEntry.objects.filter(pk=self.high_water).values_list("pdq", flat=True).first()
        if last != self.last_hash:
            return True
        held = BankEntry.objects.filter(pk__lte=self.high_water).exclude(pdq="")
        if self.prefixes:
            held = held.filter(pdq__regex=f"^[{self.prefixes}]")
        return held.count() != len(self.pdq)

    def candidates(self, hashes: Sequence[str], distance: int) -> list[list[tuple[int, int]]]:
        """For each hash: [(entry id, distance)] of indexed entries within `distance`."""
        self.refresh()
        lims, dist, ids = self.pdq.search(pdq_matrix(hashes), distance)
        return [[(int(ids[j]), int(dist[j])) for j in range(lims[i], lims[i + 1])]
                for i in range(len(hashes))]


class Candidates(Protocol):
    """What the matcher asks of a PDQ index: in-process, or the shared index service."""

    def candidates(self, hashes: Sequence[str], distance: int) -> list[list[tuple[int, int]]]:
        ...


_INDEX = BankIndex()
_REMOTE: dict[str, Candidates] = {}


def bank_index() -> BankIndex:
    """This process's own index (what the index service holds, and what tests reset)."""
    return _INDEX


def pdq_index() -> Candidates:
    """The index the matcher searches: the shared service's shards when
    TIPLINE_PDQ_INDEX_URL names them, else this process's own."""
    urls = settings.PDQ_INDEX_URL
    if not urls:
        return _INDEX
    if urls not in _REMOTE:
        _REMOTE[urls] = RemoteIndex([u.strip() for u in urls.split(",") if u.strip()])
    return _REMOTE[urls]


@dataclass(frozen=True)
class Found:
    """A proposed match of one file to one entry."""

    file_id: int
    entry_id: int
    bank_id: int
    how: str
    distance: int = 0
    frame_share: float | None = None


@dataclass
class _Entry:
    id: int
    bank_id: int
    media: str
    pdq: str
    source_id: str


def live_banks() -> dict[int, HashBank]:
    return {b.pk: b for b in HashBank.objects.filter(enabled=True)}


def exact_matches(files: Sequence[tuple[int, str, str, str]],
                  banks: dict[int, HashBank]) -> list[Found]:
    """Matches by MD5, SHA-1 or SHA-256 of (file id, md5, sha1, sha256) through the indexes."""
    out: list[Found] = []
    if not banks:
        return out
    for field_name, position in (("md5", 1), ("sha1", 2), ("sha256", 3)):
        by_value: dict[str, list[int]] = defaultdict(list)
        for f in files:
            value = str(f[position] or "")
            if value:
                by_value[value.lower()].append(f[0])
        values = list(by_value)
        for start in range(0, len(values), 900):
            part = values[start: start + 900]
            # `<> ''` lets the partial index on the hash serve the look-up; the banks are
            # checked here, as a bank_id filter in SQL would draw SQLite to the bank's index
            # and a scan of every entry of the bank
            rows = BankEntry.objects.filter(**{f"{field_name}__in": part}, deleted=False).exclude(
                **{field_name: ""}).values_list("pk", "bank_id", field_name)
            for pk, bank_id, value in rows:
                if bank_id in banks:
                    out += [Found(fid, pk, bank_id, field_name) for fid in by_value[value]]
    return out


def pdq_matches(signals: Sequence[tuple[int, str, int, float | None, str]],
                banks: dict[int, HashBank]) -> list[Found]:
    """Matches of PDQ signals (file id, pdq, quality, timestamp, file media)."""
    if not banks or not signals:
        return []
    min_quality = int(settings.PDQ_MIN_QUALITY)
    usable = [s for s in signals if s[2] >= min_quality]
    radius = max(b.pdq_threshold for b in banks.values())
    proposals = pdq_index().candidates([s[1] for s in usable], radius)
    wanted = {eid for hits in proposals for eid, _ in hits}
    entries = _live_entries(wanted, banks)
    image_hits: dict[tuple[int, int], int] = {}
    video_hits: dict[tuple[int, int, str], dict[int, tuple[int, int]]] = defaultdict(dict)
    frames_per_file: dict[int, int] = defaultdict(int)
    for sig in usable:
        frames_per_file[sig[0]] += 1
    for n, (sig, hits) in enumerate(zip(usable, proposals, strict=True)):
        file_id = sig[0]
        for entry_id, _ in hits:
            e = entries.get(entry_id)
            if e is None:
                continue
            d = hamming(sig[1], e.pdq)  # checked against the database, not the index
            if d > banks[e.bank_id].pdq_threshold:
                continue
            if e.media == MediaKind.VIDEO and sig[4] == MediaKind.VIDEO:
                group = video_hits[(file_id, e.bank_id, e.source_id or str(e.id))]
                if n not in group or d < group[n][1]:
                    group[n] = (e.id, d)
            else:
                key = (file_id, e.id)
                image_hits[key] = min(d, image_hits.get(key, 999))
    out = [Found(fid, eid, entries[eid].bank_id, Match.How.PDQ, d)
           for (fid, eid), d in image_hits.items()]
    share_needed = int(settings.VPDQ_MATCH_PERCENT) / 100.0
    for (file_id, _bank_id, _source), frames in video_hits.items():
        share = len(frames) / max(frames_per_file[file_id], 1)
        if share + 1e-9 >= share_needed:
            first = min(frames.values(), key=lambda x: (x[1], x[0]))
            out.append(Found(file_id, first[0], entries[first[0]].bank_id, Match.How.VIDEO,
                             first[1], round(share, 3)))
    return out


def _live_entries(ids: set[int], banks: dict[int, HashBank]) -> dict[int, _Entry]:
    out: dict[int, _Entry] = {}
    id_list = list(ids)
    for start in range(0, len(id_list), 900):
        rows = BankEntry.objects.filter(pk__in=id_list[start: start + 900], deleted=False,
                                        bank_id__in=list(banks)).exclude(pdq="")
        for pk, bank_id, media, pdq, source_id in rows.values_list(
                "pk", "bank_id", "media", "pdq", "source_id"):
            out[pk] = _Entry(pk, bank_id, media, pdq, source_id)
    return out


def file_signals(file_ids: Sequence[int]) -> list[tuple[int, str, int, float | None, str]]:
    """(file id, pdq, quality, timestamp, media) of the files' stored signals."""
    out: list[tuple[int, str, int, float | None, str]] = []
    for start in range(0, len(file_ids), 900):
        part = list(file_ids[start: start + 900])
        rows = FileSignal.objects.filter(file_id__in=part).values_list(
            "file_id", "pdq", "quality", "timestamp", "file__scan__media")
        out += [(f, p, q, t, m or MediaKind.OTHER) for f, p, q, t, m in rows]
    return out


def safelisted(found: Sequence[Found], banks: dict[int, HashBank]) -> set[int]:
    """Files with a match in a safelist bank: their other matches are suppressed."""
    return {f.file_id for f in found if banks[f.bank_id].kind == HashBank.Kind.SAFELIST}


def matches_for(files: Sequence[tuple[int, str, str, str]]) -> tuple[list[Found], set[int]]:
    """Every match of the files (id, md5, sha1, sha256) and the set of safelisted file ids."""
    banks = live_banks()
    found = exact_matches(list(files), banks)
    found += pdq_matches(file_signals([f[0] for f in files]), banks)
    best: dict[tuple[int, int], Found] = {}
    for f in found:  # one match per (file, entry): exact beats PDQ
        key = (f.file_id, f.entry_id)
        if key not in best or (best[key].how in (Match.How.PDQ, Match.How.VIDEO)
                               and f.how not in (Match.How.PDQ, Match.How.VIDEO)):
            best[key] = f
    result = list(best.values())
    return result, safelisted(result, banks)


__all__ = ["BankIndex", "Found", "bank_index", "matches_for", "exact_matches", "pdq_matches"]
