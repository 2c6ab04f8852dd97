"""Routing stored reports: agreeing clues -> the district's unit; conflicts, foreign and
unknown -> the national queue; scoping follows the report."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from tipline.accounts.services import system_user
from tipline.audit.models import AuditEvent
from tipline.geo.models import ReportLocation
from tipline.intake.ingest import ingest_paths
from tipline.intake.models import Report
from tipline.intake.tests import builders as b
from tipline.jurisdictions.models import Jurisdiction

pytestmark = pytest.mark.django_db


def imported(tmp_path: Path, *reports: str) -> None:
    path = tmp_path / "r.xml"
    path.write_bytes(b.xml_doc(*reports))
    ingest_paths(paths=[path], actor=system_user("test"))


def test_route_places_reports_and_keeps_every_candidate(
    tree: None, tmp_path: Path, client: Any, beed_officer: Any
) -> None:
    imported(
        tmp_path,
        b.xml_report("AGREE", state="Maharashtra", city="Beed", pin="431122"),
        b.xml_report("CLASH", state="Delhi", city="New Delhi", pin="431122"),
        b.xml_report("ABROAD", state="", city="Springfield", pin="", extra="").replace(
            "<country>IN</country>", "<country>US</country>"),
    )
    # wherever they were before (here: all at the state), routing puts each where it belongs
    Report.objects.update(jurisdiction_id=Jurisdiction.objects.get(code="IN-MH").pk)
    out = StringIO()
    call_command("route", "--quiet", stdout=out)
    assert "routed 3 reports: to a unit 1" in out.getvalue()
    agree = Report.objects.get(external_id="AGREE")
    assert agree.jurisdiction.code == "IN-MH-BEED" and agree.status == Report.Status.ROUTED
    location = ReportLocation.objects.get(report=agree)
    assert (location.state, location.district, location.conflict) == ("MH", "BEED", False)
    assert {c["method"] for c in location.candidates} >= {"address", "pin"}
    clash = Report.objects.get(external_id="CLASH")
    assert clash.jurisdiction.code == "IN" and clash.location.conflict
    assert "CONFLICT" in clash.location.explanation
    abroad = Report.objects.get(external_id="ABROAD")
    assert abroad.jurisdiction.code == "IN" and abroad.location.country == "US"
    assert AuditEvent.objects.filter(action="reports.routed").count() == 1
    # the Beed officer now sees the routed report, and not the conflicting one
    client.force_login(beed_officer)
    assert client.get(f"/reports/{agree.pk}/").status_code == 200
    assert client.get(f"/reports/{clash.pk}/").status_code == 404
    # routing again does nothing: every report has a location
    again = StringIO()
    call_command("route", "--quiet", stdout=again)
    assert "routed 0 reports" in again.getvalue()


def test_report_page_shows_the_location_and_every_candidate(
    tree: None, tmp_path: Path, client: Any, analyst: Any
) -> None:
    imported(tmp_path, b.xml_report("CLASH", state="Delhi", city="New Delhi", pin="431122"))
    call_command("route", "--quiet", stdout=StringIO())
    report = Report.objects.get(external_id="CLASH")
    client.force_login(analyst)
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert "The clues disagree" in page and "CONFLICT" in page
    assert "PIN 431122" in page and "Beed" in page


def test_a_report_closed_before_routing_is_sent_to_nobody(tree: None, tmp_path: Path) -> None:
    """A reviewer found its media was not CSAM first: it gets no location, unit or case."""
    from tipline.cases.models import Case

    imported(tmp_path, b.xml_report("OPEN", state="Maharashtra", city="Beed", pin="431122"),
             b.xml_report("SHUT", state="Maharashtra", city="Beed", pin="431122"))
    Report.objects.filter(external_id="SHUT").update(status=Report.Status.CLOSED)
    out = StringIO()
    call_command("route", "--quiet", stdout=out)
    assert "routed 1 reports: to a unit 1" in out.getvalue()
    shut = Report.objects.get(external_id="SHUT")
    assert shut.status == Report.Status.CLOSED
    assert not ReportLocation.objects.filter(report=shut).exists()
    assert not Case.objects.filter(report=shut).exists()
    assert Case.objects.filter(report__external_id="OPEN").exists()


def test_pending_reports_are_read_and_routed_a_chunk_at_a_time(
    tree: None, tmp_path: Path
) -> None:
    """Routing never holds every pending id: each read of ids is limited to twenty chunks."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tipline.routing.placement import reports_route_chunks, reports_route_pending

    imported(tmp_path, *(b.xml_report(f"R{i}", state="Maharashtra", city="Beed",
                                      pin="431122") for i in range(5)))
    with CaptureQueriesContext(connection) as queries:
        chunks = [ids for ids, _ in reports_route_chunks(actor=system_user("test"), chunk=2)]
    assert [len(ids) for ids in chunks] == [2, 2, 1]
    assert sorted(sum(chunks, [])) == sorted(Report.objects.values_list("id", flat=True))
    id_reads = [q["sql"] for q in queries.captured_queries
                if q["sql"].startswith('SELECT "intake_report"."id" AS "id" FROM')]
    assert id_reads and all("LIMIT 40" in sql for sql in id_reads)
    assert reports_route_pending(actor=system_user("test")) == (0, {})


def test_route_relinks_around_new_reports_like_a_full_rebuild(
    tree: None, tmp_path: Path, settings: Any
) -> None:
    """`tipline route` relinks only around the new reports, yet stores what a full rebuild
    computes, a report closed before routing included; `--relink-all` agrees."""
    from tipline.intake.models import Identifier, IpEvent
    from tipline.routing.linking import clusters_compute
    from tipline.routing.models import ReportCluster

    def report(external_id: str) -> str:
        return b.xml_report(external_id, state="Maharashtra", city="Beed", pin="431122")

    imported(tmp_path, *(report(f"A{i}") for i in range(3)))
    def unlink() -> None:  # the builder's reports share every identifier and IP
        IpEvent.objects.all().delete()
        Identifier.objects.all().delete()

    unlink()
    call_command("route", "--quiet", stdout=StringIO())
    (tmp_path / "second").mkdir()
    imported(tmp_path / "second", *(report(f"B{i}") for i in range(3)))
    unlink()
    reports = {r.external_id: r for r in Report.objects.all()}
    Report.objects.filter(external_id="B2").update(status=Report.Status.CLOSED)
    for a, b_ in (("A0", "B0"), ("A1", "B2")):  # B2 is linked to an old report only
        for external_id in (a, b_):
            Identifier.objects.create(report=reports[external_id], kind="email",
                                      value=f"{a}{b_}@example.in", origin="suspect.email")
    call_command("route", "--quiet", stdout=StringIO())
    stored = dict(ReportCluster.objects.values_list("report_id", "cluster"))
    assert stored == clusters_compute()
    assert stored[reports["B2"].pk] == stored[reports["A1"].pk]
    call_command("route", "--quiet", "--relink-all", stdout=StringIO())
    assert dict(ReportCluster.objects.values_list("report_id", "cluster")) == stored
