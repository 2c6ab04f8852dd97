"""Each importer on valid input: what lands in the store matches what was sent."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from tipline.accounts.services import system_user
from tipline.core.blobs import blob_path, blob_read
from tipline.core.crypto import decrypt_bytes
from tipline.intake.ingest import ingest_paths
from tipline.intake.models import Artifact, Identifier, IpEvent, Place, Report, ReportFile, Subject
from tipline.intake.tests import builders as b

pytestmark = pytest.mark.django_db


def ingest(*paths: Path) -> Any:
    return ingest_paths(paths=list(paths), actor=system_user("test"))


def test_xml_report_is_normalised(tree: None, tmp_path: Path) -> None:
    path = tmp_path / "one.xml"
    path.write_bytes(b.xml_doc(b.xml_report("R1")))
    batch = ingest(path)
    assert (batch.imported, batch.rejected) == (1, 0)
    report = Report.objects.get(external_id="R1")
    assert report.source == "platform"
    assert report.incident_type == b.CP
    assert report.annotations == ["sextortion"]
    # the place it names is kept for routing, which alone decides where it belongs: until
    # then it waits at the national level
    assert report.jurisdiction.code == "IN"
    assert list(report.places.values_list("kind", "city", "state", "postal_code", "country")) \
        == [("address", "Beed", "Maharashtra", "431122", "IN")]
    suspect = Subject.objects.get(report=report, role="suspect")
    assert suspect.emails == ["one@example.in"]
    assert suspect.phones == ["+919876543210"]
    assert suspect.screen_name == "user_one"
    assert suspect.device_ids == [{"type": "IMEI", "value": "356938035643809"}]
    event = IpEvent.objects.get(report=report)
    assert (event.ip, event.port, event.event) == ("49.36.10.20", 44321, "Login")
    assert event.occurred_at.isoformat() == "2024-03-01T09:00:00+00:00"
    f = ReportFile.objects.get(report=report)
    assert f.md5 == "0123456789abcdef0123456789abcdef" and not f.stored
    kinds = set(Identifier.objects.filter(report=report).values_list("kind", "value"))
    assert {("email", "one@example.in"), ("phone", "+919876543210"),
            ("screen_name", "user_one"), ("device_id", "356938035643809"),
            ("md5", "0123456789abcdef0123456789abcdef")} <= kinds
    assert not {k for k, _ in kinds} & {"ip"}  # IPs are linked from IpEvent (port, time)
    assert report.urls == ["https://example.com/a"]
    source = batch.paths[0]
    assert blob_read(source["sha256"]) == path.read_bytes()  # the whole file, byte-for-byte
    artifact = Artifact.objects.get(report=report)
    raw = decrypt_bytes(bytes(artifact.data))
    assert hashlib.sha256(raw).hexdigest() == artifact.sha256 == report.content_sha256
    assert b"<screenName>user_one</screenName>" in raw


def test_many_reports_under_one_root_stream(tree: None, tmp_path: Path) -> None:
    path = tmp_path / "many.xml"
    path.write_bytes(b.xml_doc(*[b.xml_report(f"R{i}", screen=f"s{i}") for i in range(30)]))
    batch = ingest(path)
    assert batch.imported == 30
    assert Report.objects.count() == 30
    names = set(Subject.objects.values_list("screen_name", flat=True))
    assert names == {f"s{i}" for i in range(30)}


def test_ncmec_export_folder_keeps_raw_artifacts_and_encrypts_files(
    tree: None, tmp_path: Path
) -> None:
    folder = b.ncmec_folder(tmp_path, "1001", seed=3)
    batch = ingest(folder.parent)
    assert batch.imported == 1
    report = Report.objects.get(external_id="1001")
    assert report.source == "ncmec"
    assert report.ncmec_priority == 2 and report.referral == "referral"
    assert report.received_at.isoformat() == "2020-01-15T10:32:11+00:00"
    assert report.incident_at.isoformat() == "2020-01-14T02:30:00+00:00"
    assert report.platform == "ExampleGram"
    assert report.ncmec_notes == "related to nothing"
    suspect = report.subjects.get()
    assert suspect.first_name == ""  # "N/A" is no name
    assert suspect.phones == ["+919820012345"]
    assert suspect.profile_urls == ["https://example.com/shadow"]
    geo = Place.objects.get(report=report, kind="ncmec_geo")
    assert (geo.state, geo.city, geo.ip, geo.latitude) == (
        "Maharashtra", "Beed", "106.200.1.2", 18.99)
    kinds = dict(Artifact.objects.filter(report=report).values_list("kind", "sha256"))
    json_bytes = (folder / "1001.json").read_bytes()
    pdf_bytes = (folder / "1001.pdf").read_bytes()
    assert kinds["json"] == hashlib.sha256(json_bytes).hexdigest()
    assert kinds["pdf"] == hashlib.sha256(pdf_bytes).hexdigest()
    assert blob_read(kinds["pdf"]) == pdf_bytes
    image = (folder / "files" / "img3.png").read_bytes()
    f = ReportFile.objects.get(report=report)
    assert f.stored and f.size == len(image)
    assert (f.md5, f.sha1, f.sha256) == (
        hashlib.md5(image).hexdigest(), hashlib.sha1(image).hexdigest(),  # noqa: S324
        hashlib.sha256(image).hexdigest())
    on_disk = blob_path(f.sha256).read_bytes()
    assert image not in on_disk and blob_read(f.sha256) == image
    assert f.classification == "B1" and f.viewed_by_esp is True and f.mime == "image/png"


@pytest.mark.parametrize("nested", [False, True])
def test_ncmec_zip_with_many_reports(tree: None, tmp_path: Path, nested: bool) -> None:
    path = b.ncmec_zip(tmp_path / "export.zip", [f"{2000 + i}" for i in range(12)], nested=nested)
    batch = ingest(path)
    assert (batch.imported, batch.rejected) == (12, 0)
    assert ReportFile.objects.filter(stored=True).count() == 12
    assert Artifact.objects.filter(kind="pdf").count() == 12


def _rows() -> list[list[str]]:
    return [
        ["report_id", "incident_type", "date_received", "suspect_email", "suspect_phone",
         "ip_address", "ip_port", "ip_datetime", "state", "district", "pin_code", "file_md5",
         "file_name"],
        ["C1", b.CP, "2021-07-01T10:00:00Z", "a@example.in;b@example.in", "9876500001",
         "49.36.1.1;49.36.1.2", "1000;2000", "2021-07-01T09:00:00Z;2021-07-01T09:05:00Z",
         "MH", "Pune", "411001", "d41d8cd98f00b204e9800998ecf8427e", "x.jpg"],
        ["C2", b.CP, "07-02-2021 11:00:00", "", "", "", "", "", "Delhi", "", "", "", ""],
    ]


def _check_batch_rows() -> None:
    c1 = Report.objects.get(external_id="C1")
    assert c1.source == "batch" and c1.jurisdiction.code == "IN"  # until routed
    assert list(c1.places.values_list("district", "state", "postal_code")) == [
        ("Pune", "MH", "411001")]
    assert sorted(c1.subjects.get().emails) == ["a@example.in", "b@example.in"]
    assert list(c1.ip_events.order_by("port").values_list("port", flat=True)) == [1000, 2000]
    assert c1.files.get().md5 == "d41d8cd98f00b204e9800998ecf8427e"
    c2 = Report.objects.get(external_id="C2")
    assert list(c2.places.values_list("state", flat=True)) == ["Delhi"]
    assert c2.received_at.isoformat() == "2021-07-02T11:00:00+00:00"


def test_csv_batch(tree: None, tmp_path: Path) -> None:
    path = tmp_path / "batch.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(_rows())
    batch = ingest(path)
    assert (batch.imported, batch.rejected) == (2, 0)
    _check_batch_rows()


def test_xlsx_batch(tree: None, tmp_path: Path) -> None:
    path = tmp_path / "batch.xlsx"
    book = Workbook()
    for row in _rows():
        book.active.append(row)
    book.save(path)
    batch = ingest(path)
    assert (batch.imported, batch.rejected) == (2, 0)
    _check_batch_rows()


def test_ingest_command_prints_summary(tree: None, tmp_path: Path, capsys: Any) -> None:
    good = tmp_path / "good.xml"
    good.write_bytes(b.xml_doc(b.xml_report("G1"), b.xml_report("G2", incident_type="Bogus")))
    with pytest.raises(SystemExit) as exited:
        call_command("ingest", str(good), "--quiet")
    assert exited.value.code == 1
    out = capsys.readouterr().out
    assert "imported 1, duplicates skipped 0, new versions 0, rejected 1" in out
    assert "report 2" in out and "is not a CyberTipline type" in out


def test_loose_values_are_tolerated(tree: None, tmp_path: Path) -> None:
    person = {"screenName": {"value": ["first", "second"]}, "espUserId": ["", "42"],
              "approximateAge": 17.0, "emails": {"emails": [{"value": " A@Example.IN "}]}}
    doc = b.ncmec_json("9001", priorityLevel=["", "1"])
    doc["reportedInformation"]["reportedPeople"]["reportedPersons"] = [person]
    folder = tmp_path / "9001"
    folder.mkdir()
    (folder / "9001.json").write_text(__import__("json").dumps(doc))
    batch = ingest(tmp_path)
    assert (batch.imported, batch.rejected) == (1, 0)
    report = Report.objects.get(external_id="9001")
    assert report.ncmec_priority == 1
    s = report.subjects.get()
    assert (s.screen_name, s.esp_user_id, s.age, s.emails) == ("first", "42", 17, ["a@example.in"])


def test_a_single_ncmec_json_finds_its_pdf_and_files(tree: None, tmp_path: Path) -> None:
    folder = b.ncmec_folder(tmp_path, "1234", seed=5)
    batch = ingest(folder / "1234.json")
    assert batch.imported == 1
    report = Report.objects.get(external_id="1234")
    assert report.files.get().stored
    assert set(report.artifacts.values_list("kind", flat=True)) == {"json", "pdf"}


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_batches_inside_a_zip(tree: None, tmp_path: Path, kind: str) -> None:
    """A batch file in a ZIP is read like one on disk (a CSV crashed the whole import)."""
    if kind == "csv":
        sheet = io.StringIO()
        csv.writer(sheet).writerows(_rows())
        data = sheet.getvalue().encode()
    else:
        book, out = Workbook(), io.BytesIO()
        for row in _rows():
            book.active.append(row)
        book.save(out)
        data = out.getvalue()
    archive = tmp_path / "batches.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(f"one/batch.{kind}", data)
    batch = ingest(archive)
    assert (batch.status, batch.imported, batch.rejected) == ("done", 2, 0)
    _check_batch_rows()
