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
from collections.abc import Collection, Iterator
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
from tipline.routing.models import ClusterNotice, ReportCluster

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


_IN = 500  # values per IN (...) list


def _chunks(values: Collection[int]) -> Iterator[list[int]]:
    items = sorted(values)
    for start in range(0, len(items), _IN):
        yield items[start:start + _IN]


def _members(report_ids: Collection[int] | None = None) -> dict[int, list[Member]]:
    """Members per cluster: of every cluster, or of the clusters holding these reports."""
    rows = ReportCluster.objects.values_list(
        "cluster", "report_id", "report__jurisdiction_id", "report__status",
        "report__location__confidence", "report__manual_assignment")
    if report_ids is None:
        queries = [rows.order_by("cluster", "report_id")]
    else:
        touched: set[int] = set()
        for chunk in _chunks(report_ids):
            touched.update(ReportCluster.objects.filter(report_id__in=chunk)
                           .values_list("cluster", flat=True))
        queries = [rows.filter(cluster__in=chunk).order_by("cluster", "report_id")
                   for chunk in _chunks(touched)]
    clusters: dict[int, list[Member]] = defaultdict(list)
    for query in queries:
        for cluster, report_id, node_id, status, confidence, manual in query.iterator(
                chunk_size=10_000):
            clusters[cluster].append(Member(report_id, node_id, status, confidence or 0.0,
                                            manual is not None))
    return clusters


def clusters_assign(*, actor: Actor,
                    report_ids: Collection[int] | None = None) -> ClusterAssignment:
    """Give every cluster its lead unit and move the members that should follow it; with
    `report_ids`, only the clusters holding those reports (routing passes the reports whose
    clusters linking rewrote, the new ones among them: every other cluster is as the last
    pass left it, so the result is a full pass's)."""
    tree = jurisdiction_tree()
    now = datetime.now(UTC)
    leads: list[tuple[Any, ...]] = []
    moves: list[tuple[Any, ...]] = []
    notices: list[tuple[Any, ...]] = []
    left: dict[int, int] = {}  # a moved report -> the unit it left
    led = 0
    for cluster, members in _members(report_ids).items():
        lead = cluster_lead(members)
        led += lead is not None
        for m in members:
            leads.append((lead, m.report_id))
            if (lead is None or m.node_id == lead or m.manual
                    or m.status != Report.Status.ROUTED
                    or tree.by_id[m.node_id].kind not in UNIT_KINDS):
                continue
            moves.append((lead, m.report_id))
            left[m.report_id] = m.node_id
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
                "moved": [{"report": rid, "to": tree.by_id[lead].code,
                           "from": tree.by_id[left[rid]].code} for lead, rid in moves]})
    return ClusterAssignment(led, [rid for _, rid in moves], len(fresh))
