"""Reports through the API: the web list's filters and answers, one report's record, its
location; each tried anonymous, without permission, permitted and from the other district."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tipline.audit.models import AuditEvent
from tipline.geo.models import ReportLocation
from tipline.intake.models import Identifier, Report
from tipline.jurisdictions.models import Jurisdiction
from tipline.routing.models import ReportCluster

pytestmark = pytest.mark.django_db


def _refs(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["reference"] for row in response.json()["items"]]


@pytest.mark.parametrize("path", ["/api/reports/", "/api/reports/TL-00000001",
                                  "/api/reports/1/location"])
def test_anonymous_is_401(api_as: Callable[..., Any], tree: None, path: str) -> None:
    assert api_as(None).get(path).status_code == 401


@pytest.mark.parametrize("persona", ["auditor", "nobody", "platform_account"])
def test_without_report_view_the_endpoints_do_not_exist(
        api_as: Callable[..., Any], beed_and_pune: dict[str, Any], persona: str) -> None:
    api = api_as(persona)
    beed = beed_and_pune["beed"]
    for path in ["/api/reports/", f"/api/reports/{beed.reference}",
                 f"/api/reports/{beed.pk}/location"]:
        response = api.get(path)
        assert response.status_code == 404, (persona, path)
        assert response.json() == {"detail": "not found"}


def test_each_officer_sees_their_district_only(
        api_as: Callable[..., Any], beed_and_pune: dict[str, Any]) -> None:
    beed, pune = beed_and_pune["beed"], beed_and_pune["pune"]
    assert _refs(api_as("beed_officer").get("/api/reports/")) == [beed.reference]
    assert _refs(api_as("pune_officer").get("/api/reports/")) == [pune.reference]
    assert sorted(_refs(api_as("analyst").get("/api/reports/"))) == sorted(
        [beed.reference, pune.reference])


def test_another_districts_report_is_missing(
        api_as: Callable[..., Any], beed_and_pune: dict[str, Any]) -> None:
    api = api_as("beed_officer")
    pune = beed_and_pune["pune"]
    forbidden = api.get(f"/api/reports/{pune.reference}")
    missing = api.get("/api/reports/TL-99999999")
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.json() == missing.json()
    assert api.get(f"/api/reports/{pune.pk}/location").status_code == 404
    assert api.get("/api/reports/not-a-reference").status_code == 404


def test_a_report_reads_as_its_dossier_and_the_read_is_audited(
        api_as: Callable[..., Any], beed_and_pune: dict[str, Any], beed_officer: Any) -> None:
    beed = beed_and_pune["beed"]
    Identifier.objects.create(report=beed, kind=Identifier.Kind.EMAIL, value="a@example.org")
    api = api_as("beed_officer")
    by_ref, by_pk = api.get(f"/api/reports/{beed.reference}"), api.get(f"/api/reports/{beed.pk}")
    assert by_ref.status_code == by_pk.status_code == 200
    record = by_ref.json()
    assert record == by_pk.json()
    assert record["report"]["reference"] == beed.reference
    assert record["report"]["jurisdiction"]["code"] == "IN-MH-BEED"
    assert [i["value"] for i in record["identifiers"]] == ["a@example.org"]
    assert {"location", "routing", "matches", "review", "case"} <= set(record)
    assert AuditEvent.objects.filter(action="report.viewed", object_id=str(beed.pk),
                                     actor=beed_officer).count() == 2


def test_a_cluster_lists_only_the_members_the_caller_may_see(
        api_as: Callable[..., Any], beed_and_pune: dict[str, Any]) -> None:
    beed, pune = beed_and_pune["beed"], beed_and_pune["pune"]
    cluster = min(beed.pk, pune.pk)
    for report in (beed, pune):
        ReportCluster.objects.create(report=report, cluster=cluster)
    mine = api_as("beed_officer").get(f"/api/reports/{beed.reference}").json()
    assert mine["routing"]["cluster"]["members"] == [beed.reference]
    assert mine["routing"]["cluster"]["size"] == 2
    hub = api_as("analyst").get(f"/api/reports/{beed.reference}").json()
    assert sorted(hub["routing"]["cluster"]["members"]) == sorted(
        [beed.reference, pune.reference])


def test_a_reports_location_with_its_candidates(
        api_as: Callable[..., Any], beed_and_pune: dict[str, Any]) -> None:
    beed = beed_and_pune["beed"]
    api = api_as("beed_officer")
    assert api.get(f"/api/reports/{beed.reference}/location").status_code == 404  # not yet
    ReportLocation.objects.create(
        report=beed, country="IN", state="MH", district="Beed", pin="431122",
        unit=Jurisdiction.objects.get(code="IN-MH-BEED"), confidence=0.9,
        explanation="PIN 431122", candidates=[{"method": "pin", "state": "MH"}],
        resolved_at=datetime(2024, 3, 2, tzinfo=UTC))
    body = api.get(f"/api/reports/{beed.reference}/location").json()
    assert body["unit"]["code"] == "IN-MH-BEED" and body["pin"] == "431122"
    assert body["candidates"] == [{"method": "pin", "state": "MH"}]


FILTERS: list[dict[str, str]] = [
    {},
    {"source": "ncmec"},
    {"priority": "1"},
    {"status": "routed"},
    {"status": "new"},
    {"received_from": "2024-03-01", "received_to": "2024-03-01"},
    {"received_from": "2024-03-02"},
    {"q": "T000002"},
    {"q": "b@example.org"},
    {"sort": "oldest"},
    {"sort": "priority"},
    {"versions": "true"},
]


@pytest.mark.parametrize("params", FILTERS)
def test_the_list_filters_as_the_web_list_does(
        api_as: Callable[..., Any], make_report: Callable[..., Report], analyst: Any,
        params: dict[str, str]) -> None:
    at = datetime(2024, 3, 1, 6, 30, tzinfo=UTC)
    for n, node in enumerate(["IN-MH-BEED", "IN-MH-PUNE", "IN-KA", "IN-MH-BEED"]):
        report = make_report(node, received_at=at.replace(day=1 + n % 3),
                             ncmec_priority=1 + n % 3,
                             status=Report.Status.ROUTED if n % 2 else Report.Status.NEW)
        Identifier.objects.create(report=report, kind=Identifier.Kind.EMAIL,
                                  value=f"{'ab'[n % 2]}@example.org")
    web = Client()
    web.force_login(analyst)
    web_params = {k: ("on" if k == "versions" else v) for k, v in params.items()}
    page = web.get(reverse("intake:report_list"), web_params).context["page"]
    expected = [r.reference for r in page.rows]
    assert _refs(api_as("analyst").get("/api/reports/", **params)) == expected


def test_the_state_filter_and_pages(api_as: Callable[..., Any],
                                    make_report: Callable[..., Report], analyst: Any) -> None:
    for n in range(5):
        make_report("IN-MH-BEED" if n % 2 else "IN-KA",
                    received_at=datetime(2024, 3, 1 + n, tzinfo=UTC))
    mh = Jurisdiction.objects.get(code="IN-MH").pk
    api = api_as("analyst")
    assert len(_refs(api.get("/api/reports/", state=str(mh)))) == 2
    first = api.get("/api/reports/", limit="2").json()
    second = api.get("/api/reports/", limit="2", cursor=first["next_cursor"]).json()
    third = api.get("/api/reports/", limit="2", cursor=second["next_cursor"]).json()
    seen = [r["id"] for page in (first, second, third) for r in page["items"]]
    assert len(seen) == len(set(seen)) == 5 and third["next_cursor"] is None


@pytest.mark.parametrize(("params", "field"), [
    ({"received_from": "yesterday"}, "received_from"),
    ({"source": "carrier-pigeon"}, "source"),
    ({"state": "999999"}, "state"),
    ({"state": "MH"}, "state"),
    ({"priority": "7"}, "priority"),
    ({"sort": "random"}, "sort"),
    ({"limit": "0"}, "limit"),
    ({"limit": "101"}, "limit"),
    ({"cursor": "garbage"}, "cursor"),
    ({"q": "x" * 201}, "q"),
    ({"received_to": "9999-12-31"}, "received_to"),
    ({"received_from": "0001-01-01"}, "received_from"),
    ({"received_from": "0001-01-01", "received_to": "9999-12-31"}, "received_from"),
])
def test_a_bad_parameter_is_422_naming_it(api_as: Callable[..., Any], tree: None,
                                          params: dict[str, str], field: str) -> None:
    response = api_as("analyst").get("/api/reports/", **params)
    assert response.status_code == 422, response.content
    assert [e["loc"] for e in response.json()["detail"]] == [["query", field]]


def test_a_state_outside_the_callers_scope_is_refused(api_as: Callable[..., Any],
                                                      tree: None) -> None:
    karnataka = Jurisdiction.objects.get(code="IN-KA").pk
    response = api_as("beed_officer").get("/api/reports/", state=str(karnataka))
    assert response.status_code == 422
