"""A small spread of cases in several units and stages, built through the services."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from tipline.accounts.services import grant_add, user_create
from tipline.cases.models import Case, LegalSection
from tipline.cases.services import (
    arrest_add,
    case_chargesheet,
    case_close,
    case_fir_register,
    cases_acknowledge,
    cases_mark_dispatched,
    cases_open,
    notice_add,
)
from tipline.intake.models import Report

UNITS = ("IN-MH-BEED", "IN-MH-PUNE", "IN-KA-BENGALURU-URBAN")


def officer(code: str) -> Any:
    from tipline.accounts.models import User

    existing = User.objects.filter(username=f"officer-{code.lower()}").first()
    if existing is not None:
        return existing
    user = user_create(actor=None, username=f"officer-{code.lower()}", password=None)
    grant_add(actor=None, user=user, role_code="unit_officer", jurisdiction_code=code)
    return user


def build(make_report: Any, *, per_unit: int = 6) -> list[Case]:
    """per_unit cases in each unit: all dispatched, some acknowledged, FIRs, arrests,
    a chargesheet, closures, and an overdue notice."""
    today = timezone.localdate()
    section = LegalSection.objects.get(short="IT Act", section="67B").pk
    cases: list[Case] = []
    for code in UNITS:
        actor = officer(code)
        reports = [make_report(code, status=Report.Status.ROUTED) for _ in range(per_unit)]
        ids = [r.pk for r in reports]
        cases_open(actor=None, report_ids=ids)
        cases_mark_dispatched(actor=None, report_ids=ids[:-1], packet_id=1)
        cases_acknowledge(actor=actor, report_ids=ids[:-2])
        unit_cases = list(Case.objects.filter(report_id__in=ids).order_by("report_id"))
        first, second, third, fourth = unit_cases[:4]
        for n, case in enumerate((first, second)):
            case_fir_register(actor=actor, case_id=case.pk, number=f"{n}/{code}",
                              registered_on=today, police_station="PS", section_ids=[section])
        arrest_add(actor=actor, case_id=first.pk, person="A", arrested_on=today)
        arrest_add(actor=actor, case_id=first.pk, person="B", arrested_on=today)
        case_chargesheet(actor=actor, case_id=first.pk, number="CS", filed_on=today)
        case_close(actor=actor, case_id=third.pk, reason=Case.Closure.FALSE_POSITIVE)
        case_close(actor=actor, case_id=fourth.pk, reason=Case.Closure.DUPLICATE,
                   duplicate_of=second.reference)
        notice_add(actor=actor, case_id=second.pk, recipient_kind="isp", recipient="ISP",
                   sent_on=today - timedelta(days=10), due_on=today - timedelta(days=3))
        notice_add(actor=actor, case_id=second.pk, recipient_kind="platform", recipient="P",
                   sent_on=today, due_on=today + timedelta(days=7))
        cases.extend(unit_cases)
    return cases
