"""Reports: the list (the web list's filters and keyset pages), one report's whole record
(`tipline reports show --json`), and where it is."""

from __future__ import annotations

import re
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router

from tipline.accounts.policies import get_scoped_or_404, scoped
from tipline.api.gates import caller
from tipline.api.responses import answers, refuse
from tipline.api.schemas import Dossier, Location, ReportPage, ReportQuery
from tipline.geo.selectors import report_location_get
from tipline.intake.dossier import report_dossier
from tipline.intake.forms import ReportFilterForm
from tipline.intake.models import Report
from tipline.intake.selectors import (
    SORTS,
    Cursor,
    ReportFilters,
    report_filter_states,
    report_list_page,
)
from tipline.intake.services import report_viewed

router = Router(tags=["reports"])

#: TL-00000001, tl-1, or the bare number
_KEY = re.compile(r"^(?:TL-)?0*(\d{1,12})$", re.IGNORECASE)


def _filters(request: HttpRequest, query: ReportQuery) -> ReportFilters:
    """The query read by the web list's own form (the same choices, the same meaning); a value
    it refuses is a 422 naming the field, where the page would quietly drop it."""
    data = {name: value.isoformat() if hasattr(value, "isoformat") else value
            for name, value in query.dict().items()
            if value is not None and name not in ("cursor", "limit", "versions")}
    if query.versions:
        data["versions"] = "on"
    form = ReportFilterForm(data, states=report_filter_states(user=request.user))
    if not form.is_valid():
        name, messages = next(iter(form.errors.items()))
        raise refuse("query", name, " ".join(str(m) for m in messages))
    return form.filters()


@router.get("/", response=answers(ReportPage), url_name="report_list")
def report_list(request: HttpRequest, query: Query[ReportQuery]) -> Any:
    """Reports the caller may see, newest first (or `sort`), a page at a time: follow
    `next_cursor`. The filters are the web report list's."""
    user = caller(request, "report.view")
    filters = _filters(request, query)
    sort = filters.sort if filters.sort in SORTS else "newest"
    if query.cursor and Cursor.decode(query.cursor, sort=sort) is None:
        raise refuse("query", "cursor", "not a cursor of this list in this sort order")
    page = report_list_page(user=user, filters=filters, cursor=query.cursor, limit=query.limit)
    return {
        "items": [{
            "id": r.pk, "reference": r.reference, "source": r.source,
            "external_id": r.external_id, "version": r.version, "is_current": r.is_current,
            "received_at": r.received_at, "incident_type": r.incident_type,
            "platform": r.platform, "ncmec_priority": r.ncmec_priority, "status": r.status,
            "file_count": r.file_count,
            "jurisdiction": {"code": r.jurisdiction.code, "name": r.jurisdiction.name},
        } for r in page.rows],
        "next_cursor": page.next_cursor, "previous_cursor": page.previous_cursor,
        "sort": page.sort,
    }


def _report_pk(key: str) -> int:
    match = _KEY.match(key.strip())
    if match is None:
        raise Http404("No such report")
    return int(match.group(1))


def _visible_members(record: dict[str, Any], *, request: HttpRequest) -> None:
    """The dossier lists every member of the report's cluster (it is written for the hub's
    console); the caller is shown only those they may see, as on the report page."""
    cluster = (record.get("routing") or {}).get("cluster")
    if not cluster:
        return
    pks = [int(ref[3:]) for ref in cluster["members"]]
    visible = set(scoped(Report.objects.filter(pk__in=pks), user=request.user,
                         action="report.view").values_list("pk", flat=True))
    cluster["size"] = len(pks)
    cluster["members"] = [ref for ref, pk in zip(cluster["members"], pks, strict=True)
                          if pk in visible]


@router.get("/{key}", response=answers(Dossier), url_name="report_detail")
def report_detail(request: HttpRequest, key: str) -> Any:
    """One report's whole record, by Tipline reference (TL-00000001) or id. Opening it is
    recorded in the audit trail, as on the report page."""
    user = caller(request, "report.view")
    report = get_scoped_or_404(Report.objects.select_related("jurisdiction"), user=user,
                               action="report.view", pk=_report_pk(key))
    record = report_dossier(report)
    _visible_members(record, request=request)
    report_viewed(actor=user, report=report)
    return record


@router.get("/{key}/location", response=answers(Location), url_name="report_location")
def report_location(request: HttpRequest, key: str) -> Any:
    """Where the report was placed, why, and every candidate weighed (404 before it is)."""
    user = caller(request, "report.view")
    location = report_location_get(user=user, report_id=_report_pk(key))
    unit = location.unit
    return {
        "report": f"TL-{location.report_id:08d}", "country": location.country,
        "state": location.state, "district": location.district, "pin": location.pin,
        "city": location.city,
        "unit": {"code": unit.code, "name": unit.name} if unit else None,
        "confidence": location.confidence, "conflict": location.conflict,
        "explanation": location.explanation, "candidates": location.candidates or [],
        "resolved_at": location.resolved_at,
    }
