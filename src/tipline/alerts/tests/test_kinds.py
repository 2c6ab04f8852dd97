"""Each kind of notification comes from what happened below: a packet, a transfer, a
cluster's lead, notices due and SOP steps overdue (the sweep, once a day per unit)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tipline.alerts.models import Kind, Notification
from tipline.alerts.services import alerts_sweep, cluster_leads_changed
from tipline.cases.models import Case
from tipline.cases.services import cases_open, notice_add
from tipline.dispatch.services import packet_build
from tipline.intake.models import Report
from tipline.routing.services import report_transfer

pytestmark = pytest.mark.django_db


def _texts(user: Any, kind: str) -> list[str]:
    return list(Notification.objects.filter(recipient=user, kind=kind)
                .order_by("pk").values_list("text", flat=True))


def test_a_packet_and_a_transfer_tell_the_receiving_unit_only(
    analyst: Any, beed_officer: Any, pune_officer: Any, mh_nodal: Any, make_report: Any,
) -> None:
    make_report("IN-MH-BEED", status=Report.Status.ROUTED)
    packet_build(actor=analyst, target_code="IN-MH-BEED")
    assert _texts(beed_officer, Kind.PACKET) == [
        "A new packet of 1 report for Beed is waiting for you to download and acknowledge."]
    assert _texts(pune_officer, Kind.PACKET) == []
    assert _texts(mh_nodal, Kind.PACKET) == []  # a unit's packet: the unit's officers

    moved = make_report("IN-MH-BEED", status=Report.Status.ROUTED)
    report_transfer(actor=mh_nodal, report_id=moved.pk, to_code="IN-MH-PUNE",
                    reason="the address is in Pune")
    assert _texts(pune_officer, Kind.TRANSFER) == [
        f"Report {moved.reference} was transferred to Pune from Beed."]
    assert _texts(beed_officer, Kind.TRANSFER) == []


def test_a_cluster_lead_change_tells_the_lead(beed_officer: Any, pune_officer: Any) -> None:
    from django.db import transaction

    with transaction.atomic():
        cluster_leads_changed(moved=[{"report": 7, "to": "IN-MH-PUNE"},
                                     {"report": 5, "to": "IN-MH-PUNE"}])
    assert _texts(pune_officer, Kind.CLUSTER_LEAD) == [
        "Pune now leads the enquiry of 2 linked reports moved from other units (first: "
        "report TL-00000005)."]
    assert _texts(beed_officer, Kind.CLUSTER_LEAD) == []


def test_the_sweep_tells_a_unit_of_due_notices_and_overdue_steps_once_a_day(
    beed_officer: Any, pune_officer: Any, make_report: Any,
) -> None:
    report = make_report("IN-MH-BEED", status=Report.Status.ROUTED)
    cases_open(actor=None, report_ids=[report.pk])
    case = Case.objects.get(report=report)
    today = timezone.localdate()
    notice_add(actor=beed_officer, case_id=case.pk, recipient_kind="platform",
               recipient="ExampleChat", sent_on=today, due_on=today + timedelta(days=1))
    notice_add(actor=beed_officer, case_id=case.pk, recipient_kind="platform",
               recipient="ExampleChat", sent_on=today, due_on=today + timedelta(days=20))
    steps = case.checklist.count()
    assert steps > 0
    # now: one notice due by tomorrow, no step overdue yet
    found = alerts_sweep(now=timezone.now())
    assert (found.notices_due, found.steps_overdue) == (1, 0)
    assert _texts(beed_officer, Kind.NOTICE_DUE) == [
        "1 notice of Beed's cases is due by tomorrow without a reply."]
    # again the same day: not told twice
    alerts_sweep(now=timezone.now())
    assert len(_texts(beed_officer, Kind.NOTICE_DUE)) == 1
    # a year on: every step overdue, both notices
    later = timezone.now() + timedelta(days=365)
    found = alerts_sweep(now=later)
    assert (found.notices_due, found.steps_overdue) == (2, steps)
    assert _texts(beed_officer, Kind.SOP_OVERDUE) == [
        f"{steps} SOP steps of Beed's open cases are overdue."]
    assert _texts(pune_officer, Kind.SOP_OVERDUE) == []


def test_a_cluster_lead_change_tells_the_unit_the_reports_left(
    beed_officer: Any, pune_officer: Any,
) -> None:
    """The unit whose reports moved to the cluster's lead is told who leads it now (no link:
    the reports are no longer its own)."""
    from django.db import transaction

    with transaction.atomic():
        cluster_leads_changed(moved=[{"report": 7, "to": "IN-MH-PUNE", "from": "IN-MH-BEED"},
                                     {"report": 5, "to": "IN-MH-PUNE", "from": "IN-MH-BEED"}])
    assert _texts(beed_officer, Kind.CLUSTER_LEAD) == [
        "2 linked reports of Beed moved to Pune: their cluster is now led by Pune (first: "
        "report TL-00000005)."]
    assert Notification.objects.get(recipient=beed_officer).link == ""
    assert len(_texts(pune_officer, Kind.CLUSTER_LEAD)) == 1


def test_routing_a_cluster_tells_the_unit_its_report_left(
    analyst: Any, beed_officer: Any, pune_officer: Any, make_report: Any,
) -> None:
    """clusters.assigned names the unit each report left, and that unit is told."""
    from tipline.audit.models import AuditEvent
    from tipline.routing.clusters import clusters_assign
    from tipline.routing.models import ReportCluster

    reports = [make_report(code, status=Report.Status.ROUTED)
               for code in ("IN-MH-PUNE", "IN-MH-PUNE", "IN-MH-BEED")]
    ReportCluster.objects.bulk_create([ReportCluster(cluster=1, report=r) for r in reports])
    clusters_assign(actor=analyst)
    moved = AuditEvent.objects.get(action="clusters.assigned").data["moved"]
    assert moved == [{"report": reports[2].pk, "to": "IN-MH-PUNE", "from": "IN-MH-BEED"}]
    assert _texts(beed_officer, Kind.CLUSTER_LEAD) == [
        f"1 linked report of Beed moved to Pune: its cluster is now led by Pune (first: "
        f"report {reports[2].reference})."]
    assert len(_texts(pune_officer, Kind.CLUSTER_LEAD)) == 1


def test_the_sweep_deletes_old_notifications_and_audits_the_count(
    settings: Any, beed_officer: Any,
) -> None:
    from tipline.audit.models import AuditEvent

    settings.ALERTS_KEEP_DAYS = 90
    now = timezone.now()

    def note(days: int, read: bool) -> Notification:
        made = now - timedelta(days=days)
        return Notification.objects.create(recipient=beed_officer, kind=Kind.PACKET, text="x",
                                           created=made, read_at=made if read else None)

    kept = [note(89, True), note(364, False), note(1, False)]
    note(91, True)
    note(400, True)
    note(366, False)
    assert alerts_sweep(now=now).deleted == 3
    assert sorted(Notification.objects.values_list("pk", flat=True)) == sorted(
        n.pk for n in kept)
    event = AuditEvent.objects.get(action="notifications.pruned")
    assert event.data == {"deleted": 3, "keep_days": 90}
    assert alerts_sweep(now=now).deleted == 0
    assert AuditEvent.objects.filter(action="notifications.pruned").count() == 1
