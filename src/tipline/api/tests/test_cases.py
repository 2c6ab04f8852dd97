"""Cases through the API: the list, one case, the funnel, and a case's move, which obeys the
same rules as the case page (tried on both, persona by persona)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tipline.audit.models import AuditEvent
from tipline.cases.models import Case
from tipline.cases.tests.helpers import open_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(make_report: Callable[..., Any]) -> dict[str, Case]:
    return {"beed": open_case(make_report, "IN-MH-BEED"),
            "pune": open_case(make_report, "IN-MH-PUNE")}


def _status(api: Any, case: Case, **body: Any) -> Any:
    return api.post(f"/api/cases/{case.pk}/status", body)


@pytest.mark.parametrize("path", ["/api/cases/", "/api/cases/1", "/api/funnel/"])
def test_anonymous_is_401(api_as: Callable[..., Any], tree: None, path: str) -> None:
    assert api_as(None).get(path).status_code == 401


def test_anonymous_cannot_move_a_case(api_as: Callable[..., Any], cases: dict[str, Case]) -> None:
    assert _status(api_as(None), cases["beed"], action="acknowledge").status_code == 401
    assert Case.objects.get(pk=cases["beed"].pk).status == Case.Status.RECEIVED


@pytest.mark.parametrize("persona", ["auditor", "nobody"])
def test_without_report_view_cases_do_not_exist(api_as: Callable[..., Any],
                                                cases: dict[str, Case], persona: str) -> None:
    api = api_as(persona)
    beed = cases["beed"]
    for path in ["/api/cases/", f"/api/cases/{beed.pk}", "/api/funnel/"]:
        assert api.get(path).status_code == 404, path
    assert _status(api, beed, action="acknowledge").status_code == 404


def test_the_list_and_one_case(api_as: Callable[..., Any], cases: dict[str, Case]) -> None:
    beed, pune = cases["beed"], cases["pune"]
    api = api_as("beed_officer")
    listed = api.get("/api/cases/").json()
    assert [c["reference"] for c in listed["items"]] == [beed.reference]
    assert listed["count"] == 1
    one = api.get(f"/api/cases/{beed.pk}").json()
    assert one["unit"]["code"] == "IN-MH-BEED" and one["can_update"] is True
    assert api.get(f"/api/cases/{pune.pk}").status_code == 404
    assert api.get("/api/cases/", unit="IN-MH-PUNE").status_code == 404
    hub = api_as("analyst")
    assert hub.get("/api/cases/").json()["count"] == 2
    assert [c["reference"] for c in hub.get("/api/cases/", unit="IN-MH-PUNE").json()[
        "items"]] == [pune.reference]
    assert hub.get(f"/api/cases/{beed.pk}").json()["can_update"] is False
    assert hub.get("/api/cases/", status="bogus").status_code == 422


def _web_may_move(persona: Any, case: Case) -> int:
    web = Client(raise_request_exception=False)
    web.force_login(persona)
    return int(web.post(reverse("cases:case_action",
                                kwargs={"pk": case.pk, "action": "acknowledge"})).status_code)


@pytest.mark.parametrize(("persona", "api_status", "web_status"), [
    ("beed_officer", 200, 302),  # case.update over Beed: moved (the page redirects back)
    ("mh_nodal", 403, 403),  # sees Beed's cases, may not update them
    ("analyst", 403, 403),
    ("hub_admin", 200, 302),
    ("pune_officer", 404, 404),  # another district: missing
])
def test_a_move_is_allowed_to_exactly_whom_the_page_allows(
        api_as: Callable[..., Any], request: pytest.FixtureRequest,
        make_report: Callable[..., Any], persona: str, api_status: int,
        web_status: int) -> None:
    by_api, by_web = open_case(make_report), open_case(make_report)
    user = request.getfixturevalue(persona)
    response = _status(api_as(persona), by_api, action="acknowledge")
    assert response.status_code == api_status, response.content
    assert _web_may_move(user, by_web) == web_status
    moved = Case.Status.ACKNOWLEDGED if api_status == 200 else Case.Status.RECEIVED
    for case in (by_api, by_web):
        assert Case.objects.get(pk=case.pk).status == moved
    if api_status == 200:
        assert response.json()["status"] == "acknowledged"
        assert AuditEvent.objects.filter(action="case.acknowledged",
                                         object_id=str(by_api.pk), actor=user).exists()


def test_moves_follow_the_case_rules(api_as: Callable[..., Any], cases: dict[str, Case]) -> None:
    api = api_as("beed_officer")
    beed = cases["beed"]
    assert _status(api, beed, action="enquiry").json()["status"] == "enquiry"
    refused = _status(api, beed, action="acknowledge")
    assert refused.status_code == 409 and "cannot acknowledge" in refused.json()["detail"]
    no_reason = _status(api, beed, action="close")
    assert no_reason.status_code == 409 and "reason" in no_reason.json()["detail"]
    closed = _status(api, beed, action="close", reason="no_information", note="nothing to go on")
    assert closed.status_code == 200, closed.content
    assert closed.json()["status"] == "closed" and closed.json()["can_update"] is False
    assert _status(api, beed, action="enquiry").status_code == 409


def test_a_bad_body_is_422_naming_the_field(api_as: Callable[..., Any],
                                            cases: dict[str, Case]) -> None:
    response = _status(api_as("beed_officer"), cases["beed"], action="fly")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "change", "action"]


def test_the_funnel_is_the_pages(api_as: Callable[..., Any], cases: dict[str, Case],
                                 analyst: Any) -> None:
    body = api_as("analyst").get("/api/funnel/").json()
    web = Client()
    web.force_login(analyst)
    page = web.get(reverse("cases:funnel")).context["funnel"]
    assert body["total"]["reports"] == page.total.reports == 2
    assert [s["code"] for s in body["states"]] == [s.code for s in page.states]
    mine = api_as("beed_officer").get("/api/funnel/", state="MH").json()
    assert [u["code"] for u in mine["units"]] == ["IN-MH-BEED"]
    assert api_as("analyst").get("/api/funnel/", state="Maharashtra").status_code == 422
