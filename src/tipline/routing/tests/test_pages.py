"""Routing pages, each seen anonymous, unpermitted, permitted and from another jurisdiction:
the national and state queues with quick assignment, a unit's inbox with its notices, a
state's units, and the units directory with its CSV."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tipline.geo.models import ReportLocation
from tipline.intake.models import Report
from tipline.jurisdictions.models import Jurisdiction
from tipline.routing.models import ClusterNotice, ManualAssignment

pytestmark = pytest.mark.django_db


def queued(make_report: Any, node: str = "IN", **location: Any) -> Report:
    report = make_report(node, status=Report.Status.NEW)
    ReportLocation.objects.create(report=report, resolved_at=datetime.now(UTC), **location)
    return report


CONFLICT = {
    "country": "IN", "state": "MH", "conflict": True, "confidence": 0.4,
    "explanation": "CONFLICT: DL and MH", "candidates": [
        {"method": "ip", "clue": "IP 49.36.1.2", "country": "IN", "state": "DL",
         "district": None, "city": "Delhi", "pin": None, "confidence": 0.5},
        {"method": "address", "clue": "Thane", "country": "IN", "state": "MH",
         "district": "THANE", "city": "Thane", "pin": None, "confidence": 0.8},
    ]}


def test_anonymous_is_sent_to_login(client: Any) -> None:
    for url in ("/routing/queue/", "/routing/inbox/", "/routing/states/",
                "/routing/states/MH/", "/routing/units/"):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


def test_national_queue_suggests_units_and_assigns_in_one_step(
        analyst: Any, beed_officer: Any, make_report: Any, client: Any,
        django_assert_max_num_queries: Any) -> None:
    report = queued(make_report, **CONFLICT)
    for _ in range(5):
        queued(make_report, country="US", confidence=0.5, explanation="abroad")
    client.force_login(analyst)
    with django_assert_max_num_queries(12):
        page = client.get("/routing/queue/")
    text = page.content.decode()
    assert page.status_code == 200 and report.reference in text
    assert "conflicting clues" in text and "foreign (US)" in text
    # suggestions from the candidates, surest first: Thane's commissionerate, then Delhi
    assert text.index('value="IN-MH-CP-THANE"') < text.index('value="IN-DL"')
    response = client.post(f"/reports/{report.pk}/transfer/", {
        "to": "IN-MH-CP-THANE", "reason": "the address is precise, the IP is a VPN",
        "next": "/routing/queue/"})
    assert response.status_code == 302 and response["Location"] == "/routing/queue/"
    report.refresh_from_db()
    assert report.jurisdiction.code == "IN-MH-CP-THANE"
    assert ManualAssignment.objects.get(report=report).by == analyst
    page = client.get("/routing/queue/").content.decode()
    assert "sent to Thane Police Commissionerate" in page  # the message, once
    assert f'href="/reports/{report.pk}/"' not in page  # and out of the queue
    client.force_login(beed_officer)  # a unit officer has no queue
    assert client.get("/routing/queue/").status_code == 404


def test_queue_other_choice_and_open_redirect_refused(analyst: Any, make_report: Any,
                                                      client: Any) -> None:
    report = queued(make_report, **CONFLICT)
    client.force_login(analyst)
    response = client.post(f"/reports/{report.pk}/transfer/", {
        "to": "", "to_other": "IN-MH-BEED", "reason": "the caller said Beed",
        "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/routing/queue/"
    report.refresh_from_db()
    assert report.jurisdiction.code == "IN-MH-BEED"


def test_nodal_officer_works_the_state_queue_only(mh_nodal: Any, make_report: Any,
                                                  client: Any) -> None:
    mine = queued(make_report, "IN-MH", country="IN", state="MH", confidence=0.6,
                  explanation="MH, no district")
    national = queued(make_report, **CONFLICT)
    client.force_login(mh_nodal)
    text = client.get("/routing/queue/").content.decode()
    assert mine.reference in text and national.reference not in text
    assert client.get("/routing/queue/?at=IN").content.decode().count(national.reference) == 0


def test_inbox_shows_the_units_reports_and_notices(
        beed_officer: Any, pune_officer: Any, hub_admin: Any, make_report: Any, client: Any,
        django_assert_max_num_queries: Any) -> None:
    beed = [make_report("IN-MH-BEED", status=Report.Status.ROUTED) for _ in range(3)]
    other = make_report("IN-MH-PUNE", status=Report.Status.ROUTED)
    moved = make_report("IN-MH-CP-MUMBAI", status=Report.Status.ROUTED)
    ClusterNotice.objects.create(
        unit=Jurisdiction.objects.get(code="IN-MH-BEED"), report=moved, cluster=moved.pk,
        lead=Jurisdiction.objects.get(code="IN-MH-CP-MUMBAI"), created_at=datetime.now(UTC))
    client.force_login(beed_officer)
    # 10, and the unread marker's two: the reader's mark, read and moved
    with django_assert_max_num_queries(12):
        page = client.get("/routing/inbox/")
    text = page.content.decode()
    assert all(r.reference in text for r in beed) and other.reference not in text
    assert "Mumbai Police Commissionerate" in text and moved.reference in text
    client.force_login(pune_officer)
    text = client.get("/routing/inbox/").content.decode()
    assert other.reference in text and beed[0].reference not in text
    assert moved.reference not in text  # the notice is Beed's
    client.force_login(hub_admin)
    text = client.get("/routing/inbox/?unit=IN-MH-BEED").content.decode()
    assert beed[0].reference in text and other.reference not in text


def test_state_view_by_unit(mh_nodal: Any, beed_officer: Any, auditor: Any, make_report: Any,
                            client: Any, django_assert_max_num_queries: Any) -> None:
    for _ in range(2):
        make_report("IN-MH-CP-PUNE", status=Report.Status.ROUTED)
    make_report("IN-MH-BEED", status=Report.Status.DISPATCHED)
    make_report("IN-MH", status=Report.Status.NEW)
    make_report("IN-DL", status=Report.Status.NEW)
    client.force_login(mh_nodal)
    with django_assert_max_num_queries(10):
        page = client.get("/routing/states/MH/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Pune City Police Commissionerate" in text and "<strong>1</strong> report" in text
    assert client.get("/routing/states/DL/").status_code == 404  # another state
    assert client.get("/routing/states/").status_code == 302  # one state: straight there
    client.force_login(auditor)  # no report.view anywhere
    assert client.get("/routing/states/MH/").status_code == 404
    client.force_login(beed_officer)  # a unit's officer does not see the state's view
    assert client.get("/routing/states/MH/").status_code == 404


def test_units_directory_and_csv(beed_officer: Any, nobody: Any, client: Any) -> None:
    client.force_login(nobody)
    assert client.get("/routing/units/").status_code == 404
    client.force_login(beed_officer)
    text = client.get("/routing/units/?state=MH").content.decode()
    assert "Pimpri-Chinchwad Police Commissionerate" in text and "4110*" in text
    csv_response = client.get("/routing/units/?state=MH&format=csv")
    assert csv_response["Content-Type"].startswith("text/csv")
    body = csv_response.content.decode()
    assert body.startswith("code,name,state,kind") and "IN-MH-CP-MUMBAI" in body
