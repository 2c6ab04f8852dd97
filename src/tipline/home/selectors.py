"""What each home section shows, read through the other apps' selectors and scoped by the
access layer (accounts.policies).

Which sections a user gets follows from what their grants let them do, not from role names
(roles are data): a user holding several grants sees the sections of each.

- `unit`: someone who acts on cases below the country (a unit officer);
- `state`: someone who assigns within a state but not the whole country (a nodal officer);
- `hub`: someone who imports or assigns over the whole country (hub analyst, hub admin);
- `review`: someone who decides on media but has no hub section (a reviewer);
- `audit`: someone who reads the whole audit trail (auditor, hub admin);
- `platform`: a platform's API account (sends reports, sees none).

Every count is one aggregate query; lists stop at a few rows with a link to the full page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import median
from typing import Any

from django.db.models import Count, Min, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from tipline.accounts import policies
from tipline.accounts.selectors import api_tokens_list
from tipline.accounts.types import Viewer
from tipline.audit.selectors import CheckpointStatus, audit_checkpoint_status
from tipline.cases.models import Arrest, Case, CaseTally
from tipline.cases.selectors import (
    FunnelRow,
    checklist_overdue,
    notices_overdue,
    overdue_by_unit,
)
from tipline.dispatch.models import Packet
from tipline.dispatch.selectors import packets_for
from tipline.intake.models import Report, Source, Submission
from tipline.jurisdictions.selectors import Node, jurisdiction_states, jurisdiction_tree
from tipline.review.selectors import queue_page as review_queue_page
from tipline.review.selectors import review_queue
from tipline.routing.selectors import inbox_new_count, queue_counts, state_overview

#: how many rows a home list shows before "all of them"
SHORT = 8
#: how far back the time to acknowledge is measured
ACK_WINDOW = timedelta(days=90)


@dataclass(frozen=True)
class OverdueCase:
    """An open case with SOP steps or notices past due."""

    case_id: int
    report_id: int
    unit: str
    steps: int
    notices: int
    oldest: datetime | None


@dataclass
class UnitHome:
    """A unit officer's day: what is new, what to acknowledge, what is late."""

    new_reports: int
    packets_waiting: int
    packets: list[Packet]
    overdue_cases: int
    overdue: list[OverdueCase]
    units: list[Node]


@dataclass(frozen=True)
class UnitRank:
    """One unit of a state, with its overdue work and how fast it acknowledges packets."""

    node: Node
    open_reports: int
    steps_overdue: int
    notices_overdue: int
    packets_overdue: int
    ack_hours: float | None  # median, over the last ACK_WINDOW; None: nothing acknowledged

    @property
    def overdue(self) -> int:
        return self.steps_overdue + self.notices_overdue + self.packets_overdue


@dataclass
class StateHome:
    """A nodal officer's state: its queue and its units, the most behind first."""

    state: Node
    waiting: int
    packets_waiting: int
    units: list[UnitRank]


@dataclass(frozen=True)
class SourceCount:
    code: str
    label: str
    count: int


@dataclass
class HubHome:
    """The hub's morning: today's intake, the queues, the review backlog, the funnel."""

    since: datetime
    intake: list[SourceCount]
    intake_total: int
    national_queue: int
    state_queues: int
    review_backlog: int | None  # None: the user does not review
    funnel: FunnelRow


@dataclass
class ReviewHome:
    backlog: int
    first: list[Report]


@dataclass
class PlatformHome:
    """A platform account's own submissions, by state, and its newest ones."""

    by_state: dict[str, int]
    recent: list[Submission]
    tokens: int


@dataclass
class Home:
    """The sections of one user's home page (None: not theirs)."""

    unit: UnitHome | None = None
    states: list[StateHome] = field(default_factory=list)
    hub: HubHome | None = None
    review: ReviewHome | None = None
    audit: CheckpointStatus | None = None
    platform: PlatformHome | None = None

    @property
    def empty(self) -> bool:
        return not (self.unit or self.states or self.hub or self.review or self.audit
                    or self.platform)


def _is_unit_worker(user: Viewer) -> bool:
    return policies.can(user, "case.update") and not policies.can_everywhere(user, "case.update")


def _nodal_states(user: Viewer) -> list[Node]:
    if policies.can_everywhere(user, "report.assign"):
        return []
    return [s for s in jurisdiction_states()
            if policies.can(user, "report.assign", jurisdiction_id=s.id)]


def _is_hub(user: Viewer) -> bool:
    return (policies.can_everywhere(user, "report.import")
            or policies.can_everywhere(user, "report.assign"))


def unit_home(*, user: Viewer, now: datetime | None = None) -> UnitHome:
    """New reports since the last inbox visit, packets to acknowledge, overdue cases."""
    now = now or timezone.now()
    waiting = packets_for(user=user, action="packet.receive").filter(
        acknowledged_at__isnull=True, superseded_by__isnull=True).order_by("ack_due_at", "id")
    steps = (checklist_overdue(user=user, now=now).order_by().values("case_id")
             .annotate(n=Count("id"), oldest=Min("due_at"))
             .values_list("case_id", "case__report_id", "case__unit__name", "n", "oldest"))
    notices = (notices_overdue(user=user, today=timezone.localdate(now)).order_by()
               .values("case_id").annotate(n=Count("id"))
               .values_list("case_id", "case__report_id", "case__unit__name", "n"))
    cases: dict[int, OverdueCase] = {}
    for case_id, report_id, unit, n, oldest in steps:
        cases[case_id] = OverdueCase(case_id, report_id, unit, n, 0, oldest)
    for case_id, report_id, unit, n in notices:
        known = cases.get(case_id)
        cases[case_id] = OverdueCase(case_id, report_id, unit, known.steps if known else 0, n,
                                     known.oldest if known else None)
    overdue = sorted(cases.values(), key=lambda c: (c.oldest is None, c.oldest or now,
                                                    c.case_id))
    allowed = policies.allowed_jurisdictions(user, "case.update") or set()
    tree = jurisdiction_tree()
    units = sorted((tree.by_id[i] for i in allowed
                    if i in tree.by_id and tree.by_id[i].kind in ("unit", "district")),
                   key=lambda n: n.path)
    return UnitHome(
        new_reports=inbox_new_count(user=user),
        packets_waiting=waiting.count(), packets=list(waiting[:SHORT]),
        overdue_cases=len(overdue), overdue=overdue[:SHORT], units=units[:SHORT],
    )


def _ack_hours(user: Viewer, now: datetime) -> dict[int, float]:
    """Median hours from a packet's sending to its acknowledgement, per target."""
    spans: dict[int, list[float]] = {}
    for target, made, acked in (packets_for(user=user, action="packet.receive")
                                .filter(acknowledged_at__gte=now - ACK_WINDOW)
                                .order_by().values_list("target_id", "created_at",
                                                        "acknowledged_at")):
        if acked is not None:
            spans.setdefault(target, []).append((acked - made).total_seconds() / 3600)
    return {target: median(hours) for target, hours in spans.items()}


def state_home(*, user: Viewer, state: Node, now: datetime | None = None) -> StateHome:
    """A state's queue and its units ranked by overdue work, then by slowness to
    acknowledge (a fixed number of queries)."""
    now = now or timezone.now()
    tree = jurisdiction_tree()
    code = state.code.split("-", 1)[1]
    waiting, _, loads = state_overview(user=user, state=state)
    late = overdue_by_unit(user=user, today=timezone.localdate(now), now=now, state=code)
    packets = packets_for(user=user, action="packet.receive").filter(
        acknowledged_at__isnull=True, superseded_by__isnull=True,
        target__path__startswith=f"IN/{code}/")
    overdue_packets = dict(packets.filter(ack_due_at__lt=now).order_by().values("target_id")
                           .annotate(n=Count("id")).values_list("target_id", "n"))
    ack = _ack_hours(user, now)
    rows: dict[int, UnitRank] = {}
    for load in loads:
        node = tree.by_code[load.node.code]
        rows[node.id] = UnitRank(node, load.routed + load.dispatched, 0, 0, 0, ack.get(node.id))
    for unit_id in {*late, *overdue_packets}:
        found = tree.by_id.get(unit_id)
        if found is None or found.id == state.id:
            continue
        base = rows.get(unit_id) or UnitRank(found, 0, 0, 0, 0, ack.get(unit_id))
        notices, steps = late.get(unit_id, (0, 0))
        rows[unit_id] = UnitRank(base.node, base.open_reports, steps, notices,
                                 overdue_packets.get(unit_id, 0), base.ack_hours)
    ranked = sorted(rows.values(), key=lambda r: (-r.overdue, -(r.ack_hours or 0),
                                                  -r.open_reports, r.node.name))
    return StateHome(state=state, waiting=waiting, packets_waiting=packets.count(),
                     units=[r for r in ranked if r.overdue or r.open_reports or r.ack_hours])


def hub_home(*, user: Viewer, now: datetime | None = None) -> HubHome:
    """Today's intake by source (since midnight IST), the national and state queues, the
    review backlog and the funnel's totals."""
    now = now or timezone.now()
    since = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    counts = dict(policies.scoped(Report.objects.filter(imported_at__gte=since),
                                  user=user, action="report.view")
                  .order_by().values("source").annotate(n=Count("id"))
                  .values_list("source", "n"))
    labels = dict(Source.choices)
    intake = sorted((SourceCount(code, str(labels.get(code, code)), n)
                     for code, n in counts.items()), key=lambda s: (-s.count, s.label))
    queues = queue_counts(user=user)
    root = jurisdiction_tree().root.id
    backlog = None
    if policies.can(user, "review.decide"):
        backlog = review_queue(user=user).order_by().count()  # type: ignore[arg-type]
    return HubHome(
        since=since, intake=intake, intake_total=sum(counts.values()),
        national_queue=queues.get(root, 0),
        state_queues=sum(n for node, n in queues.items() if node != root),
        review_backlog=backlog, funnel=funnel_totals(user=user),
    )


def funnel_totals(*, user: Viewer) -> FunnelRow:
    """The funnel's country-wide totals as `case_funnel` counts them (from the case tally,
    and the arrests), without its breakdown by unit and source: two queries."""
    def summed(condition: Q | None = None) -> Coalesce:
        return Coalesce(Sum("cases", filter=condition), 0)

    row = policies.scoped(CaseTally.objects.all(), user=user, action="report.view").aggregate(
        reports=summed(), dispatched=summed(Q(dispatched=True)),
        acknowledged=summed(Q(acknowledged=True)), firs=summed(Q(fir=True)),
        chargesheets=summed(Q(chargesheet=True)),
        open=summed(~Q(status=Case.Status.CLOSED)))
    arrests = policies.scoped(Arrest.objects.all(), user=user, action="report.view").count()
    return FunnelRow(code="IN", name="India", kind="country", arrests=arrests, **row)


def review_home(*, user: Any) -> ReviewHome:
    """The review queue's length and its first reports."""
    return ReviewHome(backlog=review_queue(user=user).order_by().count(),
                      first=review_queue_page(user=user, limit=SHORT))


def platform_home(*, user: Any) -> PlatformHome:
    """The account's own submissions through the CyberTipline API (only its own: the
    account sees nothing else) and how many API tokens it holds."""
    mine = Submission.objects.filter(account_id=user.pk)
    by_state = dict(mine.order_by().values("state").annotate(n=Count("id"))
                    .values_list("state", "n"))
    return PlatformHome(
        by_state={str(label): by_state.get(code, 0) for code, label in Submission.State.choices},
        recent=list(mine.select_related("report").order_by("-opened_at", "-id")[:SHORT]),
        tokens=api_tokens_of(user=user).filter(revoked_at__isnull=True).count(),
    )


def api_tokens_of(*, user: Any) -> Any:
    """The user's own API tokens (their digests stay hidden; only the prefix is shown)."""
    return api_tokens_list(user=user.username).filter(user_id=user.pk)


def home_for(*, user: Viewer, now: datetime | None = None) -> Home:
    """Every section of the user's home page."""
    home = Home()
    if not getattr(user, "is_authenticated", False):
        return home
    hub = _is_hub(user)
    if _is_unit_worker(user):
        home.unit = unit_home(user=user, now=now)
    home.states = [state_home(user=user, state=s, now=now) for s in _nodal_states(user)]
    if hub:
        home.hub = hub_home(user=user, now=now)
    elif policies.can(user, "review.decide"):
        home.review = review_home(user=user)
    if policies.can_everywhere(user, "audit.view"):
        home.audit = audit_checkpoint_status()
    if policies.can(user, "report.submit") and not hub:
        home.platform = platform_home(user=user)
    return home

