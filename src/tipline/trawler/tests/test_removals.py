"""Per-host removal figures, against values worked out by hand on a small fixture."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tipline.trawler.models import Notice
from tipline.trawler.removals import percentile, removals_by_host
from tipline.trawler.tests.findings import SEEN_AT, finding_make

pytestmark = pytest.mark.django_db

T0 = SEEN_AT
NOW = T0 + timedelta(days=8)
H = timedelta(hours=1)


def _notice(url: str, *, sent_at: Any, removed_after: timedelta | None = None,
            state: str = Notice.State.SENT) -> Notice:
    finding = finding_make(url, content=url.encode())
    removed = sent_at + removed_after if (sent_at and removed_after is not None) else None
    return Notice.objects.create(
        finding=finding, host=finding.host, state=Notice.State.REMOVED if removed else state,
        sent_at=sent_at, removed_at=removed, email="abuse@x.example")


def test_the_figures_per_host_match_the_hand_worked_ones(
        django_assert_num_queries: Any) -> None:
    for i, hours in enumerate([2, 10, 30, 100]):
        _notice(f"http://a.test/{i}.jpg", sent_at=T0, removed_after=hours * H)
    _notice("http://a.test/up.jpg", sent_at=T0)  # never removed
    _notice("http://a.test/new.jpg", sent_at=NOW - 10 * H)  # too young for any age
    _notice("http://b.test/1.jpg", sent_at=NOW - 30 * H, removed_after=H)
    _notice("http://c.test/1.jpg", sent_at=None, state=Notice.State.NO_CONTACT)  # not sent

    with django_assert_num_queries(1):
        rows = removals_by_host(now=NOW)
    assert [r.host for r in rows] == ["a.test", "b.test"]
    a, b = rows
    assert (a.sent, a.removed) == (6, 4)
    # removal times 2, 10, 30, 100 h: median (10 + 30) / 2; p90 at rank 2.7: 30 + 0.7 * 70
    assert a.median == 20 * H
    assert a.p90 == 79 * H
    # of the five sent 8 days ago: up at 24 h: 30 h, 100 h, never; at 72 h: 100 h, never;
    # at 7 days: never. The one sent 10 h ago is too young for every age.
    assert (a.up_24h, a.up_72h, a.up_7d) == ((3, 5), (2, 5), (1, 5))
    assert (b.sent, b.removed, b.median, b.p90) == (1, 1, H, H)
    assert (b.up_24h, b.up_72h, b.up_7d) == ((0, 1), (0, 0), (0, 0))

    only_b = removals_by_host(now=NOW, host_ids=[b.host_id])
    assert [r.host for r in only_b] == ["b.test"]


def test_the_percentile_is_the_inclusive_linear_one() -> None:
    values = [timedelta(minutes=m) for m in (1, 2, 3, 4)]
    assert percentile(values, 0.5) == timedelta(minutes=2.5)
    assert percentile(values, 0.9) == timedelta(minutes=3.7)
    assert percentile(values[:1], 0.9) == timedelta(minutes=1)
    assert percentile([], 0.5) is None
