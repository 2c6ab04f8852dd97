"""The funnel and overdue lists, checked against the database row by row."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tipline.cases.models import Arrest, Case, ChecklistItem, Notice
from tipline.cases.selectors import case_funnel, checklist_overdue, notices_overdue
from tipline.cases.services import cases_open
from tipline.cases.tests import scenario
from tipline.intake.models import Report, Source

pytestmark = pytest.mark.django_db


def _expected(cases: list[Case]) -> dict[str, int]:
    fresh = [Case.objects.get(pk=c.pk) for c in cases]
    return {
        "reports": len(fresh),
        "dispatched": sum(c.dispatched_at is not None for c in fresh),
        "acknowledged": sum(c.acknowledged_at is not None for c in fresh),
        "firs": sum(hasattr(c, "fir") for c in fresh),
        "arrests": Arrest.objects.filter(case__in=fresh).count(),
        "chargesheets": sum(c.chargesheet_on is not None for c in fresh),
        "false_positive": sum(c.closure_reason == "false_positive" for c in fresh),
        "duplicate": sum(c.closure_reason == "duplicate" for c in fresh),
    }


def _got(row: Any) -> dict[str, int]:
    return {
        "reports": row.reports, "dispatched": row.dispatched,
        "acknowledged": row.acknowledged, "firs": row.firs, "arrests": row.arrests,
        "chargesheets": row.chargesheets,
        "false_positive": row.not_pursued["false_positive"],
        "duplicate": row.not_pursued["duplicate"],
    }


def test_funnel_per_unit_state_and_total(make_report: Any, analyst: Any) -> None:
    cases = scenario.build(make_report)
    funnel = case_funnel(user=analyst)
    units = {r.code: r for r in funnel.units}
    for code in scenario.UNITS:
        mine = [c for c in cases if Case.objects.get(pk=c.pk).unit.code == code]
        assert _got(units[code]) == _expected(mine)
    states = {r.code: r for r in funnel.states}
    assert set(states) == {"IN-MH", "IN-KA"}
    mh = [c for c in cases if Case.objects.get(pk=c.pk).unit.code.startswith("IN-MH-")]
    assert _got(states["IN-MH"]) == _expected(mh)
    assert _got(funnel.total) == _expected(cases)
    # the stages are a funnel
    t = funnel.total
    assert t.reports >= t.dispatched >= t.acknowledged >= t.firs >= t.chargesheets > 0
    assert t.arrests > 0 and t.not_pursued["no_information"] == 0


def test_funnel_by_source(make_report: Any, analyst: Any, beed_officer: Any) -> None:
    """Every source of reports shows in the funnel: NCMEC's, platforms', the public's."""
    cases = scenario.build(make_report)
    tips = [make_report("IN-MH-BEED", status=Report.Status.ROUTED, source=Source.PUBLIC,
                        external_id=f"TIP-{n}") for n in range(3)]
    cases_open(actor=analyst, report_ids=[r.pk for r in tips])
    funnel = case_funnel(user=analyst)
    by = {r.code: r for r in funnel.sources}
    assert set(by) == {"ncmec", "public"}
    assert by["public"].name == "Public tip" and by["public"].reports == 3
    assert _got(by["ncmec"]) == _expected(cases)
    assert sum(r.reports for r in funnel.sources) == funnel.total.reports
    mine = {r.code: r.reports for r in case_funnel(user=beed_officer).sources}
    assert mine["public"] == 3 and mine["ncmec"] == Case.objects.filter(
        unit__code="IN-MH-BEED", report__source="ncmec").count()


def test_funnel_is_scoped_and_filters_by_state(
    make_report: Any, beed_officer: Any, mh_nodal: Any, analyst: Any,
) -> None:
    scenario.build(make_report)
    assert [r.code for r in case_funnel(user=beed_officer).units] == ["IN-MH-BEED"]
    assert {r.code for r in case_funnel(user=mh_nodal).units} == {"IN-MH-BEED", "IN-MH-PUNE"}
    assert [r.code for r in case_funnel(user=analyst, state="KA").states] == ["IN-KA"]
    assert case_funnel(user=beed_officer).total.reports == Case.objects.filter(
        unit__code="IN-MH-BEED").count()


def test_funnel_query_count_does_not_grow(make_report: Any, analyst: Any) -> None:
    scenario.build(make_report, per_unit=4)
    case_funnel(user=analyst)  # warm the grants cache
    with CaptureQueriesContext(connection) as few:
        case_funnel(user=analyst)
    scenario.build(make_report, per_unit=12)
    with CaptureQueriesContext(connection) as many:
        case_funnel(user=analyst)
    assert len(many) == len(few) <= 4


def test_overdue_notices_and_steps(make_report: Any, analyst: Any, beed_officer: Any) -> None:
    scenario.build(make_report)
    today = timezone.localdate()
    overdue = list(notices_overdue(user=analyst, today=today))
    expected = [n for n in Notice.objects.all()
                if n.is_overdue(today) and not n.case.is_closed]
    assert {n.pk for n in overdue} == {n.pk for n in expected} and len(overdue) == 3
    assert {n.case.unit.code for n in notices_overdue(user=beed_officer, today=today)} == {
        "IN-MH-BEED"}
    # SOP steps: none overdue now; a week on, the first steps of open cases are
    assert not checklist_overdue(user=analyst, now=timezone.now()).exists()
    later = timezone.now() + timedelta(days=6)
    steps = list(checklist_overdue(user=analyst, now=later))
    want = [i for i in ChecklistItem.objects.select_related("case")
            if i.is_overdue(later) and not i.case.is_closed]
    assert {i.pk for i in steps} == {i.pk for i in want} and steps
    assert {i.step for i in steps} == {"integrity", "deconflict", "lookups"}
