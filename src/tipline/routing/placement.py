"""Resolving stored reports and placing each where it belongs (the first step of routing).

A report whose clues agree goes to the unit (today: the district's node) they point at, or
to its state when no district is known; a report with conflicting, foreign or no clues goes
to the national queue (the root node) for a person to decide. Linking, routing rules and
manual transfers build on this.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime

from django.db import transaction

from tipline.accounts.types import Actor
from tipline.audit.services import audit_record
from tipline.core.progress import NullProgress, Progress
from tipline.geo.resolution import Resolution
from tipline.geo.selectors import reports_resolve
from tipline.geo.services import locations_save
from tipline.intake.models import Report
from tipline.intake.services import StatusChange, reports_status_set
from tipline.jurisdictions.selectors import jurisdiction_tree


def placement(result: Resolution) -> tuple[int, str]:
    """(jurisdiction node id, outcome) for a resolution."""
    tree = jurisdiction_tree()
    if result.conflict:
        return tree.root.id, "conflict"
    if result.country is None:
        return tree.root.id, "unknown"
    if result.foreign:
        return tree.root.id, "foreign"
    if result.unit and result.unit in tree.by_code:
        node = tree.by_code[result.unit]
        return node.id, "unit" if node.kind != "state" else "state"
    if result.state and f"IN-{result.state}" in tree.by_code:
        return tree.by_code[f"IN-{result.state}"].id, "state"
    return tree.root.id, "unknown"


def reports_route(*, report_ids: Sequence[int], actor: Actor) -> Counter[str]:
    """Resolve and place the given reports, in one transaction with its audit event."""
    resolutions = reports_resolve(report_ids=report_ids)
    outcomes: Counter[str] = Counter()
    placements: list[StatusChange] = []
    for rid, result in resolutions.items():
        node_id, outcome = placement(result)
        outcomes[outcome] += 1
        status = Report.Status.ROUTED if outcome == "unit" else Report.Status.NEW
        placements.append(StatusChange(rid, status.value, node_id))
    with transaction.atomic():
        locations_save(resolutions=resolutions, at=datetime.now(UTC))
        reports_status_set(changes=placements)
        audit_record(actor=actor, action="reports.routed", data={
            "reports": list(report_ids), "outcomes": dict(outcomes)})
    return outcomes


def reports_route_pending(*, actor: Actor, progress: Progress | None = None,
                          chunk: int = 500) -> tuple[list[int], Counter[str]]:
    """Route every current report not yet routed, a chunk per transaction; returns their
    ids and the outcomes."""
    ids = unrouted_report_ids()
    progress = progress or NullProgress()
    total: Counter[str] = Counter()
    for start in range(0, len(ids), chunk):
        total += reports_route(report_ids=ids[start:start + chunk], actor=actor)
        progress.update(done=min(start + chunk, len(ids)), total=len(ids))
    return ids, total


def outcome_summary(count: int, outcomes: Counter[str]) -> str:
    queued = outcomes["conflict"] + outcomes["foreign"] + outcomes["unknown"]
    return (f"routed {count} reports: to a unit {outcomes['unit']}, to a state "
            f"{outcomes['state']}, national queue {queued} (conflicting {outcomes['conflict']}, "
            f"foreign {outcomes['foreign']}, unknown {outcomes['unknown']})")


def unrouted_report_ids() -> list[int]:
    """Current reports that have never been resolved, except those already closed (a
    reviewer found the media was not CSAM before the report was routed: nobody is sent it)."""
    return list(Report.objects.filter(is_current=True, location__isnull=True)
                .exclude(status=Report.Status.CLOSED)
                .order_by("id").values_list("id", flat=True))
