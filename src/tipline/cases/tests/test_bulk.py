"""Opening cases for routed reports, marking them dispatched and acknowledged (the bulk API)."""

from __future__ import annotations

from typing import Any

import pytest

from tipline.audit.models import AuditEvent
from tipline.cases.models import Case, ChecklistItem
from tipline.cases.reference import SOP_STEPS
from tipline.cases.services import cases_acknowledge, cases_mark_dispatched, cases_open
from tipline.intake.models import Report
from tipline.jurisdictions.models import Jurisdiction

pytestmark = pytest.mark.django_db

ROUTED = Report.Status.ROUTED


def test_open_creates_one_case_per_routed_report_at_its_unit(
    make_report: Any, analyst: Any,
) -> None:
    beed = [make_report("IN-MH-BEED", status=ROUTED) for _ in range(3)]
    pune = make_report("IN-MH-PUNE", status=ROUTED)
    unrouted = make_report("IN-MH-BEED")  # status new
    at_state = make_report("IN-MH", status=ROUTED)  # a state is not a unit
    ids = [r.pk for r in [*beed, pune, unrouted, at_state]]

    assert cases_open(actor=analyst, report_ids=ids) == 4
    cases = {c.report_id: c for c in Case.objects.select_related("unit")}
    assert set(cases) == {r.pk for r in [*beed, pune]}
    assert {cases[r.pk].unit.code for r in beed} == {"IN-MH-BEED"}
    assert cases[pune.pk].unit.code == "IN-MH-PUNE"
    assert all(c.status == Case.Status.RECEIVED for c in cases.values())
    # each case gets the SOP checklist, due after its opening
    items = ChecklistItem.objects.filter(case=cases[pune.pk]).order_by("position")
    assert [i.step for i in items] == [s for s, _, _ in SOP_STEPS]
    assert all(i.due_at > cases[pune.pk].opened_at for i in items)
    assert AuditEvent.objects.filter(action="case.opened").count() == 4

    # idempotent
    assert cases_open(actor=analyst, report_ids=ids) == 0
    assert Case.objects.count() == 4
    assert ChecklistItem.objects.count() == 4 * len(SOP_STEPS)


def test_a_transferred_report_takes_its_case_along(make_report: Any, analyst: Any) -> None:
    report = make_report("IN-MH-BEED", status=ROUTED)
    cases_open(actor=analyst, report_ids=[report.pk])
    cases_mark_dispatched(actor=analyst, report_ids=[report.pk], packet_id=7)
    report.jurisdiction = Jurisdiction.objects.get(code="IN-MH-PUNE")
    report.save(update_fields=["jurisdiction"])

    assert cases_open(actor=analyst, report_ids=[report.pk]) == 1
    case = Case.objects.get(report=report)
    assert case.unit.code == "IN-MH-PUNE"
    assert case.status == Case.Status.RECEIVED
    assert case.dispatched_at is None  # Pune has not been sent it yet
    event = AuditEvent.objects.get(action="case.transferred")
    assert event.data["from"] == "IN-MH-BEED" and event.data["to"] == "IN-MH-PUNE"
    assert Case.objects.count() == 1  # moved, not closed and reopened


def test_a_report_sent_back_to_its_state_takes_its_case_out_of_the_unit(
    make_report: Any, analyst: Any, beed_officer: Any, mh_nodal: Any,
) -> None:
    from tipline.accounts.policies import scoped
    from tipline.routing.services import report_transfer

    report = make_report("IN-MH-BEED", status=ROUTED)
    cases_open(actor=analyst, report_ids=[report.pk])
    report_transfer(actor=analyst, report_id=report.pk, to_code="IN-MH",
                    reason="not Beed: the address is in another state's district")
    cases_open(actor=analyst, report_ids=[report.pk])  # what routing does after a transfer
    case = Case.objects.get(report=report)
    assert case.unit.code == "IN-MH" and case.status == Case.Status.RECEIVED
    assert not scoped(Case.objects.all(), user=beed_officer, action="report.view").exists()
    assert scoped(Case.objects.all(), user=mh_nodal, action="report.view").get() == case


def test_dispatch_then_acknowledge(make_report: Any, analyst: Any, beed_officer: Any) -> None:
    reports = [make_report("IN-MH-BEED", status=ROUTED) for _ in range(4)]
    ids = [r.pk for r in reports]
    cases_open(actor=analyst, report_ids=ids)

    assert cases_mark_dispatched(actor=analyst, report_ids=ids[:3], packet_id=42) == 3
    assert Case.objects.filter(packet_id=42, dispatched_at__isnull=False).count() == 3

    assert cases_acknowledge(actor=beed_officer, report_ids=ids[:2]) == 2
    assert cases_acknowledge(actor=beed_officer, report_ids=ids[:2]) == 0  # already done
    acknowledged = Case.objects.filter(status=Case.Status.ACKNOWLEDGED)
    assert set(acknowledged.values_list("report_id", flat=True)) == set(ids[:2])
    assert all(c.acknowledged_at for c in acknowledged)
    assert AuditEvent.objects.filter(action="case.acknowledged").count() == 2


def test_open_in_bulk_spans_chunks(make_report: Any, analyst: Any) -> None:
    beed = Jurisdiction.objects.get(code="IN-MH-BEED")
    first = make_report("IN-MH-BEED", status=ROUTED)
    Report.objects.bulk_create([
        Report(source=first.source, external_id=f"B{i}", content_sha256=f"{i:064x}",
               imported_at=first.imported_at, jurisdiction=beed, status=ROUTED)
        for i in range(2000)
    ])
    ids = list(Report.objects.values_list("id", flat=True))
    assert cases_open(actor=analyst, report_ids=ids) == 2001
    assert Case.objects.count() == 2001
    assert cases_mark_dispatched(actor=analyst, report_ids=ids, packet_id=1) == 2001
