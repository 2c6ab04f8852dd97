"""The demo's case progress (demo/steps/cases.py): FIRs and arrests in Maharashtra, not pursued
elsewhere."""

from __future__ import annotations

import random
from typing import Any

import pytest

from tipline.cases.models import Arrest, Case, Notice
from tipline.cases.selectors import case_funnel
from tipline.cases.services import cases_mark_dispatched, cases_open
from tipline.demo.steps.cases import cases_demo_progress, cases_demo_summary
from tipline.intake.models import Report

pytestmark = pytest.mark.django_db


def test_demo_progress_moves_cases_through_the_services(
    make_report: Any, hub_admin: Any,
) -> None:
    ids = [make_report(node, status=Report.Status.ROUTED).pk
           for node in ["IN-MH-PUNE"] * 40 + ["IN-MH-BEED"] * 20
           + ["IN-KA-BENGALURU-URBAN"] * 40]
    cases_open(actor=hub_admin, report_ids=ids)
    cases_mark_dispatched(actor=hub_admin, report_ids=ids, packet_id=1)
    counts = cases_demo_progress(actor=hub_admin, rng=random.Random(4))

    assert counts["acknowledged"] == Case.objects.exclude(acknowledged_at=None).count() > 50
    assert counts["firs"] >= 1
    firs = Case.objects.filter(fir__isnull=False)
    assert {c.unit.code[:5] for c in firs} == {"IN-MH"}  # FIRs in Maharashtra
    assert counts.get("arrests", 0) == Arrest.objects.count()
    assert counts["notices"] == Notice.objects.count() > 0
    not_pursued = sum(v for k, v in counts.items() if k.startswith("not_pursued_"))
    assert not_pursued == Case.objects.filter(closure_reason__in=Case.NOT_PURSUED).count() > 0
    total = case_funnel(user=hub_admin).total
    assert (total.reports, total.firs, total.arrests) == (
        100, firs.count(), Arrest.objects.count())


def test_demo_summary_names_what_moved_in_order() -> None:
    counts = {"acknowledged": 0, "enquiries": 2, "firs": 1, "not_pursued_duplicate": 3}
    assert cases_demo_summary(counts) == (
        "cases moved along: enquiries 2, firs 1, not_pursued_duplicate 3")
