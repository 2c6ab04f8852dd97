"""Reads of the case step: the funnel, overdue notices and SOP steps, a unit's cases, one case.

Everything is scoped to what the viewer may see (`report.view`); counts are aggregated in the
database, so the number of queries does not grow with the number of cases. The funnel and a
unit's case count read the tally (`CaseTally`, kept by cases.services with every case write),
so their cost does not grow with the number of cases either.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from tipline.accounts.policies import get_scoped_or_404, scoped
from tipline.accounts.types import Viewer
from tipline.cases.models import FIR, Arrest, Case, CaseTally, ChecklistItem, LegalSection, Notice
from tipline.intake.dossier import fields
from tipline.intake.models import Source
from tipline.jurisdictions.selectors import Node, jurisdiction_tree

M = TypeVar("M", Case, CaseTally)
VIEW = "report.view"
STAGES = ("reports", "dispatched", "acknowledged", "firs", "arrests", "chargesheets")


@dataclass
class FunnelRow:
    """The funnel for one node (a state, a unit, or the whole country)."""

    code: str
    name: str
    kind: str
    node_id: int | None = None
    reports: int = 0
    dispatched: int = 0
    acknowledged: int = 0
    firs: int = 0
    arrests: int = 0
    chargesheets: int = 0
    open: int = 0
    not_pursued: dict[str, int] = field(default_factory=dict)

    def add(self, other: FunnelRow) -> None:
        for name in (*STAGES, "open"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for reason, n in other.not_pursued.items():
            self.not_pursued[reason] = self.not_pursued.get(reason, 0) + n

    @property
    def not_pursued_total(self) -> int:
        return sum(self.not_pursued.values())


@dataclass
class Funnel:
    total: FunnelRow
    states: list[FunnelRow]
    units: list[FunnelRow]
    #: by where the reports came from (NCMEC, platforms, the public, ...)
    sources: list[FunnelRow] = field(default_factory=list)


def _cases(user: Viewer, *, state: str | None = None, unit: str | None = None) -> QuerySet[Case]:
    """The cases the user may see, optionally within one state (MH) or one unit (code)."""
    return _within(scoped(Case.objects.all(), user=user, action=VIEW), state=state, unit=unit)


def _within(qs: QuerySet[M], *, state: str | None, unit: str | None) -> QuerySet[M]:
    """Cases (or tally rows) held in one unit and the nodes under it, or in one state."""
    if unit:
        tree = jurisdiction_tree()
        node = tree.by_code.get(unit.upper())
        qs = (qs.filter(unit_id__in=sorted(tree.descendants(node.id))) if node
              else qs.none())
    elif state:
        qs = qs.filter(unit__path__startswith=f"IN/{state.upper()}/")
    return qs


def case_funnel(*, user: Viewer, state: str | None = None) -> Funnel:
    """Reports -> dispatched -> acknowledged -> FIR -> arrests -> chargesheets, and the reports
    not pursued by reason, per unit, per state and per source (three queries: the tally by
    unit and by source, and the arrests, which are as many as units record by hand)."""
    tree = jurisdiction_tree()
    reasons = [str(r) for r in Case.NOT_PURSUED]

    def summed(condition: Q | None = None) -> Coalesce:
        return Coalesce(Sum("cases", filter=condition), 0)

    tally = _within(scoped(CaseTally.objects.filter(cases__gt=0), user=user, action=VIEW),
                    state=state, unit=None)
    stages = {
        "reports": summed(),
        "dispatched": summed(Q(dispatched=True)),
        "acknowledged": summed(Q(acknowledged=True)),
        "firs": summed(Q(fir=True)),
        "chargesheets": summed(Q(chargesheet=True)),
        "open": summed(~Q(status=Case.Status.CLOSED)),
        **{f"np_{r}": summed(Q(closure_reason=r)) for r in reasons},
    }
    per_unit = tally.values("unit_id").annotate(**stages).order_by()
    arrests_qs = scoped(Arrest.objects.all(), user=user, action=VIEW)
    if state:
        arrests_qs = arrests_qs.filter(case__unit__path__startswith=f"IN/{state.upper()}/")
    arrests: dict[int, int] = {}
    arrests_by_source: dict[str, int] = {}
    for unit_id, source, n in (arrests_qs.values("case__unit_id", "case__report__source")
                               .annotate(n=Count("id")).order_by()
                               .values_list("case__unit_id", "case__report__source", "n")):
        arrests[unit_id] = arrests.get(unit_id, 0) + n
        arrests_by_source[source] = arrests_by_source.get(source, 0) + n
    sources = [
        FunnelRow(code=row["source"], name=_source_label(row["source"]), kind="source",
                  reports=row["reports"], dispatched=row["dispatched"],
                  acknowledged=row["acknowledged"], firs=row["firs"],
                  arrests=arrests_by_source.get(row["source"], 0),
                  chargesheets=row["chargesheets"], open=row["open"],
                  not_pursued={r: row[f"np_{r}"] for r in reasons})
        for row in tally.values("source").annotate(**stages).order_by()]
    units: list[FunnelRow] = []
    states: dict[str, FunnelRow] = {}
    total = FunnelRow(code="IN", name="India", kind="country")
    for row in per_unit:
        node = tree.by_id[row["unit_id"]]
        unit = FunnelRow(
            code=node.code, name=node.name, kind=node.kind, node_id=node.id,
            reports=row["reports"], dispatched=row["dispatched"],
            acknowledged=row["acknowledged"], firs=row["firs"],
            arrests=arrests.get(node.id, 0), chargesheets=row["chargesheets"], open=row["open"],
            not_pursued={r: row[f"np_{r}"] for r in reasons},
        )
        units.append(unit)
        state_node = _state_of(node)
        if state_node.code not in states:
            states[state_node.code] = FunnelRow(code=state_node.code, name=state_node.name,
                                                kind=state_node.kind, node_id=state_node.id)
        states[state_node.code].add(unit)
        total.add(unit)
    return Funnel(
        total=total,
        states=sorted(states.values(), key=lambda r: (-r.reports, r.name)),
        units=sorted(units, key=lambda r: (-r.reports, r.name)),
        sources=sorted(sources, key=lambda r: (-r.reports, r.name)),
    )


def _source_label(code: str) -> str:
    """A source's name as the report list gives it ("NCMEC export", "Public tip", ...)."""
    try:
        return str(Source(code).label)
    except ValueError:
        return code or "Not recorded"


def _state_of(node: Node) -> Node:
    tree = jurisdiction_tree()
    parts = node.path.strip("/").split("/")
    return tree.by_code.get(f"IN-{parts[1]}", node) if len(parts) > 1 else node


def notices_overdue(
    *, user: Viewer, today: date, state: str | None = None, unit: str | None = None,
) -> QuerySet[Notice]:
    """Notices past their due date without a reply, on open cases, oldest due first."""
    cases = _cases(user, state=state, unit=unit).exclude(status=Case.Status.CLOSED)
    return (Notice.objects.filter(case__in=cases, replied_on__isnull=True, due_on__lt=today)
            .select_related("case__unit").order_by("due_on", "id"))


def checklist_overdue(
    *, user: Viewer, now: datetime, state: str | None = None, unit: str | None = None,
) -> QuerySet[ChecklistItem]:
    """SOP steps past their due time and not done, on open cases, oldest due first."""
    cases = _cases(user, state=state, unit=unit).exclude(status=Case.Status.CLOSED)
    return (ChecklistItem.objects.filter(case__in=cases, done_at__isnull=True, due_at__lt=now)
            .select_related("case__unit").order_by("due_at", "id"))


def overdue_by_unit(*, user: Viewer, today: date, now: datetime,
                    state: str | None = None) -> dict[int, tuple[int, int]]:
    """unit id -> (overdue notices, overdue SOP steps) (two queries)."""
    notices = dict(
        notices_overdue(user=user, today=today, state=state).order_by()
        .values("case__unit_id").annotate(n=Count("id")).values_list("case__unit_id", "n"))
    steps = dict(
        checklist_overdue(user=user, now=now, state=state).order_by()
        .values("case__unit_id").annotate(n=Count("id")).values_list("case__unit_id", "n"))
    return {u: (notices.get(u, 0), steps.get(u, 0)) for u in {*notices, *steps}}


def case_list(*, user: Viewer, unit: str, status: str | None = None) -> QuerySet[Case]:
    """The cases of one unit (and the nodes under it), newest first, with what a row shows.

    The arrests are counted per row by a subquery, not by grouping the unit's cases, so a page
    reads its rows from the (unit, opened) index and stops at the page's end."""
    qs = _cases(user, unit=unit)
    if status:
        qs = qs.filter(status=status)
    arrests = (Arrest.objects.filter(case=OuterRef("pk")).order_by().values("case")
               .annotate(n=Count("id")).values("n"))
    return (qs.select_related("report", "unit", "fir")
            .annotate(arrest_count=Coalesce(Subquery(arrests, output_field=IntegerField()), 0))
            .order_by("-opened_at", "-id"))


def case_count(*, user: Viewer, unit: str, status: str | None = None) -> int:
    """How many cases `case_list` gives, from the tally (without counting the cases)."""
    qs = _within(scoped(CaseTally.objects.all(), user=user, action=VIEW), state=None, unit=unit)
    if status:
        qs = qs.filter(status=status)
    return int(qs.aggregate(n=Coalesce(Sum("cases"), 0))["n"])


def case_get(*, user: Viewer, case_id: int) -> Case:
    """One case with its records, or 404 when the user may not see it."""
    qs = Case.objects.select_related("report", "unit", "fir", "duplicate_of").prefetch_related(
        Prefetch("fir__sections"), "arrests", "seizures", "notices",
        Prefetch("checklist", queryset=ChecklistItem.objects.select_related("done_by")),
    )
    return get_scoped_or_404(qs, user=user, action=VIEW, pk=case_id)


def legal_sections_active() -> QuerySet[LegalSection]:
    return LegalSection.objects.filter(active=True)


def case_register(
    *, user: Viewer | None, state: str | None = None, unit: str | None = None,
    today: date | None = None, chunk: int = 2000,
) -> Iterator[Case]:
    """Every case the user may see (in a state or unit), with counts and FIR sections, for the
    register; streamed in chunks so memory stays flat. `user` None means every case (the
    hub's own command line, never a web request)."""
    today = today or timezone.localdate()
    base = Case.objects.all() if user is None else scoped(Case.objects.all(), user=user,
                                                          action=VIEW)
    overdue = Q(notices__replied_on__isnull=True, notices__due_on__lt=today) & ~Q(
        status=Case.Status.CLOSED)
    qs = (_within(base, state=state, unit=unit)
          .select_related("report", "unit", "fir", "duplicate_of")
          .prefetch_related(Prefetch("fir__sections"))
          .annotate(arrest_count=Count("arrests", distinct=True),
                    seizure_count=Count("seizures", distinct=True),
                    notice_count=Count("notices", distinct=True),
                    overdue_count=Count("notices", filter=overdue, distinct=True))
          .order_by("unit__path", "id"))
    yield from qs.iterator(chunk_size=chunk)


def fir_for(case: Case) -> FIR | None:
    """The case's FIR, or None (without a query when it was selected with the case)."""
    try:
        return case.fir
    except FIR.DoesNotExist:
        return None


def notice_get(*, user: Viewer, notice_id: int) -> Notice:
    return get_scoped_or_404(Notice.objects.all(), user=user, action=VIEW, pk=notice_id)


def checklist_item_get(*, user: Viewer, item_id: int) -> ChecklistItem:
    return get_scoped_or_404(ChecklistItem.objects.all(), user=user, action=VIEW, pk=item_id)


def legal_sections_all() -> QuerySet[LegalSection]:
    """The whole catalogue, retired sections included, with how many FIRs cite each."""
    return LegalSection.objects.annotate(fir_count=Count("firs"))


def legal_section_get(*, section_id: int) -> LegalSection:
    """One section of the national catalogue (callers check `sop.edit` on the root), or 404."""
    row = LegalSection.objects.filter(pk=section_id).first()
    if row is None:
        raise Http404("No such section")
    return row


def case_part(report: Any) -> Any:
    """The report's case: its unit, status, FIR, arrests and seizures (`tipline reports
    show`)."""
    case = (Case.objects.filter(report=report).select_related("unit")
            .prefetch_related("arrests", "seizures").first())
    if case is None:
        return None
    out = fields(case)
    out["reference"] = case.reference
    out["unit"] = {"code": case.unit.code, "name": case.unit.name}
    fir = FIR.objects.filter(case=case).prefetch_related("sections").first()
    out["fir"] = None if fir is None else {
        **fields(fir, without=("case",)), "sections": [str(s) for s in fir.sections.all()]}
    out["arrests"] = [fields(a, without=("case",)) for a in case.arrests.all()]
    out["seizures"] = [fields(s, without=("case",)) for s in case.seizures.all()]
    return out
