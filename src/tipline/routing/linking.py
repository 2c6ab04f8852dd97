"""Finding reports about the same people: union-find over what they share.

Two current reports are linked when they share an email, phone, device id, file hash, a
screen name or platform user id on the same service, or the same IP address and port within
`LINK_IP_WINDOW_SECONDS` of each other (behind CGNAT the address alone means little). A
value shared by more than `LINK_MAX_SHARED` reports (a shared office number) links nothing:
it would fuse unrelated people into one cluster. Files circulate far more than accounts, so
a file hash links only while at most `LINK_MAX_SHARED_FILES` reports carry it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction

from tipline.accounts.types import Actor
from tipline.audit.services import audit_record
from tipline.core.bulk import insert_rows
from tipline.intake.models import Identifier, IpEvent
from tipline.routing.models import ReportCluster

#: identifier kinds that say "same person or same material"
LINKING_KINDS = ("email", "phone", "screen_name", "esp_user_id", "device_id", "md5", "sha256")
#: the same file is weaker evidence than the same account: material circulates
FILE_KINDS = ("md5", "sha256")


class UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def add(self, x: int) -> None:
        self.parent.setdefault(x, x)

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(x, x) != root:  # path compression
            parent[x], x = root, parent[x]
        return root

    def union(self, a: int, b: int) -> None:
        self.add(a)
        self.add(b)
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            low, high = (ra, rb) if ra < rb else (rb, ra)
            self.parent[high] = low  # the smallest id is the root

    def groups(self) -> dict[int, int]:
        """report id -> cluster (smallest id of its group), for every linked report."""
        return {x: self.find(x) for x in list(self.parent)}


def _shared_identifiers() -> Iterator[list[int]]:
    """Report ids per (kind, value, service) shared by 2..LINK_MAX_SHARED current reports."""
    rows = (Identifier.objects.filter(kind__in=LINKING_KINDS, report__is_current=True)
            .order_by("kind", "value", "service")
            .values_list("kind", "value", "service", "report_id"))
    key: tuple[str, str, str] | None = None
    group: list[int] = []
    for kind, value, service, report_id in rows.iterator(chunk_size=10_000):
        if (kind, value, service) != key:
            if key and _links(key[0], group):
                yield group
            key, group = (kind, value, service), []
        group.append(report_id)
    if key and _links(key[0], group):
        yield group


def _links(kind: str, group: list[int]) -> bool:
    """Is a value shared by these reports evidence of the same people?"""
    limit = settings.LINK_MAX_SHARED_FILES if kind in FILE_KINDS else settings.LINK_MAX_SHARED
    return 2 <= len(set(group)) <= limit


def _same_ip_port_time() -> Iterator[tuple[int, int]]:
    """Pairs of reports with events on the same IP and port within the window."""
    window = settings.LINK_IP_WINDOW_SECONDS
    rows = (IpEvent.objects.filter(port__isnull=False, occurred_at__isnull=False,
                                   report__is_current=True)
            .order_by("ip", "port", "occurred_at")
            .values_list("ip", "port", "occurred_at", "report_id"))
    prev: tuple[str, int | None, datetime, int] | None = None
    for ip, port, at, report_id in rows.iterator(chunk_size=10_000):
        if at is None:
            continue
        if (prev and prev[0] == ip and prev[1] == port and prev[3] != report_id
                and (at - prev[2]).total_seconds() <= window):
            yield prev[3], report_id
        prev = (ip, port, at, report_id)


def clusters_compute() -> dict[int, int]:
    """report id -> cluster id for every report linked to at least one other."""
    uf = UnionFind()
    for group in _shared_identifiers():
        first = group[0]
        for other in group[1:]:
            uf.union(first, other)
    for a, b in _same_ip_port_time():
        uf.union(a, b)
    return uf.groups()


def clusters_rebuild(*, actor: Actor) -> tuple[int, int]:
    """Recompute every cluster; returns (linked reports, clusters)."""
    groups = clusters_compute()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {ReportCluster._meta.db_table}")  # noqa: S608
        insert_rows(ReportCluster, ("report", "cluster"), sorted(groups.items()))
        clusters = len(set(groups.values()))
        audit_record(actor=actor, action="clusters.rebuilt",
                     data={"linked_reports": len(groups), "clusters": clusters})
    return len(groups), clusters


