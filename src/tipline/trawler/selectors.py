"""Reads of the trawler's state: the sources and the frontier in figures."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import Count

from tipline.trawler.models import Host, MediaSeen, Source, Url


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


def sources_list(*, kind: str | None = None) -> Iterator[Source]:
    """The sources, oldest first (of one kind, if given), with their URL counts."""
    query = Source.objects.annotate(url_count=Count("urls")).order_by("pk")
    if kind:
        query = query.filter(kind=kind)
    return query.iterator(chunk_size=500)
