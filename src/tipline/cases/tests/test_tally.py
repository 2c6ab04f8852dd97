"""The case tally (counts per unit and status behind `/cases/`) equals a recount of the cases
after every kind of change the cases services make."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.utils import timezone

from tipline.cases.models import Case, CaseTally, LegalSection
from tipline.cases.selectors import case_count, case_funnel, case_list
from tipline.cases.services import (
    arrest_add,
    case_acknowledge,
    case_chargesheet,
    case_close,
    case_enquiry_start,
    case_fir_register,
    cases_acknowledge,
    cases_mark_dispatched,
    cases_open,
    cases_tally_rebuild,
    cases_tally_recount,
    report_clear,
)
from tipline.core.errors import RejectedInput
from tipline.intake.models import Report
from tipline.jurisdictions.models import Jurisdiction

pytestmark = pytest.mark.django_db

ROUTED = Report.Status.ROUTED


def _stored() -> Counter[Any]:
    return Counter({
        (t.unit_id, t.status, t.closure_reason, t.dispatched, t.acknowledged, t.fir,
         t.chargesheet, t.source): t.cases
        for t in CaseTally.objects.filter(cases__gt=0)})


def _check(step: str) -> None:
    recount = cases_tally_recount()
    assert sum(recount.values()) == Case.objects.count(), step
    assert _stored() == recount, step
    assert not CaseTally.objects.filter(cases__lt=0).exists(), step


def _move(report: Report, code: str) -> None:
    report.jurisdiction = Jurisdiction.objects.get(code=code)
    report.save(update_fields=["jurisdiction"])


def test_the_tally_equals_a_recount_after_every_change(
    make_report: Any, analyst: Any, beed_officer: Any, pune_officer: Any,
) -> None:
    beed = [make_report("IN-MH-BEED", status=ROUTED) for _ in range(8)]
    pune = [make_report("IN-MH-PUNE", status=ROUTED) for _ in range(3)]
    ids = [r.pk for r in [*beed, *pune]]
    _check("empty")
    cases_open(actor=analyst, report_ids=ids)
    _check("opened")
    cases_open(actor=analyst, report_ids=ids)
    _check("opened again (idempotent)")
    cases_mark_dispatched(actor=analyst, report_ids=ids[:6], packet_id=1)
    _check("dispatched")
    cases_mark_dispatched(actor=analyst, report_ids=ids[:8], packet_id=2)
    _check("dispatched again, some for the first time")
    cases_acknowledge(actor=analyst, report_ids=ids[:3])
    _check("acknowledged in bulk")
    case = {r.pk: Case.objects.get(report=r).pk for r in [*beed, *pune]}

    case_acknowledge(actor=beed_officer, case_id=case[beed[3].pk])
    _check("acknowledged one")
    case_enquiry_start(actor=beed_officer, case_id=case[beed[0].pk])
    _check("enquiry")
    sections = [LegalSection.objects.get(short="IT Act", section="67B").pk]
    today = timezone.localdate()
    for report in beed[:2]:
        case_fir_register(actor=beed_officer, case_id=case[report.pk], number="1/26",
                          registered_on=today, police_station="Beed", section_ids=sections)
        _check("FIR")
    case_fir_register(actor=beed_officer, case_id=case[beed[4].pk], number="2/26",
                      registered_on=today, police_station="Beed", section_ids=sections)
    _check("FIR straight from received (acknowledgement filled in)")
    arrest_add(actor=beed_officer, case_id=case[beed[0].pk], person="A", arrested_on=today)
    _check("arrest")
    case_chargesheet(actor=beed_officer, case_id=case[beed[0].pk], number="CS1", filed_on=today)
    _check("chargesheet")
    case_close(actor=beed_officer, case_id=case[beed[0].pk], reason=Case.Closure.DISPOSED)
    _check("closed: disposed")
    case_close(actor=beed_officer, case_id=case[beed[1].pk],
               reason=Case.Closure.CLOSURE_REPORT)
    _check("closed: closure report")
    case_close(actor=beed_officer, case_id=case[beed[5].pk], reason=Case.Closure.NO_INFORMATION)
    _check("closed: not pursued")
    case_close(actor=beed_officer, case_id=case[beed[6].pk], reason=Case.Closure.DUPLICATE,
               duplicate_of=Case.objects.get(pk=case[beed[7].pk]).reference)
    _check("closed: duplicate")
    with pytest.raises(RejectedInput):  # refused: nothing changes, nor does the tally
        case_close(actor=beed_officer, case_id=case[beed[5].pk],
                   reason=Case.Closure.NO_INFORMATION)
    _check("refused")
    report_clear(actor=analyst, report_id=beed[7].pk, note="not CSAM")
    _check("cleared by review (case closed)")
    fresh = make_report("IN-MH-BEED", status=ROUTED)
    report_clear(actor=analyst, report_id=fresh.pk, note="not CSAM")
    _check("cleared by review (case opened and closed)")

    # transfers: a case not started restarts where it went; one in enquiry keeps its status;
    # a closed one stays
    _move(pune[0], "IN-MH-BEED")  # dispatched and acknowledged: restarts
    _move(beed[0], "IN-MH-PUNE")  # closed: stays
    report_mid = beed[4]  # FIR: moves, keeps its status
    _move(report_mid, "IN-MH-PUNE")
    _move(pune[2], "IN-MH")  # back to the state
    cases_open(actor=analyst, report_ids=[pune[0].pk, beed[0].pk, report_mid.pk, pune[2].pk])
    _check("moved")
    assert Case.objects.get(report=report_mid).status == Case.Status.FIR
    assert Case.objects.get(report=beed[0]).unit.code == "IN-MH-BEED"

    # the funnel and the unit's count read the tally
    funnel = case_funnel(user=analyst)
    assert funnel.total.reports == Case.objects.count()
    assert funnel.total.firs == Case.objects.filter(fir__isnull=False).count()
    assert funnel.total.open == Case.objects.exclude(status=Case.Status.CLOSED).count()
    assert funnel.total.arrests == 1
    for unit in ("IN-MH-BEED", "IN-MH-PUNE", "IN-MH"):
        for status in (None, *Case.Status.values):
            assert case_count(user=analyst, unit=unit, status=status) == case_list(
                user=analyst, unit=unit, status=status).count(), (unit, status)
    assert case_count(user=pune_officer, unit="IN-MH-PUNE") == Case.objects.filter(
        unit__code="IN-MH-PUNE").count()
    assert case_count(user=pune_officer, unit="IN-MH-BEED") == 0  # not theirs

    # a rebuild gives the same tally
    before = _stored()
    CaseTally.objects.all().delete()
    cases_tally_rebuild()
    assert _stored() == before
