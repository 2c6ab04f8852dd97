"""Reads of the report store for the web pages: the report list, one report, import batches.

Every read goes through `accounts.policies.scoped`, so a user only ever sees reports in their
jurisdiction, and a report they may not see is missing rather than forbidden.

The report list pages by keyset ("the 25 after this one"), never by OFFSET, so page 4,000 of
a million reports costs what page 1 does; its total is counted up to COUNT_LIMIT only. Its search
is an exact match on the values the importers normalise (report number, identifiers, IP
addresses), each read from its own index, so it costs the same at any size.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any

from django.db import connection
from django.db.models import F, Func, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop

from tipline.accounts.policies import allowed_jurisdictions, get_scoped_or_404, scoped
from tipline.accounts.types import Viewer
from tipline.core.recovery import process_alive
from tipline.intake import values as normal
from tipline.intake.blind import identifier_index, ip_index
from tipline.intake.models import (
    Artifact,
    Identifier,
    ImportBatch,
    IpEvent,
    Place,
    Rejection,
    Report,
    ReportFile,
    Source,
    Subject,
)
from tipline.jurisdictions.models import Jurisdiction
from tipline.jurisdictions.selectors import Node, jurisdiction_states, jurisdiction_tree

#: NCMEC priority levels offered in the filter (1 = a child in imminent danger).
PRIORITIES: tuple[int, ...] = (1, 2, 3)

PAGE_SIZE = 25


# --- keyset pagination -----------------------------------------------------------------------


@dataclass(frozen=True)
class SortKey:
    field: str
    descending: bool
    nullable: bool


#: Each sort is a list of keys ending in the primary key, so the order is total. Empty values
#: (no received date, no priority) always come last.
SORTS: dict[str, tuple[SortKey, ...]] = {
    "newest": (SortKey("received_at", True, True), SortKey("id", True, False)),
    "oldest": (SortKey("received_at", False, True), SortKey("id", False, False)),
    "priority": (
        SortKey("ncmec_priority", False, True),
        SortKey("received_at", True, True),
        SortKey("id", True, False),
    ),
}
SORT_LABELS: dict[str, str] = {
    "newest": gettext_noop("Received, newest first"),
    "oldest": gettext_noop("Received, oldest first"),
    "priority": gettext_noop("NCMEC priority, then newest"),
}


@dataclass(frozen=True)
class Cursor:
    """A position in one sort order: the sort keys of a row, and which way to read from it."""

    sort: str
    values: tuple[Any, ...]
    backwards: bool = False

    def encode(self) -> str:
        values = [v.isoformat() if isinstance(v, datetime) else v for v in self.values]
        raw = json.dumps([self.sort, "b" if self.backwards else "a", values], separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str | None, *, sort: str) -> Cursor | None:
        """The cursor in `token`, or None when it is absent, malformed or for another sort."""
        if not token:
            return None
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            name, way, values = json.loads(raw)
            keys = SORTS[name]
            if name != sort or way not in ("a", "b") or len(values) != len(keys):
                return None
            parsed = tuple(_parse_key(k, v) for k, v in zip(keys, values, strict=True))
        except (ValueError, TypeError, KeyError, binascii.Error, UnicodeDecodeError):
            return None
        return cls(sort=name, values=parsed, backwards=way == "b")


def _parse_key(key: SortKey, value: Any) -> Any:
    if value is None:
        if not key.nullable:
            raise ValueError("null in a non-null key")
        return None
    if key.field.endswith("_at"):
        parsed = datetime.fromisoformat(value)
        if timezone.is_naive(parsed):
            raise ValueError("naive time")
        return parsed
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("not an integer")
    return value


def _ordering(key: SortKey, *, nullable: bool, backwards: bool) -> Any:
    """ORDER BY for one key: empty values last reading forwards, so first reading back.

    Where the database already puts NULLs there (SQLite: NULL is smallest, so last when
    descending), no NULLS modifier is written, as it would keep the index from serving.
    """
    down = key.descending != backwards
    plain = f"{'-' if down else ''}{key.field}"
    if not nullable:
        return plain
    natural_last = down != connection.features.nulls_order_largest
    if natural_last == (not backwards):
        return plain
    place = {"nulls_first": True} if backwards else {"nulls_last": True}
    return F(key.field).desc(**place) if down else F(key.field).asc(**place)


@dataclass(frozen=True)
class _Part:
    """One query of a page: a condition, its order, and the fields it needs to be NULL."""

    where: Q
    order: tuple[Any, ...]
    null: frozenset[str] = frozenset()

    def within(self, where: Q, null: str | None = None) -> _Part:
        extra = frozenset([null]) if null else frozenset()
        return _Part(where & self.where, self.order, self.null | extra)


def _order(keys: Sequence[SortKey], nullable: Sequence[bool], backwards: bool) -> tuple[Any, ...]:
    return tuple(
        _ordering(k, nullable=n, backwards=backwards) for k, n in zip(keys, nullable, strict=True)
    )


def _parts(
    keys: Sequence[SortKey],
    nullable: Sequence[bool],
    values: Sequence[Any] | None,
    backwards: bool,
) -> Iterator[_Part]:
    """The queries that, run in turn, give the rows after `values` (before, if `backwards`).

    Empty values sort last. Each query is an equality on leading keys and a range on the next
    one, or a two-key comparison behind a range bound, so the database seeks straight to the
    cursor in an index on the sort keys instead of reading every row up to it. A NULL leading
    key is split into its own query: SQLite cannot serve "ascending, NULLs last" from an index.
    """
    key, rest, rest_nullable = keys[0], keys[1:], nullable[1:]
    f = key.field
    down = key.descending != backwards
    is_null = Q(**{f"{f}__isnull": True})
    not_null = Q(**{f"{f}__isnull": False})
    set_first = (False, *rest_nullable)
    if values is None:  # from the very start, reading forwards
        if nullable[0]:
            yield _Part(not_null, _order(keys, set_first, backwards))
            yield _Part(is_null, _order(rest, rest_nullable, backwards), frozenset([f]))
        else:
            yield _Part(Q(), _order(keys, nullable, backwards))
        return
    value, rest_values = values[0], values[1:]
    if nullable[0]:
        if value is None:
            for part in _parts(rest, rest_nullable, rest_values, backwards):
                yield part.within(is_null, f)
            if backwards:
                yield _Part(not_null, _order(keys, set_first, backwards))
            return
        for part in _parts(keys, set_first, values, backwards):
            yield part.within(not_null)
        if not backwards:
            yield _Part(is_null, _order(rest, rest_nullable, backwards), frozenset([f]))
        return
    beyond = Q(**{f"{f}__{'lt' if down else 'gt'}": value})
    if not rest:
        yield _Part(beyond, _order(keys, nullable, backwards))
        return
    if len(rest) == 1 and not rest_nullable[0]:
        bound = Q(**{f"{f}__{'lte' if down else 'gte'}": value})
        second = rest[0]
        down2 = second.descending != backwards
        tie = Q(**{f: value, f"{second.field}__{'lt' if down2 else 'gt'}": rest_values[0]})
        yield _Part(bound & (beyond | tie), _order(keys, nullable, backwards))
        return
    for part in _parts(rest, rest_nullable, rest_values, backwards):
        yield part.within(Q(**{f: value}))
    yield _Part(beyond, _order(keys, nullable, backwards))


def _keyset_page(
    queryset: QuerySet[Report],
    *,
    sort: str,
    cursor: Cursor | None,
    limit: int,
    never_null: frozenset[str] = frozenset(),
    places: Sequence[int] | None = None,
) -> tuple[list[Report], bool]:
    """Up to `limit` rows after (or before) the cursor, and whether more lie beyond them.

    The queries of `_parts` run in turn until the page is full; most pages need one or two.
    `places`, when given, are all the jurisdictions the rows can be in (the user's scope and
    the state filter): on PostgreSQL each query then first reads, per place, the ids of the
    first rows in order from the `report_place` index (a LIMITed scan per place), then
    orders those few (for the sorts by received time, which that index serves), where
    "jurisdiction IN (...)" lets the planner
    walk the whole `report_received` index past every other state's reports, or sort all of
    a big state's (seconds at a million reports); SQLite already reads the IN list from
    `report_place`.
    """
    keys = SORTS[sort]
    backwards = cursor is not None and cursor.backwards
    values = cursor.values if cursor is not None else None
    rows: list[Report] = []
    for part in _parts(keys, [k.nullable for k in keys], values, backwards):
        if part.null & never_null:
            continue
        query = queryset.filter(part.where).order_by(*part.order)
        wanted = limit + 1 - len(rows)
        if (places is not None and 1 < len(places) <= MERGE_PLACES and sort in BY_PLACE
                and connection.vendor == "postgresql"):
            top = _firsts_per_place(query, places, wanted, keys=keys,
                                    down=keys[0].descending != backwards)
            rows.extend(query.filter(pk__in=top))  # no LIMIT: read by primary key
        else:
            rows.extend(query[:wanted])
        if len(rows) > limit:
            break
    more = len(rows) > limit
    rows = rows[:limit]
    if backwards:
        rows.reverse()
    return rows, more


def _firsts_per_place(query: QuerySet[Report], places: Sequence[int], wanted: int, *,
                      keys: Sequence[SortKey], down: bool) -> list[int]:
    """The ids of the first `wanted` rows of the ordered `query` (one of `_parts`', whose
    rows all have the sort keys set, or all empty), on PostgreSQL, in one query: the first
    `wanted` ids of each place (a LIMITed scan of `report_place` per place) and their sort
    keys, ordered here."""
    from django.contrib.postgres.expressions import ArraySubquery

    firsts = query.filter(jurisdiction_id=OuterRef("pk")).values("pk")[:wanted]
    ids = (Jurisdiction.objects.filter(pk__in=places)
           .annotate(first=Func(ArraySubquery(firsts), function="unnest"))
           .values("first"))
    fields = [k.field for k in keys]
    keyed = list(Report.objects.filter(pk__in=ids).order_by().values_list(*fields))
    keyed.sort(reverse=down)
    return [row[-1] for row in keyed[:wanted]]


def _row_cursor(row: Report, *, sort: str, backwards: bool) -> str:
    values = tuple(getattr(row, k.field) for k in SORTS[sort])
    return Cursor(sort=sort, values=values, backwards=backwards).encode()


# --- the report list -------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportFilters:
    """What the report list is narrowed to. Dates are days in IST, both ends included."""

    query: str = ""
    received_from: date | None = None
    received_to: date | None = None
    state_id: int | None = None
    source: str = ""
    priority: int | None = None
    incident_type: str = ""
    status: str = ""
    all_versions: bool = False
    sort: str = "newest"


@dataclass(frozen=True)
class ReportPage:
    rows: list[Report]
    next_cursor: str | None
    previous_cursor: str | None
    sort: str = "newest"


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())


def report_list_queryset(*, user: Viewer, filters: ReportFilters) -> QuerySet[Report]:
    """The reports the user may see, narrowed by the filters, unordered."""
    qs = scoped(Report.objects.all(), user=user, action="report.view")
    if not filters.all_versions:
        qs = qs.filter(is_current=True)
    if filters.query:
        qs = qs.filter(pk__in=report_search_ids(query=filters.query))
    if filters.received_from:
        qs = qs.filter(received_at__gte=_day_start(filters.received_from))
    if filters.received_to:
        qs = qs.filter(received_at__lt=_day_start(filters.received_to + timedelta(days=1)))
    if filters.state_id is not None:
        tree = jurisdiction_tree()
        if filters.state_id in tree.by_id:
            qs = qs.filter(jurisdiction_id__in=sorted(tree.descendants(filters.state_id)))
        else:
            qs = qs.none()
    if filters.source:
        qs = qs.filter(source=filters.source)
    if filters.priority is not None:
        qs = qs.filter(ncmec_priority=filters.priority)
    if filters.incident_type:
        qs = qs.filter(incident_type=filters.incident_type)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs


#: the most jurisdictions a report list query reads one branch each for (a state has up to
#: about 100 districts, units and stations); more are read with "IN (...)"
MERGE_PLACES = 400

#: the sorts the `report_place` index (jurisdiction, received, id) serves per place
BY_PLACE = ("newest", "oldest")

#: the most reports a search matches (a value shared by more is narrowed by the other filters)
SEARCH_LIMIT = 5000


def _search_values(query: str) -> list[str]:
    """The forms the importers could have stored `query` in (they normalise emails to lower
    case and phones to E.164)."""
    raw = query.strip()
    found = {raw, normal.email(raw)}
    if sum(c.isdigit() for c in raw) >= 6 and not any(c.isalpha() for c in raw):
        found.add(normal.phone(raw))
    return sorted(v for v in found if v)


#: Tipline's id for a report as people quote it: TL-00000012, tl-12
TIPLINE_ID = re.compile(r"^TL-?0*(\d{1,12})$", re.IGNORECASE)


def report_search_ids(*, query: str, limit: int = SEARCH_LIMIT) -> list[int]:
    """Ids of the reports (any version, unscoped: callers scope) that carry `query` exactly:
    as their Tipline id (TL-00000012), their report number, an identifier or an IP address.
    Each lookup reads one index (the primary key, report_version_unique, identifier_lookup,
    ipevent_ip_time) with an equality on its leading columns, so a search costs the same at
    any number of reports."""
    if match := TIPLINE_ID.match(query.strip()):
        return list(Report.objects.filter(pk=int(match[1])).values_list("id", flat=True))
    candidates = _search_values(query)
    ids: set[int] = set(Report.objects.filter(
        source__in=Source.values, external_id__in=candidates,
    ).values_list("id", flat=True)[:limit])
    # identifiers and IPs are sealed: the search compares the candidates' blind indexes,
    # one per kind (each kind has its own purpose, so one kind's never matches another's)
    ids.update(Identifier.objects.filter(
        kind__in=Identifier.Kind.values,
        value_index__in=[identifier_index(kind, c) for kind in Identifier.Kind.values
                         for c in candidates],
    ).values_list("report_id", flat=True)[:limit])
    try:
        address = str(ipaddress.ip_address(query.strip()))
    except ValueError:
        address = ""
    if address:
        ids.update(IpEvent.objects.filter(ip_index=ip_index(address)).values_list(
            "report_id", flat=True)[:limit])
    return sorted(ids)[:limit]


#: the report list counts its rows up to this many, then says "more than"
COUNT_LIMIT = 100_000


def report_list_count(*, user: Viewer, filters: ReportFilters,
                      limit: int = COUNT_LIMIT) -> tuple[int, bool]:
    """How many reports the list holds with these filters, and whether there are more than
    `limit` (then the count is `limit`). It counts a LIMITed subquery, so it reads no more
    than `limit` index entries however many reports the hub has."""
    found = report_list_queryset(user=user, filters=filters).order_by()[:limit + 1].count()
    return min(found, limit), found > limit


def report_list_rows(*, user: Viewer, filters: ReportFilters, limit: int) -> Iterator[Report]:
    """The list's reports with these filters, in its order, with their jurisdictions, read
    in chunks (for the workbook)."""
    sort = filters.sort if filters.sort in SORTS else "newest"
    order = [_ordering(k, nullable=k.nullable, backwards=False) for k in SORTS[sort]]
    qs = (report_list_queryset(user=user, filters=filters).only(*_LIST_FIELDS, "jurisdiction")
          .select_related("jurisdiction").order_by(*order)[:limit])
    return qs.iterator(chunk_size=2000)


def report_list_places(*, user: Viewer, filters: ReportFilters) -> list[int] | None:
    """Every jurisdiction the report list's rows can be in (the user's scope within the state
    filter), or None when that is every one."""
    allowed = allowed_jurisdictions(user, "report.view")
    places = None if allowed is None else set(allowed)
    if filters.state_id is not None:
        tree = jurisdiction_tree()
        inside = tree.descendants(filters.state_id) if filters.state_id in tree.by_id else set()
        places = inside if places is None else places & inside
    return None if places is None else sorted(places)


_LIST_FIELDS = (
    "id",
    "source",
    "external_id",
    "version",
    "is_current",
    "received_at",
    "incident_type",
    "platform",
    "ncmec_priority",
    "status",
    "file_count",
    "jurisdiction",
)


def report_list_page(
    *, user: Viewer, filters: ReportFilters, cursor: str | None = None, limit: int = PAGE_SIZE
) -> ReportPage:
    """One page of the report list, newest first (or as sorted), by keyset from `cursor`."""
    sort = filters.sort if filters.sort in SORTS else "newest"
    # The jurisdiction comes in one small second query rather than a JOIN: with an inner join
    # SQLite may start from the jurisdiction table and sort every report (seconds at a million
    # rows) instead of reading the sort index (milliseconds).
    qs = (
        report_list_queryset(user=user, filters=filters)
        .only(*_LIST_FIELDS)
        .prefetch_related(
            Prefetch("jurisdiction", queryset=Jurisdiction.objects.only("id", "name", "code"))
        )
    )
    never_null = frozenset(
        (["received_at"] if filters.received_from or filters.received_to else [])
        + (["ncmec_priority"] if filters.priority is not None else [])
    )
    position = Cursor.decode(cursor, sort=sort)
    page = partial(_keyset_page, qs, sort=sort, limit=limit, never_null=never_null,
                   places=report_list_places(user=user, filters=filters))
    rows, more = page(cursor=position)
    if position is not None and position.backwards and not more and len(rows) < limit:
        # Reading back ran into the start: show the first page, filled up.
        position = None
        rows, more = page(cursor=None)
    if position is not None and position.backwards:
        has_next, has_previous = True, more
    elif position is None:
        has_next, has_previous = more, False
    else:
        has_next, has_previous = more, True
    return ReportPage(
        rows=rows,
        next_cursor=_row_cursor(rows[-1], sort=sort, backwards=False)
        if rows and has_next
        else None,
        previous_cursor=_row_cursor(rows[0], sort=sort, backwards=True)
        if rows and has_previous
        else None,
        sort=sort,
    )


def report_filter_states(*, user: Viewer) -> list[Node]:
    """The states/UTs to offer in the list's state filter: those the user sees any part of."""
    states = jurisdiction_states()
    allowed = allowed_jurisdictions(user, "report.view")
    if allowed is None:
        return states
    tree = jurisdiction_tree()
    reachable: set[int] = set()
    for node_id in allowed:
        parts = tree.by_id[node_id].path.strip("/").split("/")
        if len(parts) >= 2:
            reachable.add(tree.by_code[f"IN-{parts[1]}"].id)
    return [s for s in states if s.id in reachable]


# --- one report ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportDetail:
    """A report with everything it carries, grouped the way the report page shows it."""

    report: Report
    versions: list[Report]
    subjects_by_role: list[tuple[str, list[Subject]]]
    subject_names: dict[int, str]
    places: list[Place]
    ip_events: list[IpEvent]
    files: list[ReportFile]
    file_names: dict[int, str]


def report_detail(*, user: Viewer, pk: int) -> ReportDetail:
    """The report page's data in a fixed handful of queries; Http404 if missing or forbidden."""
    report = get_scoped_or_404(
        Report.objects.select_related(
            "jurisdiction", "batch", "supersedes", "location", "location__unit", "cluster",
            "cluster__lead", "manual_assignment", "manual_assignment__by", "case",
            "submission",
        ).prefetch_related(
            "subjects", "places", "ip_events", "files", "identifiers", "artifacts"
        ),
        user=user,
        action="report.view",
        pk=pk,
    )
    versions = list(
        scoped(
            Report.objects.filter(source=report.source, external_id=report.external_id),
            user=user,
            action="report.view",
        )
        .exclude(pk=report.pk)
        .order_by("version")
        .only("id", "version", "is_current", "imported_at", "status")
    )
    subjects = sorted(report.subjects.all(), key=lambda s: s.id)
    roles = [r for r, _ in Subject.Role.choices]
    by_role: dict[str, list[Subject]] = {}
    for subject in subjects:
        by_role.setdefault(subject.role, []).append(subject)
    grouped = [
        (str(Subject.Role(role).label) if role in roles else role, by_role[role])
        for role in [*roles, *sorted(set(by_role) - set(roles))]
        if role in by_role
    ]
    names = {
        s.id: s.full_name or s.screen_name or s.esp_user_id or f"{s.get_role_display()} #{n}"
        for n, s in enumerate(subjects, start=1)
    }
    files = sorted(report.files.all(), key=lambda f: f.id)
    return ReportDetail(
        report=report,
        versions=versions,
        subjects_by_role=grouped,
        subject_names=names,
        places=sorted(report.places.all(), key=lambda p: p.id),
        ip_events=sorted(
            report.ip_events.all(),
            key=lambda e: (e.occurred_at is None, e.occurred_at or timezone.now(), e.id),
        ),
        files=files,
        file_names={f.id: f.filename or f.original_filename or f"file #{f.id}" for f in files},
    )


# --- import batches --------------------------------------------------------------------------


def import_batches_recent(*, user: Viewer, limit: int = 50) -> list[ImportBatch]:
    """The latest import batches the user may see (hub importers only)."""
    return list(
        scoped(ImportBatch.objects.all(), user=user, action="report.import")
        .select_related("created_by")
        .order_by("-id")[:limit]
    )


def import_batch_get(*, user: Viewer, pk: int) -> ImportBatch:
    """One batch; Http404 when missing or not the user's to see."""
    return get_scoped_or_404(
        ImportBatch.objects.select_related("created_by"), user=user, action="report.import", pk=pk
    )


def import_batch_rejections(*, batch: ImportBatch, limit: int = 500) -> list[Rejection]:
    """The first `limit` records the batch refused, in the order they were met."""
    return list(batch.rejections.order_by("id")[:limit])


def import_batch_progress(*, batch: ImportBatch) -> dict[str, Any]:
    """The batch's state as the progress endpoint reports it."""
    return {
        "id": batch.pk,
        "status": batch.status,
        "status_label": batch.get_status_display(),
        "running": batch.status in (ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING),
        "done": batch.done,
        "total": batch.total,
        "imported": batch.imported,
        "duplicates": batch.duplicates,
        "versions": batch.versions,
        "rejected": batch.rejected,
        "error": batch.error,
        "finished_at": batch.finished_at.isoformat() if batch.finished_at else None,
    }


def import_batch_interrupted(*, batch: ImportBatch) -> bool:
    """Whether a running batch's process is gone (killed, crashed) on this machine."""
    return (batch.status == ImportBatch.Status.RUNNING
            and process_alive(batch.runner) is False)


def import_batch_interrupted_find(*, source_key: str) -> ImportBatch | None:
    """The newest batch of these paths that a process which died left running. Unscoped:
    for `tipline ingest` resuming its own import, never a page."""
    running = ImportBatch.objects.filter(source_key=source_key,
                                         status=ImportBatch.Status.RUNNING).order_by("-pk")
    return next((b for b in running if import_batch_interrupted(batch=b)), None)


def blobs_referenced() -> Iterator[str]:
    """The SHA-256 of every blob intake refers to: stored files, artifacts kept in the store,
    and the files of each batch (uploads, and the batch files the command line was given).
    Unscoped: for the blob store's sweep, never a page."""
    yield from ReportFile.objects.filter(stored=True).values_list("sha256", flat=True).iterator()
    # small artifacts are kept in their row (`data`), not in the store
    yield from Artifact.objects.filter(data__isnull=True).values_list(
        "sha256", flat=True).iterator()
    for paths in ImportBatch.objects.exclude(paths=[]).values_list("paths", flat=True):
        yield from (item["sha256"] for item in paths if isinstance(item, dict))
