"""One unit per cluster: the unit with the strongest evidence leads, routed members follow
it, the units they left are told; hand-placed, dispatched and queued reports stay."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tipline.accounts.services import system_user
from tipline.audit.models import AuditEvent
from tipline.cases.models import Case
from tipline.geo.models import ReportLocation
from tipline.intake.models import Identifier, Report
from tipline.jurisdictions.models import Jurisdiction
from tipline.routing.clusters import clusters_assign
from tipline.routing.linking import clusters_rebuild
from tipline.routing.models import ClusterNotice, ManualAssignment, ReportCluster
from tipline.routing.services import report_transfer

pytestmark = pytest.mark.django_db


def routed(make_report: Any, node: str, confidence: float, email: str,
           status: str = Report.Status.ROUTED) -> Report:
    report = make_report(node, status=status)
    ReportLocation.objects.create(report=report, country="IN", confidence=confidence,
                                  resolved_at=datetime.now(UTC))
    Identifier.objects.create(report=report, kind="email", value=email, origin="suspect.email")
    return report


def node_of(report: Report) -> str:
    report.refresh_from_db()
    return report.jurisdiction.code


def test_strongest_unit_leads_and_the_others_are_told(make_report: Any) -> None:
    beed1 = routed(make_report, "IN-MH-BEED", 0.9, "x@example.in")
    beed2 = routed(make_report, "IN-MH-BEED", 0.8, "x@example.in")
    pune = routed(make_report, "IN-MH-CP-PUNE", 0.95, "x@example.in")
    alone = routed(make_report, "IN-MH-CP-PUNE", 0.9, "y@example.in")
    actor = system_user("router")
    clusters_rebuild(actor=actor)
    result = clusters_assign(actor=actor)
    assert result.clusters_led == 1 and result.moved == [pune.pk] and result.notices == 1
    assert node_of(pune) == node_of(beed1) == node_of(beed2) == "IN-MH-BEED"
    assert node_of(alone) == "IN-MH-CP-PUNE"
    lead = Jurisdiction.objects.get(code="IN-MH-BEED")
    assert set(ReportCluster.objects.values_list("lead", flat=True)) == {lead.pk}
    notice = ClusterNotice.objects.get()
    assert (notice.unit.code, notice.report_id, notice.lead_id) == ("IN-MH-CP-PUNE", pune.pk,
                                                                    lead.pk)
    assert AuditEvent.objects.filter(action="clusters.assigned").count() == 1
    # running again changes nothing and tells nobody twice
    again = clusters_assign(actor=actor)
    assert again.moved == [] and again.notices == 0 and ClusterNotice.objects.count() == 1


def test_hand_placed_dispatched_and_queued_reports_stay(make_report: Any, hub_admin: Any
                                                        ) -> None:
    lead1 = routed(make_report, "IN-MH-BEED", 0.9, "z@example.in")
    lead2 = routed(make_report, "IN-MH-BEED", 0.9, "z@example.in")
    by_hand = routed(make_report, "IN-MH-CP-THANE", 0.5, "z@example.in")
    sent = routed(make_report, "IN-MH-CP-MUMBAI", 0.5, "z@example.in",
                  status=Report.Status.DISPATCHED)
    queued = routed(make_report, "IN", 0.9, "z@example.in", status=Report.Status.NEW)
    report_transfer(actor=hub_admin, report_id=by_hand.pk, to_code="IN-MH-CP-PUNE",
                    reason="the suspect lives in Pune, says the caller")
    assert ManualAssignment.objects.get(report=by_hand).by == hub_admin
    actor = system_user("router")
    clusters_rebuild(actor=actor)
    result = clusters_assign(actor=actor)
    assert result.moved == []
    assert [node_of(r) for r in (lead1, lead2, by_hand, sent, queued)] == [
        "IN-MH-BEED", "IN-MH-BEED", "IN-MH-CP-PUNE", "IN-MH-CP-MUMBAI", "IN"]


def test_a_cluster_with_no_member_at_a_unit_has_no_lead(make_report: Any) -> None:
    routed(make_report, "IN", 0.9, "q@example.in", status=Report.Status.NEW)
    routed(make_report, "IN-MH", 0.5, "q@example.in", status=Report.Status.NEW)
    actor = system_user("router")
    clusters_rebuild(actor=actor)
    assert clusters_assign(actor=actor).clusters_led == 0
    assert set(ReportCluster.objects.values_list("lead", flat=True)) == {None}


def test_transfer_moves_the_case(make_report: Any, hub_admin: Any) -> None:
    from tipline.cases.services import cases_open

    report = routed(make_report, "IN-MH-BEED", 0.9, "c@example.in")
    cases_open(actor=hub_admin, report_ids=[report.pk])
    report_transfer(actor=hub_admin, report_id=report.pk, to_code="IN-MH-CP-MUMBAI",
                    reason="the suspect moved to Mumbai")
    assert Case.objects.get(report=report).unit.code == "IN-MH-CP-MUMBAI"


def _assigned() -> tuple[Any, ...]:
    return (sorted(Report.objects.values_list("id", "jurisdiction_id", "status")),
            sorted(ReportCluster.objects.values_list("report_id", "cluster", "lead_id")),
            sorted(ClusterNotice.objects.values_list("unit_id", "report_id", "cluster",
                                                     "lead_id")))


def test_assigning_the_clusters_new_reports_touch_equals_a_full_pass(make_report: Any) -> None:
    """New reports join one cluster (and take its lead elsewhere) and start another; assigning
    only the clusters relinking rewrote leaves what a full pass over every cluster would."""
    from tipline.routing.linking import clusters_relink

    actor = system_user("router")
    pune1 = routed(make_report, "IN-MH-CP-PUNE", 0.6, "a@example.in")
    pune2 = routed(make_report, "IN-MH-CP-PUNE", 0.5, "a@example.in")
    for email in ("b@example.in", "b@example.in", "c@example.in", "c@example.in"):
        routed(make_report, "IN-MH-CP-THANE", 0.7, email)
    clusters_rebuild(actor=actor)
    clusters_assign(actor=actor)
    new = [routed(make_report, "IN-MH-BEED", 0.9, "a@example.in"),
           routed(make_report, "IN-MH-BEED", 0.9, "a@example.in"),
           routed(make_report, "IN-MH-BEED", 0.4, "d@example.in"),
           routed(make_report, "IN-MH-CP-PUNE", 0.4, "d@example.in")]
    _, _, touched = clusters_relink(report_ids=[r.pk for r in new], actor=actor)
    assert touched is not None and pune1.pk in touched  # relinked, not rebuilt
    assert len(touched) == 6  # the two clusters the new reports are in, and no other
    result = clusters_assign(actor=actor, report_ids=touched)
    assert sorted(result.moved) == sorted([pune1.pk, pune2.pk, new[3].pk])
    assert node_of(pune1) == node_of(pune2) == "IN-MH-BEED"
    incremental = _assigned()
    full = clusters_assign(actor=actor)
    assert full.moved == [] and full.notices == 0
    assert _assigned() == incremental
