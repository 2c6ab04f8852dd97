"""Resolving stored reports and placing each where it belongs (the first step of routing).

A report whose clues agree goes to the unit (today: the district's node) they point at, or
to its state when no district is known; a report with conflicting, foreign or no clues goes
to the national queue (the root node) for a person to decide. Linking, routing rules and
manual transfers build on this.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime

from django.db import transaction
from django.db.models import QuerySet

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


def reports_route_chunks(
    *, actor: Actor, chunk: int = 500,
) -> Iterator[tuple[list[int], Counter[str]]]:
    """Route every current report not yet routed, a chunk per transaction, yielding each
    chunk's ids and outcomes; ids are read a chunk at a time (by id, after the last one),
    so memory does not grow with the number of reports."""
    after = 0
    while ids := unrouted_report_ids(after=after, limit=chunk):
        yield ids, reports_route(report_ids=ids, actor=actor)
        after = ids[-1]


def reports_route_pending(*, actor: Actor, progress: Progress | None = None,
                          chunk: int = 500) -> tuple[int, Counter[str]]:
    """Route every current report not yet routed, a chunk per transaction; returns how many
    and the outcomes."""
    progress = progress or NullProgress()
    total_reports = unrouted_report_count()
    done = 0
    total: Counter[str] = Counter()
    for ids, outcomes in reports_route_chunks(actor=actor, chunk=chunk):
        done += len(ids)
        total += outcomes
        progress.update(done=done, total=max(done, total_reports))
    return done, total


def outcome_summary(count: int, outcomes: Counter[str]) -> str:
    queued = outcomes["conflict"] + outcomes["foreign"] + outcomes["unknown"]
    return (f"routed {count} reports: to a unit {outcomes['unit']}, to a state "
            f"{outcomes['state']}, national queue {queued} (conflicting {outcomes['conflict']}, "
            f"foreign {outcomes['foreign']}, unknown {outcomes['unknown']})")


def _unrouted() -> QuerySet[Report]:
    """Current reports that have never been resolved, except those already closed (a
    reviewer found the media was not CSAM before the report was routed: nobody is sent it)."""
    return (Report.objects.filter(is_current=True, location__isnull=True)
            .exclude(status=Report.Status.CLOSED))


def unrouted_report_ids(*, after: int = 0, limit: int | None = None) -> list[int]:
    """Ids of unrouted reports (see `_unrouted`) above `after`, in order, at most `limit`."""
    qs = _unrouted().filter(id__gt=after).order_by("id").values_list("id", flat=True)
    return list(qs[:limit] if limit is not None else qs)


def unrouted_report_count() -> int:
    return _unrouted().count()


def closed_unrouted_report_ids() -> list[int]:
    """Current reports closed before they were routed (a reviewer cleared them): never
    routed, yet linked like every current report."""
    return list(Report.objects.filter(is_current=True, location__isnull=True,
                                      status=Report.Status.CLOSED)
                .order_by("id").values_list("id", flat=True))
