"""Reads of the trawler's state: the sources and the frontier in figures, the fetch rate,
the latest findings, the notices and the abuse contacts (the trawler page)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from tipline.trawler.models import Contact, Finding, Host, MediaSeen, Notice, Source, Url


@dataclass
class FrontierStatus:
    """The frontier in figures."""

    states: dict[str, int] = field(default_factory=dict)
    kinds: dict[str, int] = field(default_factory=dict)
    outcomes: dict[str, int] = field(default_factory=dict)
    sources: int = 0
    hosts: int = 0


def frontier_status() -> FrontierStatus:
    """URLs by state and by kind, media seen by outcome, sources and hosts."""
    return FrontierStatus(
        states=dict(Url.objects.values_list("state").annotate(n=Count("pk")).order_by()),
        kinds=dict(Url.objects.values_list("kind").annotate(n=Count("pk")).order_by()),
        outcomes=dict(MediaSeen.objects.values_list("outcome").annotate(n=Count("pk"))
                      .order_by()),
        sources=Source.objects.count(), hosts=Host.objects.count())


def sources_list(*, kind: str | None = None, limit: int | None = None) -> Iterator[Source]:
    """The sources, oldest first (of one kind, if given; the first `limit`, if given), with
    their URL counts."""
    query = Source.objects.annotate(url_count=Count("urls")).order_by("pk")
    if kind:
        query = query.filter(kind=kind)
    if limit is not None:
        query = query[:limit]
    return query.iterator(chunk_size=500)


@dataclass
class FetchRate:
    """URLs fetched lately: the last ten minutes (as a rate), the last hour and day."""

    per_minute: float
    last_hour: int
    last_day: int


def fetch_rate(*, now: datetime | None = None) -> FetchRate:
    """How fast the trawler has been fetching, from the frontier's fetch times."""
    now = now or timezone.now()
    fetched = Url.objects.filter(fetched_at__isnull=False)
    counts = fetched.aggregate(
        ten=Count("pk", filter=Q(fetched_at__gte=now - timedelta(minutes=10))),
        hour=Count("pk", filter=Q(fetched_at__gte=now - timedelta(hours=1))),
        day=Count("pk", filter=Q(fetched_at__gte=now - timedelta(days=1))))
    return FetchRate(per_minute=round(counts["ten"] / 10, 1), last_hour=counts["hour"],
                     last_day=counts["day"])


def findings_recent(*, limit: int = 50) -> list[Finding]:
    """The newest findings, whatever their state, with their host and report."""
    return list(Finding.objects.select_related("host", "report").order_by("-pk")[:limit])


def notice_states() -> dict[str, int]:
    """Takedown notices by state."""
    return dict(Notice.objects.values_list("state").annotate(n=Count("pk")).order_by())


def contacts_list(*, limit: int = 500) -> list[Contact]:
    """The hub's abuse contacts, by host, then network, then AS."""
    return list(Contact.objects.order_by("host", "network", "asn")[:limit])
