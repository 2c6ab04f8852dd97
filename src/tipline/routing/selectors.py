"""Reads of the routing step, scoped to what the viewer may see: linked reports, the
queues (national and per state), a unit's inbox and notices, a state's units."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils.translation import gettext

from tipline.accounts.policies import allowed_jurisdictions, can, scoped
from tipline.accounts.types import Viewer
from tipline.core.errors import RejectedInput
from tipline.geo.models import ReportLocation
from tipline.intake.models import Identifier, IpEvent, Report
from tipline.jurisdictions.models import Jurisdiction
from tipline.jurisdictions.selectors import Node, jurisdiction_states, jurisdiction_tree
from tipline.jurisdictions.unit_files import UnitRow
from tipline.jurisdictions.units import unit_covering, unit_rows
from tipline.review.selectors import report_urgent
from tipline.routing.linking import LINKING_KINDS
from tipline.routing.models import ClusterNotice, InboxVisit, ReportCluster


@dataclass(frozen=True)
class LinkedReport:
    report: Report
    reasons: list[str]  # "email a@example.in", "IP 49.36.1.2:4431 within 5 min"


def report_links(*, user: Viewer, report: Report) -> tuple[int, list[LinkedReport]]:
    """(size of the report's cluster, the linked reports the user may see with why)."""
    row = ReportCluster.objects.filter(report=report).first()
    if row is None:
        return 0, []
    members = list(ReportCluster.objects.filter(cluster=row.cluster)
                   .exclude(report=report).values_list("report_id", flat=True))
    visible = {r.pk: r for r in scoped(Report.objects.filter(pk__in=members), user=user,
                                       action="report.view").select_related("jurisdiction")}
    reasons: dict[int, list[str]] = defaultdict(list)
    # the values are sealed: others' rows are matched by blind index, and only this
    # report's own values are opened, to say what is shared
    mine = {(kind, index, service): value for kind, index, service, value in
            report.identifiers.filter(kind__in=LINKING_KINDS)
            .values_list("kind", "value_index", "service", "value")}
    labels = dict(Identifier.Kind.choices)
    for kind, index, service, other in Identifier.objects.filter(
            report_id__in=visible, kind__in={k for k, _, _ in mine},
            value_index__in={v for _, v, _ in mine}).values_list(
            "kind", "value_index", "service", "report_id"):
        if (value := mine.get((kind, index, service))) is not None:
            what = {"kind": labels.get(kind, kind), "value": value, "service": service}
            reasons[other].append(gettext("%(kind)s %(value)s on %(service)s") % what if service
                                  else f"{what['kind']} {what['value']}")
    window = settings.LINK_IP_WINDOW_SECONDS
    events = [(e.ip_index, e.port, e.occurred_at, e.ip) for e in report.ip_events.all()
              if e.port is not None and e.occurred_at is not None]
    if events:
        for index, port, at, other in IpEvent.objects.filter(
                report_id__in=visible, ip_index__in={i for i, _, _, _ in events},
                port__isnull=False, occurred_at__isnull=False).values_list(
                "ip_index", "port", "occurred_at", "report_id"):
            for i, p, t, ip in events:
                if (at is not None and index == i and port == p
                        and abs((at - t).total_seconds()) <= window):
                    reasons[other].append(gettext("IP %(ip)s:%(port)s within %(minutes)s min") % {
                        "ip": ip, "port": port, "minutes": window // 60})
                    break
    linked = [LinkedReport(visible[pk], sorted(set(reasons[pk]))
                           or [gettext("through other reports")])
              for pk in sorted(visible)]
    return len(members) + 1, linked


# -- queues, inboxes and the state's view ---------------------------------------------------

QUEUE_PAGE = 50


@dataclass(frozen=True)
class Suggestion:
    code: str
    name: str
    why: str  # the clue that points there


@dataclass(frozen=True)
class ClueRow:
    """One clue of a queued report as the queue shows it beside the others."""

    method: str  # the locator: ip, gps, pin, address, phone, ...
    clue: str  # as a person quotes it
    place: str  # where it points: "Thane, THANE, MH, IN"
    confidence: float
    age_days: int | None  # how long before the report the clue was seen; None: undated


@dataclass(frozen=True)
class QueueItem:
    report: Report
    reason: str  # conflicting | foreign | unknown | no district
    explanation: str
    suggestions: list[Suggestion]
    clues: list[ClueRow]
    conflict: bool = False  # the clues disagree (the reason says so, in the page's language)


def _reason(location: ReportLocation | None) -> str:
    if location is None:
        return gettext("not resolved")
    if location.conflict:
        return gettext("conflicting clues")
    if location.country and location.country != "IN":
        return gettext("foreign (%(country)s)") % {"country": location.country}
    if not location.country:
        return gettext("no location")
    return gettext("no unit found")


#: the time an IP clue quotes (geo.locators.ip.quote_clue): " at 2024-03-01 09:00Z"
_CLUE_TIME = re.compile(r" at (\d{4}-\d{2}-\d{2}) (\d{2}):(\d{2})(?::(\d{2}))?Z")


def _clue_age(clue: str, received: datetime | None) -> int | None:
    """Days between the clue's own time (an IP capture's) and the report's receipt."""
    match = _CLUE_TIME.search(clue)
    if match is None or received is None:
        return None
    try:
        seen = datetime.fromisoformat(f"{match[1]}T{match[2]}:{match[3]}:{match[4] or '00'}"
                                      ).replace(tzinfo=UTC)
    except ValueError:
        return None
    return max(0, (received - seen).days)


def _place(c: dict[str, str | None]) -> str:
    parts = [c.get("city") or "", (c.get("district") or "").title(), c.get("state") or "",
             c.get("country") or gettext("unknown")]
    seen: list[str] = []
    for part in parts:
        if part and part.lower() not in (s.lower() for s in seen):
            seen.append(part)
    return ", ".join(seen)


def queue_clues(location: ReportLocation | None, received: datetime | None) -> list[ClueRow]:
    """The report's clues side by side, surest first: what each says and how old it is."""
    if location is None:
        return []
    rows = [ClueRow(str(c.get("method") or ""), str(c.get("clue") or ""), _place(c),
                    float(c.get("confidence") or 0), _clue_age(str(c.get("clue") or ""),
                                                             received))
            for c in location.candidates or []]
    return sorted(rows, key=lambda r: -r.confidence)


def queue_suggestions(location: ReportLocation | None, *,
                      at: int | None = None) -> list[Suggestion]:
    """Units the report's candidates point at, surest first, each once; never the node the
    report already waits at (`at`), which cannot be assigned to."""
    if location is None:
        return []
    out: dict[str, Suggestion] = {}
    for c in sorted(location.candidates or [], key=lambda c: -float(c.get("confidence") or 0)):
        if c.get("country") != "IN" or not c.get("state"):
            continue
        node = unit_covering(state=c["state"], district=c.get("district"), pin=c.get("pin"),
                             city=c.get("city"))
        if node is not None and node.code not in out and node.id != at:
            out[node.code] = Suggestion(node.code, node.name, f"{c.get('method')}: "
                                                              f"{c.get('clue')}")
    return list(out.values())[:4]


def queue_nodes(*, user: Viewer) -> list[Node]:
    """The queues the user may work: the national one (hub) or their states'."""
    tree = jurisdiction_tree()
    if can(user, "report.assign", jurisdiction_id=tree.root.id):
        return [tree.root, *jurisdiction_states()]
    return [n for n in jurisdiction_states()
            if can(user, "report.assign", jurisdiction_id=n.id)]


def _waiting(*, user: Viewer, node_ids: list[int]) -> QuerySet[Report]:
    """Current reports waiting at exactly these nodes for a person to place them."""
    return scoped(Report.objects.filter(jurisdiction_id__in=node_ids, is_current=True,
                                        status=Report.Status.NEW),
                  user=user, action="report.assign")


def queue_page(*, user: Viewer, node: Node, before: int | None = None,
               limit: int = QUEUE_PAGE) -> tuple[list[QueueItem], int | None]:
    """Reports waiting at exactly this node (the national queue, or a state's) for a person,
    newest first; and the id to continue from, if there are more."""
    qs = _waiting(user=user, node_ids=[node.id])
    rows, first = _urgent_first(qs, before=before, limit=limit, related=("location",))
    more = rows[limit].pk if len(rows) > limit else None
    rows = first + rows[:limit]
    items = []
    allowed = allowed_jurisdictions(user, "report.assign")  # the buttons: only where it may go
    by_code = jurisdiction_tree().by_code
    for report in rows:
        location = getattr(report, "location", None)
        suggestions = [s for s in queue_suggestions(location, at=report.jurisdiction_id)
                       if allowed is None or by_code[s.code].id in allowed]
        items.append(QueueItem(report, _reason(location),
                               location.explanation if location else "",
                               suggestions,
                               queue_clues(location, report.received_at),
                               conflict=bool(location and location.conflict)))
    return items, (rows[-1].pk if more else None)


def assign_targets(*, user: Viewer) -> list[Node]:
    """The nodes the user may send reports to (units, districts, states, the country), by
    name: what the queue's "other" box offers."""
    allowed = allowed_jurisdictions(user, "report.assign")
    return sorted((n for n in jurisdiction_tree().by_id.values()
                   if n.kind in ("country", "state", "district", "unit")
                   and (allowed is None or n.id in allowed)), key=lambda n: (n.name, n.code))


#: "Beed (IN-MH-BEED)": the form the "other" box's suggestions take
_NAMED_CODE = re.compile(r"\(([A-Za-z0-9-]+)\)\s*$")


def jurisdiction_by_name_or_code(*, text: str) -> str:
    """The code of the node `text` names: a code ("IN-MH-BEED"), a name ("Beed", any case),
    or a name with its code ("Beed (IN-MH-BEED)"). RejectedInput when none matches, or
    when a name fits several (the message lists them with their codes)."""
    tree = jurisdiction_tree()
    raw = " ".join(text.split())
    if not raw:
        raise RejectedInput(gettext("give a unit's name or code"))
    if (match := _NAMED_CODE.search(raw)) and match[1].upper() in tree.by_code:
        return match[1].upper()
    if raw.upper() in tree.by_code:
        return raw.upper()
    folded = raw.casefold()
    named = sorted((n for n in tree.by_id.values() if n.name.casefold() == folded
                    and n.kind in ("country", "state", "district", "unit", "station")),
                   key=lambda n: n.code)
    if len(named) == 1:
        return named[0].code
    if named:
        choices = "; ".join(f"{n.name} ({n.code})" for n in named)
        raise RejectedInput(gettext("%(text)s names %(count)s places: %(choices)s. Give the code.")
                            % {"text": repr(raw), "count": len(named), "choices": choices})
    raise RejectedInput(gettext("no jurisdiction or unit named %(text)s") % {"text": repr(raw)})


def queue_counts(*, user: Viewer) -> dict[int, int]:
    """Reports waiting per queue node the user may work."""
    qs = _waiting(user=user, node_ids=[n.id for n in queue_nodes(user=user)])
    return dict(qs.values_list("jurisdiction_id").annotate(n=Count("pk")).order_by())


def _inbox(*, user: Viewer, unit: Node | None = None) -> QuerySet[Report]:
    """The current reports routed to the user's units (or one of them), not yet closed."""
    tree = jurisdiction_tree()
    units = [n.id for n in tree.by_id.values() if n.kind in ("unit", "district")]
    if unit is not None:
        units = [unit.id] if unit.id in units else []
    return scoped(Report.objects.filter(jurisdiction_id__in=units, is_current=True,
                                        status__in=[Report.Status.ROUTED,
                                                    Report.Status.DISPATCHED]),
                  user=user, action="report.view")


def inbox_mark(*, user: Viewer) -> int | None:
    """The id up to which the user has read their inbox; None: they never opened it."""
    pk = getattr(user, "pk", None)
    if not pk:
        return None
    seen = InboxVisit.objects.filter(user_id=int(pk)).values_list("last_report_id", flat=True)
    return next(iter(seen), None)


def inbox_last_seen(*, user: Viewer) -> int:
    """The id up to which the user has read their inbox (0: never opened it)."""
    return inbox_mark(user=user) or 0


def inbox_new_count(*, user: Viewer, since: int | None = None) -> int:
    """How many reports in the user's inbox are new since their last visit (above `since`,
    if given)."""
    mark = inbox_last_seen(user=user) if since is None else since
    return _inbox(user=user).filter(pk__gt=mark).count()


def inbox_page(*, user: Viewer, unit: Node | None = None, before: int | None = None,
               limit: int = QUEUE_PAGE) -> tuple[list[Report], int | None]:
    """Reports routed to the units the user may see (or one of them), newest first."""
    rows, first = _urgent_first(_inbox(user=user, unit=unit), before=before, limit=limit,
                                related=("jurisdiction", "location", "cluster"))
    more = len(rows) > limit
    rows = rows[:limit]
    return first + rows, (rows[-1].pk if more else None)


def _urgent_first(qs: QuerySet[Report], *, before: int | None, limit: int,
                  related: tuple[str, ...]) -> tuple[list[Report], list[Report]]:
    """A page of `qs` newest first, and the urgent reports (a child in imminent danger:
    review's `report_urgent`) to show above it: on the first page all of them (up to
    `limit`), and never again on the next pages, which keep their place by id."""
    first: list[Report] = []
    urgent = report_urgent()
    if before is None:
        first = list(qs.filter(urgent).select_related(*related).order_by("-pk")[:limit])
    else:
        qs = qs.filter(pk__lt=before)
    rows = list(qs.exclude(urgent).select_related(*related).order_by("-pk")[:limit + 1])
    return rows, first


def inbox_units(*, user: Viewer) -> list[Node]:
    """The units whose inbox the user may read (a hub user: every unit)."""
    tree = jurisdiction_tree()
    allowed = allowed_jurisdictions(user, "report.view")
    return sorted((n for n in tree.by_id.values() if n.kind in ("unit", "district")
                   and (allowed is None or n.id in allowed)), key=lambda n: n.path)


def states_visible(*, user: Viewer) -> list[Node]:
    """The states (and UTs) whose reports the user may see, whole: a nodal officer's own, a
    hub user's all of them; none for a unit officer."""
    allowed = allowed_jurisdictions(user, "report.view")
    return [s for s in jurisdiction_states() if allowed is None or s.id in allowed]


def notices_for(*, user: Viewer, limit: int = 20) -> list[ClusterNotice]:
    """Reports from the user's units that went to another unit leading their cluster."""
    return list(scoped(ClusterNotice.objects.all(), user=user, action="report.view")
                .select_related("unit", "lead", "report").order_by("-created_at", "-pk")[:limit])


@dataclass(frozen=True)
class UnitLoad:
    node: UnitRow  # the unit's row of the units CSV: name, code, kind, contacts, areas
    routed: int
    dispatched: int
    closed: int

    @property
    def total(self) -> int:
        return self.routed + self.dispatched + self.closed

    @property
    def areas(self) -> list[str]:
        """What the unit covers, each as "district THANE", "pin 400601", "city Thane" in the
        page's language."""
        words = {"district": gettext("district"), "pin": gettext("pin"),
                 "city": gettext("city")}
        return [f"{words.get(kind, kind)} {value}" for kind, value in self.node.coverage()]


def state_overview(*, user: Viewer, state: Node) -> tuple[int, UnitRow | None, list[UnitLoad]]:
    """For a nodal officer: reports waiting at the state itself, the state's row (its nodal
    officer's contact), and per unit of the state its reports by status, contact and areas.
    A fixed number of queries."""
    tree = jurisdiction_tree()
    ids = sorted(tree.descendants(state.id))
    counts: dict[tuple[int, str], int] = defaultdict(int)
    for node_id, status, n in (scoped(Report.objects.filter(jurisdiction_id__in=ids,
                                                            is_current=True),
                                      user=user, action="report.view")
                               .values_list("jurisdiction_id", "status")
                               .annotate(n=Count("pk")).order_by()):
        counts[(node_id, status)] += n
    contact: UnitRow | None = None
    loads = []
    for row in unit_rows(state=state.code.split("-", 1)[1]):
        if row.code == state.code:
            contact = row
            continue
        pk = tree.by_code[row.code].id
        load = UnitLoad(row, counts[(pk, Report.Status.ROUTED)],
                        counts[(pk, Report.Status.DISPATCHED)], counts[(pk, Report.Status.CLOSED)])
        if load.total or row.kind == Jurisdiction.Kind.UNIT or row.officer:
            loads.append(load)
    loads.sort(key=lambda u: (-u.total, u.node.name))
    return counts[(state.id, Report.Status.NEW)], contact, loads


@dataclass(frozen=True)
class ClusterView:
    """A cluster as one viewer sees it: its size, lead unit, and the members they may see."""

    id: int
    size: int
    lead: Node | None
    members: list[Report]


def clusters_visible(*, user: Viewer, after: int | None = None, limit: int = 50) -> list[int]:
    """Ids of the clusters with a member the user may see, in order, from after `after`."""
    qs = scoped(ReportCluster.objects.all(), user=user, action="report.view")
    if after is not None:
        qs = qs.filter(cluster__gt=after)
    return list(qs.order_by("cluster").values_list("cluster", flat=True).distinct()[:limit])


def clusters_get(*, user: Viewer, cluster_ids: list[int]) -> list[ClusterView]:
    """The clusters as the user sees them (members they may not see are left out, and a
    cluster with none they may see is left out too), in the order asked."""
    rows = list(ReportCluster.objects.filter(cluster__in=cluster_ids)
                .values_list("cluster", "report_id", "lead_id"))
    visible = {r.pk: r for r in scoped(
        Report.objects.filter(pk__in=[rid for _, rid, _ in rows]), user=user,
        action="report.view").select_related("jurisdiction").order_by("pk")}
    tree = jurisdiction_tree()
    out: list[ClusterView] = []
    for cid in cluster_ids:
        mine = [(rid, lead) for c, rid, lead in rows if c == cid]
        members = sorted((visible[rid] for rid, _ in mine if rid in visible), key=lambda r: r.pk)
        if not members:
            continue
        lead_id = next((lead for _, lead in mine if lead is not None), None)
        out.append(ClusterView(id=cid, size=len(mine), members=members,
                               lead=tree.by_id.get(lead_id) if lead_id else None))
    return out


def cluster_get(*, user: Viewer, cluster_id: int) -> ClusterView:
    """One cluster as the user sees it; Http404 when it has no member they may see."""
    found = clusters_get(user=user, cluster_ids=[cluster_id])
    if not found:
        raise Http404("No such cluster")
    return found[0]
