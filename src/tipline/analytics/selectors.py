"""The numbers behind the charts, read from the database, scoped to the viewer.

Everything here is counted in SQL (GROUP BY), but for the medians and 90th percentiles of the
times, which are taken over the few values that exist (one per acknowledged packet, one per
FIR) in Python, because SQLite has no percentile function. Each function takes the viewer and
reads only what they may see (`report.view`, accounts.policies.scoped): a state's nodal
officer gets their state, a unit's officer their unit.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tipline.accounts.policies import allowed_jurisdictions, scoped
from tipline.accounts.types import Viewer
from tipline.analytics.sql import DaysBetween, LocalDate
from tipline.cases.models import Arrest, Case, ChecklistItem, Notice
from tipline.dispatch.models import Packet
from tipline.intake.models import Report, Source
from tipline.jurisdictions.selectors import Node, jurisdiction_tree

VIEW = "report.view"


@dataclass(frozen=True)
class Period:
    """Days from `start` to `end`, both included, in the hub's time zone (IST); None is open."""

    start: date | None = None
    end: date | None = None

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        """[from, before) as aware datetimes."""
        tz = timezone.get_current_timezone()
        low = datetime.combine(self.start, time.min, tz) if self.start else None
        high = datetime.combine(self.end + timedelta(days=1), time.min, tz) if self.end else None
        return low, high

    def filter(self, qs: QuerySet, field_name: str) -> QuerySet:
        low, high = self.bounds()
        if low:
            qs = qs.filter(**{f"{field_name}__gte": low})
        if high:
            qs = qs.filter(**{f"{field_name}__lt": high})
        return qs


def _in_state(qs: QuerySet, node_field: str, state: str | None) -> QuerySet:
    """Only the records whose node is in one state (two-letter code), if given."""
    if state:
        qs = qs.filter(**{f"{node_field}__path__startswith": f"IN/{state.upper()}/"})
    return qs


def state_of(node: Node) -> Node | None:
    """The state/UT a node is in (itself for a state); None for the country."""
    parts = node.path.strip("/").split("/")
    if len(parts) < 2:
        return None
    return jurisdiction_tree().by_code.get(f"IN-{parts[1]}")


def below_state(node: Node, by_path: dict[str, Node]) -> Node | None:
    """The district or unit directly under the state that a node is in (None for a state
    itself or the country); `by_path` is `nodes_by_path()`."""
    parts = node.path.strip("/").split("/")
    if len(parts) < 3:
        return None
    return by_path.get("/".join(parts[:3]) + "/")


def nodes_by_path() -> dict[str, Node]:
    return {n.path: n for n in jurisdiction_tree().by_id.values()}


def visible_states(user: Viewer) -> set[str]:
    """The two-letter codes of the states where the user sees at least one node."""
    allowed = allowed_jurisdictions(user, VIEW)
    tree = jurisdiction_tree()
    nodes = tree.by_id.values() if allowed is None else (tree.by_id[i] for i in allowed)
    return {s.code.split("-", 1)[1] for n in nodes if (s := state_of(n)) is not None}


# -- the funnel ---------------------------------------------------------------------------

#: (key, label) of the funnel's stages, in order
STAGES = [
    ("reports", _("Reports routed to a unit")),
    ("dispatched", _("Dispatched in a packet")),
    ("acknowledged", _("Acknowledged by the unit")),
    ("firs", _("FIR registered")),
    ("arrests", _("Arrest made")),
    ("chargesheets", _("Chargesheet filed")),
]


@dataclass
class FunnelCounts:
    """How many of the cases opened in a period reached each stage, and how many were not
    pursued, by reason. `arrests` counts cases with at least one arrest (not people)."""

    stages: dict[str, int]
    not_pursued: dict[str, int]
    open: int


def funnel_counts(*, user: Viewer, period: Period, state: str | None = None) -> FunnelCounts:
    """The funnel over the cases opened in `period` (two queries)."""
    cases = _in_state(scoped(Case.objects.all(), user=user, action=VIEW), "unit", state)
    cases = period.filter(cases, "opened_at")
    reasons = [str(r) for r in Case.NOT_PURSUED]
    row = cases.aggregate(
        reports=Count("id"),
        dispatched=Count("id", filter=Q(dispatched_at__isnull=False)),
        acknowledged=Count("id", filter=Q(acknowledged_at__isnull=False)),
        firs=Count("fir__id"),
        chargesheets=Count("id", filter=Q(chargesheet_on__isnull=False)),
        open=Count("id", filter=~Q(status=Case.Status.CLOSED)),
        **{f"np_{r}": Count("id", filter=Q(closure_reason=r)) for r in reasons},
    )
    row["arrests"] = (Arrest.objects.filter(case__in=cases.values("id"))
                      .values("case_id").distinct().count())
    return FunnelCounts(
        stages={key: int(row[key]) for key, _ in STAGES},
        not_pursued={r: int(row[f"np_{r}"]) for r in reasons},
        open=int(row["open"]),
    )


# -- intake by source ---------------------------------------------------------------------

@dataclass
class Intake:
    """Reports received per period (day or week, by the first day) and source."""

    periods: list[date]
    sources: list[tuple[str, str]]
    counts: dict[str, list[int]] = field(default_factory=dict)

    def total(self, source: str) -> int:
        return sum(self.counts.get(source, []))


def intake_by_source(*, user: Viewer, start: date, end: date, weekly: bool,
                     state: str | None = None) -> Intake:
    """How many current reports were received each day (or week from Monday) from `start`
    to `end` by source (one query, grouped by day and source)."""
    reports = _in_state(scoped(Report.objects.filter(is_current=True), user=user,
                               action=VIEW), "jurisdiction", state)
    reports = Period(start, end).filter(reports, "received_at")
    rows = (reports.order_by()
            .annotate(day=LocalDate("received_at"))
            .values("day", "source").annotate(n=Count("id")))
    first = start - timedelta(days=start.weekday()) if weekly else start
    step = 7 if weekly else 1
    periods = [first + timedelta(days=i) for i in range(0, (end - first).days + 1, step)]
    index = {p: i for i, p in enumerate(periods)}
    counts: dict[str, list[int]] = {}
    for row in rows:
        day: date = row["day"]
        key = day - timedelta(days=day.weekday()) if weekly else day
        counts.setdefault(row["source"], [0] * len(periods))[index[key]] += row["n"]
    sources = [(s.value, str(s.label)) for s in Source if s.value in counts]
    return Intake(periods=periods, sources=sources, counts=counts)


# -- time to acknowledge and to FIR -------------------------------------------------------

@dataclass
class Times:
    """Durations in days for one place: what was measured, and how many are still waiting."""

    code: str
    name: str
    days: list[float] = field(default_factory=list)
    waiting: int = 0

    @property
    def n(self) -> int:
        return len(self.days)

    @property
    def median(self) -> float | None:
        return statistics.median(self.days) if self.days else None

    @property
    def p90(self) -> float | None:
        """The 90th percentile (nearest rank: the smallest value at or above 90% of them)."""
        if not self.days:
            return None
        ordered = sorted(self.days)
        rank = -(-len(ordered) * 9 // 10)  # ceil(0.9 n)
        return ordered[max(rank, 1) - 1]


def _collect(measured: list[tuple[int, float]], waiting: list[tuple[int, int]],
             by_unit: bool) -> list[Times]:
    """(node id, duration) measured and (node id, how many) waiting -> Times per state or
    per node, slowest median first."""
    tree = jurisdiction_tree()
    groups: dict[int, Node | None] = {}
    found: dict[str, Times] = {}

    def times_of(node_id: int) -> Times | None:
        if node_id not in groups:
            node = tree.by_id[node_id]
            groups[node_id] = node if by_unit else state_of(node)
        group = groups[node_id]
        if group is None:
            return None
        return found.setdefault(group.code, Times(code=group.code, name=group.name))

    for node_id, took in measured:
        if (t := times_of(node_id)) is not None:
            t.days.append(max(took, 0.0))
    for node_id, n in waiting:
        if (t := times_of(node_id)) is not None:
            t.waiting += n
    return sorted(found.values(), key=lambda t: (-(t.median or -1), t.name))


def _waiting(qs: QuerySet, node_field: str) -> list[tuple[int, int]]:
    return list(qs.order_by().values(node_field).annotate(n=Count("id"))
                .values_list(node_field, "n"))


def time_to_acknowledge(*, user: Viewer, period: Period, by_unit: bool,
                        state: str | None = None) -> list[Times]:
    """Days from a packet's making to its acknowledgement, per state (or per unit/district
    the packet was for), over the packets made in `period` that no correction replaced;
    those not yet acknowledged are counted as waiting (two queries; the durations are
    subtracted in SQL)."""
    packets = _in_state(scoped(Packet.objects.filter(superseded_by__isnull=True), user=user,
                               action=VIEW), "target", state)
    packets = period.filter(packets, "created_at")
    took = DaysBetween("acknowledged_at", "created_at")
    measured = list(packets.filter(acknowledged_at__isnull=False).annotate(took=took)
                    .values_list("target_id", "took"))
    return _collect(measured, _waiting(packets.filter(acknowledged_at__isnull=True),
                                       "target_id"), by_unit)


def time_to_fir(*, user: Viewer, period: Period, by_unit: bool,
                state: str | None = None) -> list[Times]:
    """Days from a case's opening (its day in IST) to its FIR's registration date, per state
    (or per unit), over the cases opened in `period`; open cases without an FIR are counted
    as waiting (two queries; the days are subtracted in SQL)."""
    cases = _in_state(scoped(Case.objects.all(), user=user, action=VIEW), "unit", state)
    cases = period.filter(cases, "opened_at")
    took = DaysBetween("fir__registered_on", LocalDate("opened_at"))
    measured = list(cases.filter(fir__isnull=False).annotate(took=took)
                    .values_list("unit_id", "took"))
    waiting = _waiting(cases.filter(fir__isnull=True).exclude(status=Case.Status.CLOSED),
                       "unit_id")
    return _collect(measured, waiting, by_unit)


# -- the map ------------------------------------------------------------------------------

#: what the map can be shaded by: key -> what one unit of it is called
MEASURES = {
    "reports": _("reports"),
    "open": _("open cases"),
    "overdue": _("overdue items"),
}


def _reports_by_node(user: Viewer, state: str | None) -> dict[int, int]:
    qs = _in_state(scoped(Report.objects.filter(is_current=True), user=user, action=VIEW),
                   "jurisdiction", state)
    return dict(qs.order_by().values("jurisdiction_id").annotate(n=Count("id"))
                .values_list("jurisdiction_id", "n"))


def _open_by_node(user: Viewer, state: str | None) -> dict[int, int]:
    qs = _in_state(scoped(Case.objects.exclude(status=Case.Status.CLOSED), user=user,
                          action=VIEW), "unit", state)
    return dict(qs.order_by().values("unit_id").annotate(n=Count("id"))
                .values_list("unit_id", "n"))


def _overdue_by_node(user: Viewer, state: str | None) -> dict[int, int]:
    """Overdue notices + overdue SOP steps on open cases + packets past their
    acknowledgement deadline, per node (three queries)."""
    now = timezone.now()
    open_cases = _in_state(scoped(Case.objects.exclude(status=Case.Status.CLOSED), user=user,
                                  action=VIEW), "unit", state)
    found: dict[int, int] = defaultdict(int)
    for qs, key in (
        (Notice.objects.filter(case__in=open_cases, replied_on__isnull=True,
                               due_on__lt=timezone.localdate()), "case__unit_id"),
        (ChecklistItem.objects.filter(case__in=open_cases, done_at__isnull=True,
                                      due_at__lt=now), "case__unit_id"),
        (_in_state(scoped(Packet.objects.filter(superseded_by__isnull=True,
                                                acknowledged_at__isnull=True, ack_due_at__lt=now),
                          user=user, action=VIEW), "target", state), "target_id"),
    ):
        for node_id, n in qs.order_by().values(key).annotate(n=Count("id")).values_list(key, "n"):
            found[node_id] += n
    return found


def map_values(*, user: Viewer, measure: str, state: str | None = None) -> dict[str, int]:
    """The measure per state (code after "IN-"), or, within `state`, per district or unit
    directly under it (its full code); what sits on the state itself is under the state's
    own full code ("IN-MH": not yet placed in a district)."""
    read = {"reports": _reports_by_node, "open": _open_by_node,
            "overdue": _overdue_by_node}[measure]
    tree = jurisdiction_tree()
    by_path = nodes_by_path()
    found: dict[str, int] = defaultdict(int)
    for node_id, n in read(user, state).items():
        node = tree.by_id[node_id]
        if state:
            key = below_state(node, by_path) or state_of(node)
            if key is not None:
                found[key.code] += n
        elif (s := state_of(node)) is not None:
            found[s.code.split("-", 1)[1]] += n
    return dict(found)


def places_in_state(state: str) -> list[Node]:
    """The districts and units directly under a state, by name."""
    tree = jurisdiction_tree()
    node = tree.by_code.get(f"IN-{state.upper()}")
    if node is None:
        return []
    return sorted((n for n in tree.by_id.values() if n.parent_id == node.id),
                  key=lambda n: n.name)
