"""Finding reports about the same people: union-find over what they share.

Two current reports are linked when they share an email, phone, device id, file hash, a
screen name or platform user id on the same service, or the same IP address and port within
`LINK_IP_WINDOW_SECONDS` of each other (behind CGNAT the address alone means little). A
value shared by more than `LINK_MAX_SHARED` reports (a shared office number) links nothing:
it would fuse unrelated people into one cluster. Files circulate far more than accounts, so
a file hash links only while at most `LINK_MAX_SHARED_FILES` reports carry it.

The values themselves are sealed (core.fields): linking compares their blind indexes
(`Identifier.value_index`, `IpEvent.ip_index`), equal exactly when the values are, and never
opens a value.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, QuerySet

from tipline.accounts.types import Actor
from tipline.audit.services import audit_record
from tipline.core.bulk import insert_rows
from tipline.intake.models import Identifier, IpEvent, Report
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
    """Report ids per (kind, value, service) shared by 2..LINK_MAX_SHARED current reports.

    The database counts the reports per value from the index on (kind, value, service,
    report) and returns the rows of the values that link, not every identifier; reports that
    are not current (an older version) are left out by id, a short list."""
    table = Identifier._meta.db_table
    reports = Report._meta.db_table
    kinds = ", ".join(["%s"] * len(LINKING_KINDS))
    files = ", ".join(["%s"] * len(FILE_KINDS))
    not_current = f"SELECT id FROM {reports} WHERE is_current = %s"  # noqa: S608
    sql = f"""
        WITH shared AS (
            SELECT kind, value_index, service FROM {table}
            WHERE kind IN ({kinds}) AND report_id NOT IN ({not_current})
            GROUP BY kind, value_index, service
            HAVING COUNT(DISTINCT report_id) BETWEEN 2
                AND (CASE WHEN kind IN ({files}) THEN %s ELSE %s END))
        SELECT i.kind, i.value_index, i.service, i.report_id
        FROM shared JOIN {table} i ON i.kind = shared.kind
            AND i.value_index = shared.value_index AND i.service = shared.service
        WHERE i.report_id NOT IN ({not_current})
        ORDER BY i.kind, i.value_index, i.service"""  # noqa: S608 - names from the models
    params: list[Any] = [*LINKING_KINDS, False, *FILE_KINDS, settings.LINK_MAX_SHARED_FILES,
              settings.LINK_MAX_SHARED, False]
    key: tuple[str, str, str] | None = None
    group: list[int] = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(10_000):
            for kind, value, service, report_id in rows:
                if (kind, value, service) != key:
                    if group:
                        yield group
                    key, group = (kind, value, service), []
                group.append(report_id)
    if group:
        yield group


def _limit(kind: str) -> int:
    """How many reports may share a value of this kind for it to link them."""
    return settings.LINK_MAX_SHARED_FILES if kind in FILE_KINDS else settings.LINK_MAX_SHARED


def _same_ip_port_time() -> Iterator[tuple[int, int]]:
    """Pairs of reports with events on the same IP and port within the window: the database
    finds the addresses seen in two or more reports (from the index on IP, without sorting
    every event), and only their events are read and paired."""
    table = IpEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"""
            SELECT ip_index FROM {table}
            WHERE port IS NOT NULL AND occurred_at IS NOT NULL
            GROUP BY ip_index HAVING COUNT(DISTINCT report_id) > 1""")  # noqa: S608
        ips = {ip for (ip,) in cursor.fetchall()}
    return _pairs_in_window(_timed_events(ips))


def _timed_events(ips: Collection[str], keys: set[IpKey] | None = None,
                  ) -> list[tuple[str, int | None, datetime | None, int]]:
    """Current reports' timed IP events on the given addresses (blind indexes; with `keys`,
    only on those (IP, port) pairs), sorted by IP, port and time."""
    rows: list[tuple[str, int | None, datetime | None, int]] = []
    for chunk in _chunks(ips):
        rows.extend(row for row in IpEvent.objects.filter(
            ip_index__in=chunk, port__isnull=False, occurred_at__isnull=False,
            report__is_current=True).values_list("ip_index", "port", "occurred_at",
                                                 "report_id")
            if keys is None or (row[0], row[1]) in keys)
    rows.sort(key=lambda r: (r[0], r[1], r[2]))
    return rows


def _pairs_in_window(
    rows: Iterable[tuple[str, int | None, datetime | None, int]],
) -> Iterator[tuple[int, int]]:
    """Pairs of reports from IP events sorted by (ip, port, time) that follow each other on
    the same IP and port within the window."""
    window = settings.LINK_IP_WINDOW_SECONDS
    prev: tuple[str, int | None, datetime, int] | None = None
    for ip, port, at, report_id in rows:
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


# Relinking around new reports -------------------------------------------------------------
#
# A new report can only change the clusters of reports it reaches: those sharing a value
# with it that links (it joins or merges their clusters); the holders of a value it pushes
# past its limit that sit in one cluster (the value may have held them together); the
# reports whose events on an IP and port run into its events within the window; every
# member of their present clusters (a split leaves them elsewhere); and so on from those.
# Relinking that closed set from every link its reports have gives each of them the cluster
# a full rebuild would, and leaves every other report's cluster as it was.

IdKey = tuple[str, str, str]  # (kind, value_index, service)
IpKey = tuple[str, int | None]  # (ip_index, port)
_IN = 500  # values per IN (...) list


def _chunks(values: Collection[Any], size: int = _IN) -> Iterator[list[Any]]:
    items = list(values)
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _keys_of(report_ids: Collection[int]) -> tuple[set[IdKey], set[IpKey]]:
    """The linking identifiers and (IP, port) pairs the reports carry."""
    ids: set[IdKey] = set()
    ips: set[IpKey] = set()
    for chunk in _chunks(report_ids):
        ids.update(Identifier.objects.filter(kind__in=LINKING_KINDS, report_id__in=chunk)
                   .values_list("kind", "value_index", "service"))
        ips.update(IpEvent.objects.filter(report_id__in=chunk, port__isnull=False,
                                          occurred_at__isnull=False)
                   .values_list("ip_index", "port"))
    return ids, ips


def _current(keys: set[IdKey]) -> Iterator[tuple[QuerySet[Identifier], set[IdKey]]]:
    """Current reports' identifiers among `keys`, a query per chunk of values (a query may
    also match another kind or service of a value: `keys` says which rows count)."""
    for chunk in _chunks({value for _, value, _ in keys}):
        yield (Identifier.objects.filter(kind__in=LINKING_KINDS, value_index__in=chunk,
                                         report__is_current=True), keys)


def _shared_by(keys: set[IdKey]) -> dict[IdKey, int]:
    """How many current reports carry each identifier."""
    out: dict[IdKey, int] = {}
    for qs, wanted in _current(keys):
        for kind, value, service, n in (qs.values("kind", "value_index", "service").order_by()
                                        .annotate(n=Count("report", distinct=True))
                                        .values_list("kind", "value_index", "service", "n")):
            if (kind, value, service) in wanted:
                out[(kind, value, service)] = n
    return out


def _holders(keys: set[IdKey]) -> dict[IdKey, list[int]]:
    """Current reports per identifier, for the given identifiers only."""
    out: dict[IdKey, list[int]] = defaultdict(list)
    for qs, wanted in _current(keys):
        for kind, value, service, report_id in qs.values_list("kind", "value_index",
                                                              "service", "report_id"):
            if (kind, value, service) in wanted:
                out[(kind, value, service)].append(report_id)
    return out


def _clusters_sharing(keys: set[IdKey]) -> set[int]:
    """Present clusters holding two or more reports that carry one of these identifiers."""
    out: set[int] = set()
    for qs, wanted in _current(keys):
        for kind, value, service, cluster in (
                qs.filter(report__cluster__isnull=False)
                .values("kind", "value_index", "service", "report__cluster__cluster")
                .order_by().annotate(n=Count("report", distinct=True)).filter(n__gt=1)
                .values_list("kind", "value_index", "service", "report__cluster__cluster")):
            if (kind, value, service) in wanted:
                out.add(cluster)
    return out


def _ip_runs(keys: set[IpKey]) -> list[list[tuple[str, int | None, datetime | None, int]]]:
    """Current reports' timed IP events on the given (IP, port) pairs, in runs: sorted by
    time, a run ends where the next event on the pair is further away than the window
    (only events in one run link)."""
    rows = _timed_events({ip for ip, _ in keys}, keys)
    window = settings.LINK_IP_WINDOW_SECONDS
    runs: list[list[tuple[str, int | None, datetime | None, int]]] = []
    for row in rows:
        last = runs[-1][-1] if runs else None
        if (last is None or (last[0], last[1]) != (row[0], row[1]) or last[2] is None
                or row[2] is None or (row[2] - last[2]).total_seconds() > window):
            runs.append([])
        runs[-1].append(row)
    return runs


def _members_of_clusters(report_ids: Collection[int]) -> set[int]:
    """Every report in the present clusters of the given reports."""
    clusters: set[int] = set()
    for chunk in _chunks(report_ids):
        clusters.update(ReportCluster.objects.filter(report_id__in=chunk)
                        .values_list("cluster", flat=True))
    return _members(clusters)


def _members(clusters: Collection[int]) -> set[int]:
    """Every report in the given present clusters."""
    members: set[int] = set()
    for chunk in _chunks(clusters):
        members.update(ReportCluster.objects.filter(cluster__in=chunk)
                       .values_list("report_id", flat=True))
    return members


Run = list[tuple[str, int | None, datetime | None, int]]


def _reach(report_ids: Collection[int]) -> tuple[set[int], list[list[int]], list[Run]]:
    """The closed set of reports the given ones reach (see above), with the groups of
    reports that each linking identifier among them links and their runs of IP events."""
    reached = set(report_ids)
    for chunk in _chunks(report_ids):  # a new version's old one leaves its cluster
        reached.update(Report.objects.filter(pk__in=chunk, supersedes__isnull=False)
                       .values_list("supersedes_id", flat=True))
    groups: list[list[int]] = []
    runs: list[Run] = []
    runs_of: dict[int, list[int]] = defaultdict(list)  # report -> indexes in runs
    taken: set[int] = set()  # indexes of the runs reached
    seen_ids: set[IdKey] = set()
    seen_ips: set[IpKey] = set()
    frontier = set(reached)
    while frontier:
        id_keys, ip_keys = _keys_of(frontier)
        id_keys -= seen_ids
        ip_keys -= seen_ips
        seen_ids |= id_keys
        seen_ips |= ip_keys
        shared = _shared_by(id_keys)
        linking = {key for key, n in shared.items() if 2 <= n <= _limit(key[0])}
        for group in _holders(linking).values():
            groups.append(group)
        more = {report for group in groups for report in group}
        # a value shared too widely links nothing now: undo what it may have linked
        more |= _members(_clusters_sharing({k for k, n in shared.items() if n > _limit(k[0])}))
        for run in _ip_runs(ip_keys):
            for row in run:
                runs_of[row[3]].append(len(runs))
            runs.append(run)
        for report in frontier:
            for index in runs_of.get(report, ()):
                if index not in taken:
                    taken.add(index)
                    more.update(row[3] for row in runs[index])
        more |= _members_of_clusters(frontier)
        frontier = more - reached
        reached |= frontier
    return reached, groups, [runs[i] for i in sorted(taken)]


def clusters_link(*, report_ids: Sequence[int], actor: Actor) -> tuple[int, int]:
    """Relink around new reports (see above): the clusters a full rebuild would give, read
    and written only for the reports the new ones reach. Returns (linked reports, clusters)
    over all reports, like `clusters_rebuild`."""
    linked, clusters, _ = _link(report_ids=report_ids, actor=actor)
    return linked, clusters


def _link(*, report_ids: Sequence[int], actor: Actor) -> tuple[int, int, set[int]]:
    """`clusters_link`, also returning the reports whose clusters were rewritten."""
    reached, groups, runs = _reach(report_ids)
    uf = UnionFind()
    for group in groups:
        for other in group[1:]:
            uf.union(group[0], other)
    for run in runs:
        for a, b in _pairs_in_window(run):
            uf.union(a, b)
    clustered = uf.groups()
    with transaction.atomic():
        for chunk in _chunks(reached):
            ReportCluster.objects.filter(report_id__in=chunk).delete()
        insert_rows(ReportCluster, ("report", "cluster"), sorted(clustered.items()))
        linked = ReportCluster.objects.count()
        clusters = ReportCluster.objects.values("cluster").distinct().count()
        audit_record(actor=actor, action="clusters.linked", data={
            "new_reports": len(report_ids), "relinked": len(reached),
            "linked_reports": linked, "clusters": clusters})
    return linked, clusters, reached


def clusters_relink(*, report_ids: Sequence[int],
                    actor: Actor) -> tuple[int, int, set[int] | None]:
    """`clusters_update`, also returning the reports whose clusters it rewrote (None: it
    rebuilt every cluster), which are all the members of the clusters that changed."""
    if len(report_ids) * 2 > Report.objects.filter(is_current=True).count():
        return (*clusters_rebuild(actor=actor), None)
    return _link(report_ids=report_ids, actor=actor)


def clusters_update(*, report_ids: Sequence[int], actor: Actor) -> tuple[int, int]:
    """Link new reports: relink around them (`clusters_link`) when they are fewer than half
    the current reports, else rebuild every cluster (one sorted pass, cheaper then; the same
    clusters). Returns (linked reports, clusters)."""
    linked, clusters, _ = clusters_relink(report_ids=report_ids, actor=actor)
    return linked, clusters
