"""Clusters, units and packets through the API: anonymous, without permission, permitted,
and from the other district."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tipline.dispatch.services import packet_build
from tipline.jurisdictions.models import Jurisdiction
from tipline.routing.models import ReportCluster

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/clusters/", "/api/clusters/1", "/api/units/",
                                  "/api/packets/", "/api/packets/1"])
def test_anonymous_is_401(api_as: Callable[..., Any], tree: None, path: str) -> None:
    assert api_as(None).get(path).status_code == 401


@pytest.fixture
def cluster(beed_and_pune: dict[str, Any]) -> int:
    beed, pune = beed_and_pune["beed"], beed_and_pune["pune"]
    lead = Jurisdiction.objects.get(code="IN-MH-BEED")
    cid = min(beed.pk, pune.pk)
    for report in (beed, pune):
        ReportCluster.objects.create(report=report, cluster=cid, lead=lead)
    return cid


def test_clusters(api_as: Callable[..., Any], beed_and_pune: dict[str, Any],
                  cluster: int) -> None:
    beed, pune = beed_and_pune["beed"], beed_and_pune["pune"]
    hub = api_as("analyst").get(f"/api/clusters/{cluster}").json()
    assert hub["size"] == 2 and hub["lead"]["code"] == "IN-MH-BEED"
    assert [m["reference"] for m in hub["members"]] == [beed.reference, pune.reference]
    mine = api_as("beed_officer")
    assert [m["reference"] for m in mine.get(f"/api/clusters/{cluster}").json()["members"]] \
        == [beed.reference]
    listed = mine.get("/api/clusters/").json()
    assert [c["id"] for c in listed["items"]] == [cluster] and listed["next_after"] is None
    assert mine.get(f"/api/clusters/{cluster + 1000}").status_code == 404
    for persona in ("auditor", "nobody"):
        assert api_as(persona).get(f"/api/clusters/{cluster}").status_code == 404
        assert api_as(persona).get("/api/clusters/").status_code == 404


def test_a_cluster_with_no_member_the_caller_sees_is_missing(
        api_as: Callable[..., Any], make_report: Callable[..., Any]) -> None:
    pune = make_report("IN-MH-PUNE")
    ReportCluster.objects.create(report=pune, cluster=pune.pk)
    api = api_as("beed_officer")
    assert api.get(f"/api/clusters/{pune.pk}").status_code == 404
    assert api.get("/api/clusters/").json()["items"] == []


def test_units(api_as: Callable[..., Any], tree: None) -> None:
    api = api_as("beed_officer")
    rows = api.get("/api/units/", state="mh").json()
    assert "IN-MH-BEED" in [r["code"] for r in rows]
    assert all(r["state"] == "MH" for r in rows)
    assert api.get("/api/units/", state="ZZ").status_code == 422
    assert api.get("/api/units/", state="Maharashtra").status_code == 422
    assert api_as("nobody").get("/api/units/").status_code == 404


def test_packets(api_as: Callable[..., Any], make_report: Callable[..., Any],
                 analyst: Any) -> None:
    from tipline.intake.models import Report

    beed = make_report("IN-MH-BEED", status=Report.Status.ROUTED)
    make_report("IN-MH-PUNE", status=Report.Status.ROUTED)
    sent = packet_build(actor=analyst, target_code="IN-MH-BEED").packet
    pune_packet = packet_build(actor=analyst, target_code="IN-MH-PUNE").packet
    officer = api_as("beed_officer")
    listed = officer.get("/api/packets/").json()
    assert [p["id"] for p in listed] == [sent.pk]
    one = officer.get(f"/api/packets/{sent.pk}").json()
    assert one["reports"] == [beed.reference] and one["target"]["code"] == "IN-MH-BEED"
    assert one["sha256"] == sent.sha256 and "content" not in str(one.keys())
    assert officer.get(f"/api/packets/{pune_packet.pk}").status_code == 404
    hub = api_as("analyst")  # sends packets, receives none
    assert {p["id"] for p in hub.get("/api/packets/").json()} == {sent.pk, pune_packet.pk}
    assert hub.get("/api/packets/", box="received").json() == []
    assert hub.get(f"/api/packets/{pune_packet.pk}").status_code == 200
    for persona in ("auditor", "nobody", "reviewer"):
        assert api_as(persona).get("/api/packets/").status_code == 404
        assert api_as(persona).get(f"/api/packets/{sent.pk}").status_code == 404
    assert officer.get("/api/packets/", box="lost").status_code == 422
