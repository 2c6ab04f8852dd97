"""Writes of the routing step: routing what is new, and moving reports between units by hand."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from tipline.accounts.policies import can, get_scoped_or_404
from tipline.accounts.types import Actor
from tipline.audit.services import audit_record
from tipline.core.errors import NotPermitted, RejectedInput
from tipline.core.progress import NullProgress, Progress
from tipline.intake.models import Report
from tipline.intake.services import StatusChange, reports_status_set
from tipline.jurisdictions.models import Jurisdiction
from tipline.routing.clusters import clusters_assign
from tipline.routing.linking import clusters_rebuild, clusters_relink
from tipline.routing.models import InboxVisit, ManualAssignment
from tipline.routing.placement import (
    closed_unrouted_report_ids,
    outcome_summary,
    reports_route_chunks,
    unrouted_report_count,
)
from tipline.routing.selectors import jurisdiction_by_name_or_code
from tipline.routing.signals import reports_placed

#: the most reports one bulk assignment moves (a queue page)
BULK_LIMIT = 50


@transaction.atomic
def report_transfer(*, actor: Actor, report_id: int, to_code: str, reason: str) -> Report:
    """Move a report to another node (a unit, a state, or back to the national queue).

    `to_code` is a code or a node's name ("Beed"). The actor must be allowed to assign
    where the report is now and where it goes; the receiving unit then sees it and the
    sending one no longer does. The reason is audited.
    """
    reason = reason.strip()
    if len(reason) < 5:
        raise RejectedInput(_("give the reason for the transfer (at least a few words)"))
    report = get_scoped_or_404(Report.objects.select_for_update(), user=actor,
                               action="report.assign", pk=report_id)
    code = jurisdiction_by_name_or_code(text=to_code)  # a name ("Beed") or a code
    target = Jurisdiction.objects.filter(code=code).first()
    if target is None:
        raise RejectedInput(_("no jurisdiction %(code)s") % {"code": repr(to_code)})
    if target.pk == report.jurisdiction_id:
        raise RejectedInput(_("the report is already with %(unit)s") % {"unit": target.name})
    if not can(actor, "report.assign", jurisdiction_id=target.pk):
        raise NotPermitted(_("you may not assign reports to %(unit)s") % {"unit": target.name})
    source = report.jurisdiction
    status = (Report.Status.ROUTED if target.kind in (Jurisdiction.Kind.DISTRICT,
                                                      Jurisdiction.Kind.UNIT)
              else Report.Status.NEW)
    reports_status_set(changes=[StatusChange(report.pk, status, target.pk)])
    report.jurisdiction, report.status = target, status  # as stored, for the caller
    ManualAssignment.objects.update_or_create(report=report, defaults={
        "by": actor, "at": datetime.now(UTC), "reason": reason})
    reports_placed.send(sender=Report, actor=actor, report_ids=[report.pk])
    audit_record(actor=actor, action="report.transferred", obj=report, data={
        "from": source.code, "to": target.code, "reason": reason})
    return report


@transaction.atomic
def reports_transfer(*, actor: Actor, report_ids: list[int], to_code: str,
                     reason: str) -> list[Report]:
    """Move several reports to one node with one reason (the queue's bulk assignment): all
    of them or, when any one is refused, none. Each move is audited as a single one is."""
    ids = sorted(set(report_ids))
    if not ids:
        raise RejectedInput(_("select the reports to assign"))
    if len(ids) > BULK_LIMIT:
        raise RejectedInput(_("assign at most %(limit)s reports at once") % {"limit": BULK_LIMIT})
    return [report_transfer(actor=actor, report_id=pk, to_code=to_code, reason=reason)
            for pk in ids]


@dataclass(frozen=True)
class RoutingRun:
    routed: int
    outcomes: Counter[str]
    linked: int
    clusters: int
    clusters_led: int
    moved: int
    cases: int

    def summary(self) -> str:
        return (f"{outcome_summary(self.routed, self.outcomes)}\n"
                f"linked {self.linked} reports into {self.clusters} clusters; "
                f"{self.clusters_led} led by one unit, {self.moved} reports moved to their "
                f"cluster's lead\ncases opened or moved: {self.cases}")


def routing_run(*, actor: Actor, progress: Progress | None = None,
                relink_all: bool = False) -> RoutingRun:
    """Route every report not yet routed (a chunk per transaction), link them (around them,
    or every report when they are many or with `relink_all`, after the LINK_* settings
    change), give each cluster its lead unit; the steps after routing then follow the
    reports placed or moved (the cases step opens or moves their cases: `routing.signals`)."""
    ids: list[int] = []
    outcomes: Counter[str] = Counter()
    total = unrouted_report_count()
    progress = progress or NullProgress()
    for chunk_ids, chunk_outcomes in reports_route_chunks(actor=actor):
        ids += chunk_ids  # the cases step is told of every report placed, in one signal
        outcomes += chunk_outcomes
        progress.update(done=len(ids), total=max(len(ids), total))
    touched: set[int] | None = None  # reports whose clusters changed; None: every one
    if relink_all:
        linked, clusters = clusters_rebuild(actor=actor)
    else:  # reports closed before routing are never routed, but a full rebuild links them
        linked, clusters, touched = clusters_relink(
            report_ids=[*ids, *closed_unrouted_report_ids()], actor=actor)
    assignment = clusters_assign(actor=actor, report_ids=touched)
    answers = reports_placed.send(sender=Report, actor=actor,
                                  report_ids=[*ids, *assignment.moved])
    counts: list[Any] = [count for _, count in answers]
    cases = sum(c for c in counts if isinstance(c, int))
    return RoutingRun(len(ids), outcomes, linked, clusters, assignment.clusters_led,
                      len(assignment.moved), cases)


def inbox_visit_record(*, user: Actor, last_report_id: int, known: bool = True) -> None:
    """The user has read their inbox down from `last_report_id`: reports up to it are no
    longer new to them. The mark never moves back. `known`: the user has a mark already (as
    `routing.selectors.inbox_last_seen` found). One query, atomic on its own. A person's
    reading mark, not a change to any report: it is not audited."""
    if user is None or not getattr(user, "pk", None) or getattr(user, "is_system", False):
        return
    now = datetime.now(UTC)
    if known:
        InboxVisit.objects.filter(user_id=user.pk, last_report_id__lt=last_report_id).update(
            last_report_id=last_report_id, at=now)
    else:
        InboxVisit.objects.bulk_create(
            [InboxVisit(user_id=user.pk, last_report_id=last_report_id, at=now)],
            ignore_conflicts=True)
