"""Where reports go: routing clusters (reports linked by what they share) and the units
directory."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from tipline.api.gates import caller
from tipline.api.responses import answers, refuse
from tipline.api.schemas import Cluster, ClusterPage, Id, Unit, UnitQuery
from tipline.jurisdictions.selectors import jurisdiction_tree
from tipline.jurisdictions.units import unit_rows
from tipline.routing.selectors import ClusterView, cluster_get, clusters_get, clusters_visible

router = Router()


class ClusterQuery(Schema):
    after: int | None = Field(None, ge=0, le=2**62, description="next_after of the last page")
    limit: int = Field(50, ge=1, le=200)


def _cluster(view: ClusterView) -> dict[str, Any]:
    return {
        "id": view.id, "size": view.size,
        "lead": {"code": view.lead.code, "name": view.lead.name} if view.lead else None,
        "members": [{"reference": r.reference, "status": r.status,
                     "jurisdiction": {"code": r.jurisdiction.code, "name": r.jurisdiction.name}}
                    for r in view.members],
    }


@router.get("/clusters/", response=answers(ClusterPage), url_name="cluster_list",
            tags=["clusters"])
def cluster_list(request: HttpRequest, query: Query[ClusterQuery]) -> Any:
    """Clusters with a member the caller may see, by id."""
    user = caller(request, "report.view")
    ids = clusters_visible(user=user, after=query.after, limit=query.limit)
    return {"items": [_cluster(v) for v in clusters_get(user=user, cluster_ids=ids)],
            "next_after": ids[-1] if len(ids) == query.limit else None}


@router.get("/clusters/{cluster_id}", response=answers(Cluster), url_name="cluster_detail",
            tags=["clusters"])
def cluster_detail(request: HttpRequest, cluster_id: Id) -> Any:
    """One cluster: its size, the unit leading it, and the members the caller may see."""
    user = caller(request, "report.view")
    return _cluster(cluster_get(user=user, cluster_id=cluster_id))


@router.get("/units/", response=answers(list[Unit]), url_name="unit_list", tags=["units"])
def unit_list(request: HttpRequest, query: Query[UnitQuery]) -> Any:
    """The units directory (the web's units page): each unit's declared areas and contacts,
    of one state or all."""
    caller(request, "report.view")
    state = (query.state or "").upper()
    if state and f"IN-{state}" not in jurisdiction_tree().by_code:
        raise refuse("query", "state", f"no state or UT {state!r}")
    rows = [r for r in unit_rows(state=state or None)
            if r.kind != "district" or r.coverage() or r.officer or state]
    return [{"code": r.code, "name": r.name, "state": r.state, "kind": r.kind,
             "districts": r.districts, "pins": r.pins, "cities": r.cities,
             "officer": r.officer, "email": r.email, "phone": r.phone} for r in rows]
