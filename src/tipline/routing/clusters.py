"""One unit per cluster: linked reports go to the unit with the strongest evidence.

Two units chasing the same suspect waste both their efforts, so a cluster's reports are
worked by one unit, its lead: among the units holding routed or dispatched members, the one
whose members' locations add up to the most confidence (then the most reports, then the
lowest code). Members still routed elsewhere move to the lead, and their former unit gets a
notice naming the report and the lead. Reports a person placed by hand, dispatched ones,
and those waiting in a queue (national or state) stay where they are.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import transaction

from tipline.accounts.types import Actor
from tipline.audit.services import audit_record
from tipline.core.bulk import insert_rows, update_rows
from tipline.intake.models import Report
from tipline.intake.services import StatusChange, reports_status_set
from tipline.jurisdictions.models import Jurisdiction
from tipline.jurisdictions.selectors import jurisdiction_tree
from tipline.routing.models import ClusterNotice, ManualAssignment, ReportCluster

UNIT_KINDS = (Jurisdiction.Kind.UNIT, Jurisdiction.Kind.DISTRICT)
HELD = (Report.Status.ROUTED, Report.Status.DISPATCHED)


@dataclass(frozen=True)
class Member:
    report_id: int
    node_id: int
    status: str
    confidence: float
    manual: bool


@dataclass(frozen=True)
class ClusterAssignment:
    clusters_led: int
    moved: list[int]  # report ids that followed their cluster's lead
    notices: int


def cluster_lead(members: list[Member]) -> int | None:
    """The node that leads a cluster, or None when no member sits at a unit."""
    tree = jurisdiction_tree()
    weight: dict[int, float] = defaultdict(float)
    count: dict[int, int] = defaultdict(int)
    for m in members:
        if m.status in HELD and tree.by_id[m.node_id].kind in UNIT_KINDS:
            weight[m.node_id] += m.confidence
            count[m.node_id] += 1
    if not weight:
        return None
    return min(weight, key=lambda n: (-round(weight[n], 6), -count[n], tree.by_id[n].code))


def _members() -> dict[int, list[Member]]:
    manual = set(ManualAssignment.objects.values_list("report_id", flat=True))
    clusters: dict[int, list[Member]] = defaultdict(list)
    rows = (ReportCluster.objects.order_by("cluster", "report_id")
            .values_list("cluster", "report_id", "report__jurisdiction_id", "report__status",
                         "report__location__confidence"))
    for cluster, report_id, node_id, status, confidence in rows.iterator(chunk_size=10_000):
        clusters[cluster].append(Member(report_id, node_id, status, confidence or 0.0,
                                        report_id in manual))
    return clusters


def clusters_assign(*, actor: Actor) -> ClusterAssignment:
    """Give every cluster its lead unit and move the members that should follow it."""
    tree = jurisdiction_tree()
    now = datetime.now(UTC)
    leads: list[tuple[Any, ...]] = []
    moves: list[tuple[Any, ...]] = []
    notices: list[tuple[Any, ...]] = []
    led = 0
    for cluster, members in _members().items():
        lead = cluster_lead(members)
        led += lead is not None
        for m in members:
            leads.append((lead, m.report_id))
            if (lead is None or m.node_id == lead or m.manual
                    or m.status != Report.Status.ROUTED
                    or tree.by_id[m.node_id].kind not in UNIT_KINDS):
                continue
            moves.append((lead, m.report_id))
            notices.append((m.node_id, m.report_id, cluster, lead, now))
    with transaction.atomic():
        update_rows(ReportCluster, ("lead",), leads)
        reports_status_set(changes=[StatusChange(rid, Report.Status.ROUTED, lead)
                                    for lead, rid in moves])
        already = set(ClusterNotice.objects.filter(
            report_id__in=[n[1] for n in notices]).values_list("unit_id", "report_id"))
        fresh = [n for n in notices if (n[0], n[1]) not in already]
        insert_rows(ClusterNotice, ("unit", "report", "cluster", "lead", "created_at"), fresh)
        if moves:
            audit_record(actor=actor, action="clusters.assigned", data={
                "moved": [{"report": rid, "to": tree.by_id[lead].code} for lead, rid in moves]})
    return ClusterAssignment(led, [rid for _, rid in moves], len(fresh))
