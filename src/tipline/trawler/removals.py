"""How fast each host removes what it was sent a notice about (a selector, read-only).

Per host: notices sent, removed, the median and 90th-percentile time from the notice to the
re-check that found the material gone, and of the notices old enough to say (sent at least
24 h, 72 h, 7 days ago) how many were still up at that age. The time to removal is the
re-check's time, so it is at most one re-check interval late (see trawler.rechecks).

One query reads (host, sent, removed) for every notice sent, ordered by host, and one pass
computes every figure: no query per notice or per host.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from tipline.trawler.models import Notice

#: the ages at which "still up" is counted
AGES = (timedelta(hours=24), timedelta(hours=72), timedelta(days=7))


def percentile(sorted_values: Sequence[timedelta], q: float) -> timedelta | None:
    """The q-th quantile (0..1) of sorted values, linear between the two nearest ranks (the
    usual "inclusive" definition: the median of 1, 2, 3, 4 is 2.5); None for no values."""
    if not sorted_values:
        return None
    pos = (len(sorted_values) - 1) * q
    low = math.floor(pos)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (pos - low)


@dataclass
class HostRemovals:
    """One host's figures. `up[i]` of `old[i]` notices sent at least AGES[i] ago were still
    up at that age (not yet removed, or removed later than that)."""

    host_id: int
    host: str
    sent: int = 0
    removed: int = 0
    median: timedelta | None = None
    p90: timedelta | None = None
    up: list[int] = field(default_factory=lambda: [0] * len(AGES))
    old: list[int] = field(default_factory=lambda: [0] * len(AGES))

    @property
    def up_24h(self) -> tuple[int, int]:
        return self.up[0], self.old[0]

    @property
    def up_72h(self) -> tuple[int, int]:
        return self.up[1], self.old[1]

    @property
    def up_7d(self) -> tuple[int, int]:
        return self.up[2], self.old[2]


def _rows(host_ids: Sequence[int] | None) -> Iterator[tuple[int, str, datetime, datetime | None]]:
    qs = Notice.objects.filter(sent_at__isnull=False)
    if host_ids is not None:
        qs = qs.filter(host_id__in=list(host_ids))
    return qs.order_by("host_id").values_list(  # type: ignore[return-value]
        "host_id", "host__name", "sent_at", "removed_at").iterator(chunk_size=5000)


def removals_by_host(*, now: datetime | None = None,
                     host_ids: Sequence[int] | None = None) -> list[HostRemovals]:
    """Every host that was sent a notice, with its figures, most notices first."""
    now = now or timezone.now()
    out: list[HostRemovals] = []
    current: HostRemovals | None = None
    times: list[timedelta] = []

    def close() -> None:
        if current is not None:
            times.sort()
            current.median, current.p90 = percentile(times, 0.5), percentile(times, 0.9)
            out.append(current)

    for host_id, name, sent_at, removed_at in _rows(host_ids):
        if current is None or current.host_id != host_id:
            close()
            current, times = HostRemovals(host_id=host_id, host=name), []
        current.sent += 1
        took = removed_at - sent_at if removed_at is not None else None
        if took is not None:
            current.removed += 1
            times.append(took)
        for i, age in enumerate(AGES):
            if now - sent_at >= age:
                current.old[i] += 1
                if took is None or took > age:
                    current.up[i] += 1
    close()
    out.sort(key=lambda row: (-row.sent, row.host))
    return out
