"""The numbers behind the charts equal the database's, counted here another way, and each
viewer gets only their own jurisdiction's."""

from __future__ import annotations

import statistics
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from tipline.analytics import selectors as s
from tipline.analytics.grid import INDIA_GRID
from tipline.cases.models import FIR, Arrest, Case, ChecklistItem, Notice
from tipline.cases.tests import scenario
from tipline.dispatch.models import Packet
from tipline.intake.models import Report, Source
from tipline.jurisdictions.models import Jurisdiction

pytestmark = pytest.mark.django_db


def test_the_grid_has_one_square_per_state_and_ut(tree: None) -> None:
    codes = {j.code.split("-", 1)[1] for j in Jurisdiction.objects.filter(kind="state")}
    assert len(codes) == 36 and set(INDIA_GRID) == codes
    assert len(set(INDIA_GRID.values())) == len(INDIA_GRID)  # no two on one square


def _expected_funnel(cases: list[Case]) -> dict[str, int]:
    ids = [c.pk for c in cases]
    fresh = list(Case.objects.filter(pk__in=ids))
    return {
        "reports": len(fresh),
        "dispatched": sum(c.dispatched_at is not None for c in fresh),
        "acknowledged": sum(c.acknowledged_at is not None for c in fresh),
        "firs": FIR.objects.filter(case_id__in=ids).count(),
        "arrests": len(set(Arrest.objects.filter(case_id__in=ids).values_list("case_id",
                                                                             flat=True))),
        "chargesheets": sum(c.chargesheet_on is not None for c in fresh),
    }


def test_funnel_counts_match_the_cases_and_follow_the_period(make_report: Any,
                                                             analyst: Any) -> None:
    cases = scenario.build(make_report)
    got = s.funnel_counts(user=analyst, period=s.Period())
    assert got.stages == _expected_funnel(cases)
    assert got.stages["firs"] > got.stages["arrests"] > 0
    assert got.not_pursued == {"false_positive": 3, "no_information": 0, "duplicate": 3}
    assert got.open == Case.objects.exclude(status="closed").count()
    # cases opened 40 days ago fall outside the last 30 days
    old = [c for c in cases if c.unit.code == "IN-MH-PUNE"]
    Case.objects.filter(pk__in=[c.pk for c in old]).update(
        opened_at=timezone.now() - timedelta(days=40))
    today = timezone.localdate()
    recent = s.funnel_counts(user=analyst, period=s.Period(today - timedelta(days=29), today))
    assert recent.stages == _expected_funnel([c for c in cases if c not in old])
    before = s.funnel_counts(user=analyst, period=s.Period(None, today - timedelta(days=30)))
    assert before.stages == _expected_funnel(old)


def test_funnel_is_scoped(make_report: Any, beed_officer: Any, mh_nodal: Any,
                          analyst: Any) -> None:
    cases = scenario.build(make_report)
    mine = s.funnel_counts(user=beed_officer, period=s.Period())
    assert mine.stages == _expected_funnel([c for c in cases if c.unit.code == "IN-MH-BEED"])
    state = s.funnel_counts(user=mh_nodal, period=s.Period())
    assert state.stages == _expected_funnel([c for c in cases if c.unit.code.startswith("IN-MH")])
    # a state filter outside the viewer's scope gives nothing, not the other state
    assert s.funnel_counts(user=mh_nodal, period=s.Period(), state="KA").stages["reports"] == 0
    assert s.funnel_counts(user=analyst, period=s.Period(), state="KA").stages == \
        _expected_funnel([c for c in cases if c.unit.code.startswith("IN-KA")])


def _received(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def test_intake_by_day_and_week_matches_the_reports(make_report: Any, analyst: Any,
                                                    mh_nodal: Any) -> None:
    start = date(2026, 11, 2)  # a Monday
    spread = [(0, Source.NCMEC, "IN-MH-BEED"), (0, Source.NCMEC, "IN-KA"),
              (1, Source.PUBLIC, "IN-MH-PUNE"), (6, Source.PLATFORM, "IN-MH"),
              (7, Source.NCMEC, "IN-MH-BEED"), (9, Source.PUBLIC, "IN"),
              (20, Source.NCMEC, "IN-MH-BEED")]  # the last one is after the period
    for offset, source, node in spread:
        make_report(node, source=source, received_at=_received(start + timedelta(offset)))
    make_report("IN-MH-BEED", received_at=_received(start + timedelta(3)), is_current=False)
    # 20:00 UTC is 01:30 the next day in India: counted on the Indian day
    make_report("IN-MH-BEED", source=Source.PUBLIC, received_at=_received(start + timedelta(11),
                                                                          hour=20))
    end = start + timedelta(days=13)
    days = s.intake_by_source(user=analyst, start=start, end=end, weekly=False)
    assert len(days.periods) == 14 and days.periods[0] == start
    for code, values in days.counts.items():
        for i, n in enumerate(values):
            day = start + timedelta(i)
            assert n == Report.objects.filter(
                is_current=True, source=code, received_at__date=day).count()  # in IST
    assert [c for c, _ in days.sources] == ["ncmec", "platform", "public"]
    assert days.total("ncmec") == 3 and days.total("public") == 3
    assert days.counts["public"][12] == 1 and days.counts["public"][11] == 0
    weeks = s.intake_by_source(user=analyst, start=start, end=end, weekly=True)
    assert weeks.periods == [start, start + timedelta(7)]
    assert weeks.counts["ncmec"] == [2, 1] and weeks.counts["public"] == [1, 2]
    # Meera sees Maharashtra's only: not Karnataka's, not the unplaced tip on the country
    hers = s.intake_by_source(user=mh_nodal, start=start, end=end, weekly=True)
    assert hers.counts == {"ncmec": [1, 1], "public": [1, 1], "platform": [1, 0]}


def _packet(code: str, made: datetime, hours: float | None, *, superseded: bool = False) -> Packet:
    target = Jurisdiction.objects.get(code=code)
    packet = Packet.objects.create(
        target=target, created_at=made, ack_due_at=made + timedelta(days=3),
        acknowledged_at=made + timedelta(hours=hours) if hours is not None else None)
    if superseded:
        Packet.objects.create(target=target, created_at=made, ack_due_at=made,
                              supersedes=packet, version=2)
    return packet


def test_time_to_acknowledge_per_unit_and_state(tree: None, analyst: Any,
                                                 beed_officer: Any) -> None:
    now = timezone.now() - timedelta(days=1)
    beed = [12, 24, 36, 48, 240]
    for h in beed:
        _packet("IN-MH-BEED", now, h)
    _packet("IN-MH-BEED", now, None)
    _packet("IN-MH-PUNE", now, 6)
    _packet("IN-MH-PUNE", now, 500, superseded=True)  # replaced: not counted
    _packet("IN-KA", now, 72)
    per_unit = {t.code: t for t in s.time_to_acknowledge(user=analyst, period=s.Period(),
                                                           by_unit=True)}
    b = per_unit["IN-MH-BEED"]
    assert b.n == 5 and b.waiting == 1
    assert b.median == pytest.approx(statistics.median(beed) / 24)
    assert b.p90 == pytest.approx(240 / 24)  # nearest rank: the 5th of 5
    assert per_unit["IN-MH-PUNE"].n == 1 and per_unit["IN-MH-PUNE"].waiting == 1
    per_state = {t.code: t for t in s.time_to_acknowledge(user=analyst, period=s.Period(),
                                                            by_unit=False)}
    assert set(per_state) == {"IN-MH", "IN-KA"}
    assert per_state["IN-MH"].n == 6 and per_state["IN-MH"].waiting == 2
    assert per_state["IN-KA"].median == pytest.approx(3.0)
    assert [t.code for t in s.time_to_acknowledge(user=beed_officer, period=s.Period(),
                                                  by_unit=True)] == ["IN-MH-BEED"]


def test_time_to_fir_per_unit(make_report: Any, analyst: Any, mh_nodal: Any) -> None:
    cases = scenario.build(make_report)
    today = timezone.localdate()
    # the FIRs were registered today: move the openings back by a known number of days
    firs = list(FIR.objects.select_related("case__unit"))
    for n, fir in enumerate(firs):
        Case.objects.filter(pk=fir.case_id).update(
            opened_at=timezone.now() - timedelta(days=n + 1))
    got = {t.code: t for t in s.time_to_fir(user=analyst, period=s.Period(), by_unit=True)}
    for code in scenario.UNITS:
        days = sorted(float((today - timezone.localdate(Case.objects.get(pk=f.case_id)
                                                          .opened_at)).days)
                      for f in firs if f.case.unit.code == code)
        waiting = (Case.objects.filter(pk__in=[c.pk for c in cases], unit__code=code,
                                       fir__isnull=True).exclude(status="closed").count())
        assert sorted(got[code].days) == days and got[code].waiting == waiting
    assert {t.code for t in s.time_to_fir(user=mh_nodal, period=s.Period(),
                                          by_unit=False)} == {"IN-MH"}


def test_map_values_match_the_database(make_report: Any, analyst: Any, mh_nodal: Any,
                                       beed_officer: Any) -> None:
    scenario.build(make_report)
    make_report("IN-MH")  # placed in the state, not yet in a district
    make_report("IN")  # not yet placed anywhere
    reports = s.map_values(user=analyst, measure="reports")
    current = Report.objects.filter(is_current=True)
    assert reports == {"MH": current.filter(jurisdiction__path__startswith="IN/MH/").count(),
                       "KA": current.filter(jurisdiction__path__startswith="IN/KA/").count()}
    opened = s.map_values(user=analyst, measure="open")
    assert opened["MH"] == Case.objects.filter(unit__path__startswith="IN/MH/").exclude(
        status="closed").count()
    # within Maharashtra: per district or unit, and what sits on the state itself
    mh = s.map_values(user=analyst, measure="reports", state="MH")
    assert mh["IN-MH-BEED"] == current.filter(jurisdiction__code="IN-MH-BEED").count()
    assert mh["IN-MH"] == 1 and sum(mh.values()) == reports["MH"]
    # overdue: notices past due, SOP steps past due, packets past their deadline
    _packet("IN-MH-PUNE", timezone.now() - timedelta(days=5), None)
    overdue = s.map_values(user=analyst, measure="overdue", state="MH")
    now, today = timezone.now(), timezone.localdate()
    for code in ("IN-MH-BEED", "IN-MH-PUNE"):
        want = (Notice.objects.filter(case__unit__code=code, replied_on__isnull=True,
                                      due_on__lt=today).exclude(case__status="closed").count()
                + ChecklistItem.objects.filter(case__unit__code=code, done_at__isnull=True,
                                               due_at__lt=now)
                .exclude(case__status="closed").count()
                + Packet.objects.filter(target__code=code, acknowledged_at__isnull=True,
                                        ack_due_at__lt=now).count())
        assert overdue.get(code, 0) == want
    assert overdue["IN-MH-PUNE"] >= 2
    # scope: Meera never gets Karnataka, Bhim only Beed
    assert set(s.map_values(user=mh_nodal, measure="reports")) == {"MH"}
    assert set(s.map_values(user=beed_officer, measure="reports", state="MH")) == {"IN-MH-BEED"}
    assert s.visible_states(beed_officer) == {"MH"} and "KA" in s.visible_states(analyst)
