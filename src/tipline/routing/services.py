"""Writes of the routing step: assigning and transferring reports between units."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from tipline.accounts.policies import can, get_scoped_or_404
from tipline.audit.services import audit_record
from tipline.core.errors import NotPermitted, RejectedInput
from tipline.geo.models import Jurisdiction
from tipline.intake.models import Report


@transaction.atomic
def report_transfer(*, actor: Any, report_id: int, to_code: str, reason: str) -> Report:
    """Move a report to another node (a unit, a state, or back to the national queue).

    The actor must be allowed to assign where the report is now and where it goes; the
    receiving unit then sees it and the sending one no longer does. The reason is audited.
    """
    reason = reason.strip()
    if len(reason) < 5:
        raise RejectedInput("give the reason for the transfer (at least a few words)")
    report = get_scoped_or_404(Report.objects.select_for_update(), user=actor,
                               action="report.assign", pk=report_id)
    target = Jurisdiction.objects.filter(code=to_code.strip().upper()).first()
    if target is None:
        raise RejectedInput(f"no jurisdiction {to_code!r}")
    if target.pk == report.jurisdiction_id:
        raise RejectedInput(f"the report is already with {target.name}")
    if not can(actor, "report.assign", jurisdiction_id=target.pk):
        raise NotPermitted(f"you may not assign reports to {target.name}")
    source = report.jurisdiction
    report.jurisdiction = target
    report.status = (Report.Status.ROUTED if target.kind in (Jurisdiction.Kind.DISTRICT,
                                                             Jurisdiction.Kind.UNIT)
                     else Report.Status.NEW)
    report.save(update_fields=["jurisdiction", "status"])
    audit_record(actor=actor, action="report.transferred", obj=report, data={
        "from": source.code, "to": target.code, "reason": reason})
    return report
