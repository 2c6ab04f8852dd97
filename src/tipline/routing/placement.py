"""Resolving stored reports and placing each where it belongs (the first step of routing).

A report whose clues agree goes to the unit (today: the district's node) they point at, or
to its state when no district is known; a report with conflicting, foreign or no clues goes
to the national queue (the root node) for a person to decide. Linking, routing rules and
manual transfers build on this.
"""

from __future__ import annotations

import os
import resource
from collections import Counter, deque
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from multiprocessing.pool import AsyncResult

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet

from tipline.accounts.types import Actor
from tipline.audit.services import audit_record
from tipline.core import processes as helpers
from tipline.core.progress import NullProgress, Progress
from tipline.geo.resolution import Resolution
from tipline.geo.selectors import reports_resolve
from tipline.geo.services import LocationRow, location_row, locations_write
from tipline.intake.models import Report, Submission
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


#: one report resolved and placed: (location row, jurisdiction node id, outcome)
Placed = tuple[LocationRow, int, str]


def reports_place(*, report_ids: Sequence[int]) -> list[Placed]:
    """Resolve the given reports and say where each goes, writing nothing (a helper process
    runs this for a chunk while routing writes the one before)."""
    return [(location_row(rid, result), *placement(result))
            for rid, result in reports_resolve(report_ids=report_ids).items()]


def _placed_save(*, report_ids: Sequence[int], placed: Sequence[Placed],
                 actor: Actor) -> Counter[str]:
    """Store the placements of one chunk, in one transaction with its audit event."""
    outcomes: Counter[str] = Counter()
    changes: list[StatusChange] = []
    for row, node_id, outcome in placed:
        outcomes[outcome] += 1
        status = Report.Status.ROUTED if outcome == "unit" else Report.Status.NEW
        changes.append(StatusChange(row[0], status.value, node_id))
    with transaction.atomic():
        locations_write(rows=[row for row, _, _ in placed], at=datetime.now(UTC))
        reports_status_set(changes=changes)
        audit_record(actor=actor, action="reports.routed", data={
            "reports": list(report_ids), "outcomes": dict(outcomes)})
    return outcomes


def reports_route(*, report_ids: Sequence[int], actor: Actor) -> Counter[str]:
    """Resolve and place the given reports, in one transaction with its audit event."""
    return _placed_save(report_ids=report_ids, placed=reports_place(report_ids=report_ids),
                        actor=actor)


def route_processes() -> int:
    """How many helper processes resolve chunks (ROUTE_PROCESSES; 0 = one per core), or 0
    to resolve in the routing process itself: also when the helpers could not read what
    this process sees (an in-memory SQLite database, or rows not yet committed)."""
    wanted = int(settings.ROUTE_PROCESSES)
    processes = wanted if wanted > 0 else (os.cpu_count() or 1)
    if processes <= 1 or connection.in_atomic_block:
        return 0
    if connection.vendor == "sqlite" and connection.is_in_memory_db():  # type: ignore[attr-defined]
        return 0
    return processes


#: the largest peak memory (MB) a helper process reported, for the benchmark
helper_peak_mb = 0.0


def _helper_place(report_ids: list[int]) -> tuple[list[Placed], float]:
    """In a helper process: `reports_place` for a chunk, and the helper's peak memory."""
    placed = reports_place(report_ids=report_ids)
    return placed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reports_route_chunks(
    *, actor: Actor, chunk: int = 500, processes: int | None = None,
) -> Iterator[tuple[list[int], Counter[str]]]:
    """Route every current report not yet routed, a chunk per transaction (in id order, so
    an interrupted run resumes after the last chunk stored), yielding each chunk's ids and
    outcomes; ids are read twenty chunks at a time (by id, after the last one), so memory
    does not grow with the number of reports. With helper processes (`route_processes`), they
    resolve the next chunks while this process stores the current one."""
    processes = route_processes() if processes is None else processes
    chunks = _unrouted_chunks(chunk)
    if processes <= 1:
        for ids in chunks:
            yield ids, reports_route(report_ids=ids, actor=actor)
        return
    global helper_peak_mb  # noqa: PLW0603 - a figure for the benchmark, not state
    with helpers.context().Pool(processes, initializer=helpers.child_start,
                                initargs=(helpers.child_settings(), True)) as pool:
        pending: deque[tuple[list[int], AsyncResult[tuple[list[Placed], float]]]] = deque()
        while True:
            while len(pending) < processes * 3 and (ids := next(chunks, [])):
                pending.append((ids, pool.apply_async(_helper_place, (ids,))))
            if not pending:
                return
            ids, answer = pending.popleft()
            placed, peak = answer.get()
            helper_peak_mb = max(helper_peak_mb, peak)
            yield ids, _placed_save(report_ids=ids, placed=placed, actor=actor)


def _unrouted_chunks(chunk: int) -> Iterator[list[int]]:
    """Ids of unrouted reports in chunks, in id order, read twenty chunks at a time (after
    the last id read: a report routed meanwhile is not read again)."""
    after = 0
    while ids := unrouted_report_ids(after=after, limit=chunk * 20):
        for start in range(0, len(ids), chunk):
            yield ids[start:start + chunk]
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
            .exclude(status=Report.Status.CLOSED)
            # a platform's report still open, or retracted, through the API: never routed
            .exclude(submission__state__in=[Submission.State.OPEN, Submission.State.RETRACTED]))


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
