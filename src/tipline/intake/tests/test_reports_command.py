"""`tipline reports show ID [--json]` and `tipline reports list`: a report's whole record from
the command line, every section, by Tipline reference or the sender's id."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tipline.accounts.services import system_user
from tipline.cases.services import cases_open
from tipline.intake.ingest import ingest_paths
from tipline.intake.models import Report
from tipline.intake.tests import builders as b

pytestmark = pytest.mark.django_db

EXTRA = ("<lawEnforcement><agencyName>Cyber Cell Beed</agencyName></lawEnforcement>")


def run(*args: str) -> str:
    out = StringIO()
    call_command("reports", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def routed(tree: None, tmp_path: Path) -> Report:
    """The builder's full report (suspect, address, phone, IP event, device, file hash), with
    a lawEnforcement block, routed to Beed with its case opened."""
    path = tmp_path / "r.xml"
    path.write_bytes(b.xml_doc(b.xml_report("R-77", extra=EXTRA)))
    ingest_paths(paths=[path], actor=system_user("test"))
    call_command("route", "--quiet", stdout=StringIO())
    report = Report.objects.get(external_id="R-77")
    cases_open(actor=system_user("test"), report_ids=[report.pk])
    report.refresh_from_db()
    return report


def test_show_json_has_every_section(routed: Report) -> None:
    for key in (routed.reference, "R-77"):
        record = json.loads(run("show", key, "--json"))
        assert record["report"]["reference"] == routed.reference
    r = record["report"]
    assert (r["source"], r["external_id"], r["status"]) == ("platform", "R-77", routed.status)
    assert r["jurisdiction"]["code"] == routed.jurisdiction.code == "IN-MH-BEED"
    assert r["details"] == [["lawEnforcement/agencyName", "Cyber Cell Beed"]]
    [suspect] = record["subjects"]
    assert suspect["phones"] == ["+919876543210"] and suspect["emails"] == ["one@example.in"]
    assert suspect["device_ids"] == [{"type": "IMEI", "value": "356938035643809"}]
    [event] = record["ip_events"]
    assert (event["ip"], event["port"], event["occurred_at"]) == (
        "49.36.10.20", 44321, "2024-03-01T09:00:00+00:00")
    [file] = record["files"]
    assert file["md5"] == "0123456789abcdef0123456789abcdef"
    assert any(i["kind"] == "phone" and i["value"] == "+919876543210"
               for i in record["identifiers"])
    location = record["location"]
    assert location["unit"] == "IN-MH-BEED" and location["state"] == "MH"
    assert {c["method"] for c in location["candidates"]} >= {"address", "pin", "phone"}
    assert record["routing"]["cluster"] is None
    assert record["case"]["unit"]["code"] == "IN-MH-BEED"
    assert record["case"]["status"] == "received" and record["case"]["fir"] is None
    assert record["matches"] == [] and record["review"] == []


def test_show_as_text_and_unknown_ids(routed: Report) -> None:
    text = run("show", routed.reference)
    assert routed.reference in text and "R-77" in text and "IN-MH-BEED" in text
    assert "detail: lawEnforcement/agencyName: Cyber Cell Beed" in text
    assert "location:" in text and "case:" in text
    with pytest.raises(CommandError, match="no report 'TL-99999999'"):
        run("show", "TL-99999999")


def test_list_filters(routed: Report) -> None:
    rows = json.loads(run("list", "--json"))
    assert [r["reference"] for r in rows] == [routed.reference]
    assert json.loads(run("list", "--state", "MH", "--json"))[0]["external_id"] == "R-77"
    assert json.loads(run("list", "--state", "DL", "--json")) == []
    assert json.loads(run("list", "--source", "ncmec", "--json")) == []
    assert "R-77" in run("list")
    assert run("list", "--status", "closed") == "no reports\n"
