"""Cases: the list and one case (the units' case pages), a case's move (the case page's
acknowledge, enquiry and close, through the same services and the same permission), and the
funnel (the hub's funnel page)."""

from __future__ import annotations

import math
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from tipline.accounts.policies import can, node_or_404
from tipline.api.gates import caller
from tipline.api.responses import answers
from tipline.api.schemas import CaseDetail, CasePage, CaseQuery, CaseStatusChange, Funnel, Id
from tipline.api.schemas import FunnelQuery as FunnelParams
from tipline.cases import selectors, services
from tipline.cases.models import Case

router = Router(tags=["cases"])
funnel_router = Router(tags=["funnel"])


def _row(case: Case) -> dict[str, Any]:
    fir = selectors.fir_for(case)
    return {
        "id": case.pk, "reference": case.reference, "report": f"TL-{case.report_id:08d}",
        "unit": {"code": case.unit.code, "name": case.unit.name}, "status": case.status,
        "opened_at": case.opened_at, "updated_at": case.updated_at,
        "acknowledged_at": case.acknowledged_at, "closed_at": case.closed_at,
        "closure_reason": case.closure_reason, "fir_number": fir.number if fir else None,
    }


@router.get("/", response=answers(CasePage), url_name="case_list")
def case_list(request: HttpRequest, query: Query[CaseQuery]) -> Any:
    """Cases the caller may see (of one unit and the nodes under it, if given), newest
    first, a page at a time."""
    user = caller(request, "report.view")
    unit = node_or_404(user, action="report.view", code=query.unit).code if query.unit else ""
    count = selectors.case_count(user=user, unit=unit, status=query.status or None)
    start = (query.page - 1) * query.limit
    rows = selectors.case_list(user=user, unit=unit, status=query.status or None)
    return {"items": [_row(c) for c in rows[start:start + query.limit]], "count": count,
            "page": query.page, "pages": max(1, math.ceil(count / query.limit))}


def _detail(request: HttpRequest, case_id: int) -> dict[str, Any]:
    case = selectors.case_get(user=request.user, case_id=case_id)
    fir = selectors.fir_for(case)
    return {
        **_row(case), "dispatched_at": case.dispatched_at, "enquiry_at": case.enquiry_at,
        "chargesheet_number": case.chargesheet_number, "chargesheet_on": case.chargesheet_on,
        "closure_note": case.closure_note,
        "duplicate_of": case.duplicate_of.reference if case.duplicate_of else None,
        "fir": None if fir is None else {
            "number": fir.number, "registered_on": fir.registered_on,
            "police_station": fir.police_station,
            "sections": [str(s) for s in fir.sections.all()]},
        "arrests": len(case.arrests.all()), "seizures": len(case.seizures.all()),
        "notices": len(case.notices.all()),
        "can_update": can(request.user, "case.update", jurisdiction_id=case.unit_id)
        and not case.is_closed,
    }


@router.get("/{case_id}", response=answers(CaseDetail), url_name="case_detail")
def case_detail(request: HttpRequest, case_id: Id) -> Any:
    """One case, with its FIR and how many arrests, seizures and notices it records."""
    caller(request, "report.view")
    return _detail(request, case_id)


@router.post("/{case_id}/status", response=answers(CaseDetail, 400, 403, 409),
             url_name="case_status")
def case_status(request: HttpRequest, case_id: Id, change: CaseStatusChange) -> Any:
    """Move the case, as its page does: whoever may see it and holds `case.update` at its
    unit (403 for those who see it but may not; 409 for a move its state does not allow)."""
    user = caller(request, "report.view")
    selectors.case_get(user=user, case_id=case_id)  # 404 before anything else when not visible
    if change.action == "acknowledge":
        services.case_acknowledge(actor=user, case_id=case_id)
    elif change.action == "enquiry":
        services.case_enquiry_start(actor=user, case_id=case_id)
    else:
        services.case_close(actor=user, case_id=case_id, reason=change.reason or "",
                            note=change.note, duplicate_of=change.duplicate_of)
    return _detail(request, case_id)


@funnel_router.get("/", response=answers(Funnel), url_name="funnel")
def funnel(request: HttpRequest, query: Query[FunnelParams]) -> Any:
    """The funnel page's numbers: per state, or for one state per unit."""
    user = caller(request, "report.view")
    data = selectors.case_funnel(user=user, state=(query.state or "").upper() or None)

    def row(r: Any) -> dict[str, Any]:
        return {"code": r.code, "name": r.name, "kind": r.kind, "reports": r.reports,
                "dispatched": r.dispatched, "acknowledged": r.acknowledged, "firs": r.firs,
                "arrests": r.arrests, "chargesheets": r.chargesheets, "open": r.open,
                "not_pursued": r.not_pursued}

    return {"total": row(data.total), "states": [row(r) for r in data.states],
            "units": [row(r) for r in data.units]}
