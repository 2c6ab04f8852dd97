"""Hostile and broken input is refused with a clear reason, and nothing is half-written."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tipline.accounts.services import system_user
from tipline.intake.ingest import ingest_paths
from tipline.intake.models import (
    Artifact,
    Identifier,
    IpEvent,
    Place,
    Rejection,
    Report,
    ReportFile,
    Subject,
)
from tipline.intake.tests import builders as b
from tipline.intake.values import limits_reset

pytestmark = pytest.mark.django_db


def run(*paths: Path) -> tuple[Any, list[str]]:
    batch = ingest_paths(paths=list(paths), actor=system_user("test"))
    reasons = list(Rejection.objects.filter(batch=batch).values_list("reason", flat=True))
    return batch, reasons


def assert_no_orphans() -> None:
    """Every child row belongs to a report that exists: nothing half-written."""
    ids = set(Report.objects.values_list("id", flat=True))
    for model in (Subject, ReportFile, Place, IpEvent, Identifier, Artifact):
        assert set(model.objects.values_list("report_id", flat=True)) <= ids


def test_doctype_and_external_entities_refused(tree: None, tmp_path: Path) -> None:
    path = tmp_path / "xxe.xml"
    path.write_bytes(b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                     + b"<reports>" + b.xml_report("X1").replace("user_one", "&x;").encode()
                     + b"</reports>")
    batch, reasons = run(path)
    assert batch.imported == 0 and Report.objects.count() == 0
    assert any("DOCTYPE is refused" in r for r in reasons)


def test_billion_laughs_refused(tree: None, tmp_path: Path) -> None:
    entities = '<!ENTITY a0 "lol">' + "".join(
        f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    path = tmp_path / "bomb.xml"
    path.write_text(f'<?xml version="1.0"?><!DOCTYPE r [{entities}]><reports>'
                    + b.xml_report("B1").replace("user_one", "&a9;") + "</reports>")
    batch, reasons = run(path)
    assert batch.imported == 0
    assert any("DOCTYPE is refused" in r for r in reasons)


def test_malformed_xml_keeps_earlier_good_reports(tree: None, tmp_path: Path) -> None:
    path = tmp_path / "broken.xml"
    path.write_bytes(b.xml_doc(b.xml_report("OK1"))[:-10] + b"<report><oops></reports>")
    batch, reasons = run(path)
    assert batch.imported == 1 and Report.objects.filter(external_id="OK1").exists()
    assert any("malformed XML" in r for r in reasons)


def test_invalid_utf8_refused(tree: None, tmp_path: Path) -> None:
    xml = tmp_path / "bad.xml"
    xml.write_bytes(b.xml_doc(b.xml_report("U1")).replace(b"Test", b"T\xff\xfest"))
    folder = b.ncmec_folder(tmp_path / "n", "1001")
    (folder / "1001.json").write_bytes((folder / "1001.json").read_bytes().replace(
        b"hub test", b"hub \xc3\x28 test"))
    csv_path = tmp_path / "bad.csv"
    csv_path.write_bytes(b"report_id,incident_type\nC1,caf\xe9\n")
    batch, reasons = run(xml, folder.parent, csv_path)
    assert batch.imported == 0 and Report.objects.count() == 0
    assert len(reasons) == 3
    assert all("UTF-8" in r for r in reasons), reasons


def test_wrong_types_rejected_with_field_names(tree: None, tmp_path: Path) -> None:
    root = tmp_path / "export"
    for rid, over in [("2001", {"priorityLevel": "high"}), ("2002", {"reportId": {"x": 1}}),
                      ("2003", {"dateReceived": "yesterday"}),
                      ("2004", {"reportedInformation": ["not", "an", "object"]})]:
        folder = b.ncmec_folder(root, rid)
        doc = json.loads((folder / f"{rid}.json").read_text())
        doc.update(over)
        (folder / f"{rid}.json").write_text(json.dumps(doc))
    b.ncmec_folder(root, "2005")
    batch, reasons = run(root)
    assert batch.imported == 1 and Report.objects.get().external_id == "2005"
    joined = " | ".join(reasons)
    assert "priorityLevel" in joined and "reportId" in joined and "dateReceived" in joined
    assert "reportedInformation must be an object" in joined
    assert_no_orphans()


def test_port_out_of_range_rejects_only_that_report(tree: None, tmp_path: Path) -> None:
    bad = b.xml_report("P2").replace("<port>44321</port>", "<port>99999</port>")
    path = tmp_path / "ports.xml"
    path.write_bytes(b.xml_doc(b.xml_report("P1"), bad, b.xml_report("P3")))
    batch, reasons = run(path)
    assert batch.imported == 2 and not Report.objects.filter(external_id="P2").exists()
    assert any("port" in r and "99999" in r for r in reasons)
    rejection = Rejection.objects.get(batch=batch)
    assert rejection.position == "report 2" and rejection.file.endswith("ports.xml")
    assert_no_orphans()


def test_absurdly_long_field_rejected(tree: None, tmp_path: Path, settings: Any) -> None:
    settings.MAX_FIELD_CHARS = 500
    limits_reset()
    try:
        path = tmp_path / "long.xml"
        path.write_bytes(b.xml_doc(b.xml_report("L1", screen="x" * 501), b.xml_report("L2")))
        batch, reasons = run(path)
    finally:
        limits_reset()
    assert batch.imported == 1
    assert any("screenName" in r and "501 characters" in r for r in reasons)


def test_oversized_file_rejects_its_report_whole(tree: None, tmp_path: Path, settings: Any) -> None:
    settings.MAX_UPLOAD_BYTES = 100
    root = tmp_path / "export"
    b.ncmec_folder(root, "3001")  # its image is larger than 100 bytes
    batch, reasons = run(root)
    assert batch.imported == 0 and Report.objects.count() == 0
    assert any("larger than the limit" in r for r in reasons)
    assert_no_orphans()
    assert not list((Path(settings.TIPLINE_HOME) / "blobs").glob(".incoming-*"))


def test_path_traversal_members_refused(tree: None, tmp_path: Path) -> None:
    path = tmp_path / "trav.zip"
    good = json.dumps(b.ncmec_json("4001")).encode()
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("4001/4001.json", good)
        zf.writestr("../escape/4002.json", json.dumps(b.ncmec_json("4002")))
        zf.writestr("/abs/4003.json", json.dumps(b.ncmec_json("4003")))
        zf.writestr("win\\4004.json", json.dumps(b.ncmec_json("4004")))
    batch, reasons = run(path)
    assert batch.imported == 1 and Report.objects.get().external_id == "4001"
    assert sum("path traversal" in r for r in reasons) == 3
    assert not (tmp_path / "escape").exists()


def test_file_name_climbing_out_of_report_folder_refused(tree: None, tmp_path: Path) -> None:
    path = tmp_path / "names.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("5001/5001.json", json.dumps(b.ncmec_json("5001", files=["../../secret.png"])))
    batch, reasons = run(path)
    assert batch.imported == 0 and any("path traversal" in r for r in reasons)


def test_zip_bomb_member_refused(tree: None, tmp_path: Path) -> None:
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("6001/6001.json", json.dumps(b.ncmec_json("6001")))
        zf.writestr("6002/6002.json", b" " * (30 * 1024 * 1024))  # ~1000x ratio
    batch, reasons = run(path)
    assert batch.imported == 1
    assert any("zip bomb" in r for r in reasons)


def test_zip_total_size_limit(tree: None, tmp_path: Path, settings: Any) -> None:
    settings.MAX_ZIP_TOTAL_BYTES = 1_000
    path = b.ncmec_zip(tmp_path / "big.zip", ["7001", "7002", "7003"])
    batch, reasons = run(path)
    assert batch.imported == 0 and any("would expand" in r for r in reasons)


def test_nested_zip_bomb_in_member(tree: None, tmp_path: Path) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as z2:
        z2.writestr("8001/8001.json", b"0" * (40 * 1024 * 1024))
    path = tmp_path / "outer.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("inner.zip", inner.getvalue())
        zf.writestr("8002/8002.json", json.dumps(b.ncmec_json("8002")))
    batch, reasons = run(path)
    assert batch.imported == 1 and any("zip bomb" in r for r in reasons)


def test_not_a_zip_and_unknown_types(tree: None, tmp_path: Path) -> None:
    fake = tmp_path / "fake.zip"
    fake.write_bytes(b"this is not a zip")
    exe = tmp_path / "tool.exe"
    exe.write_bytes(b"MZ")
    batch, reasons = run(fake, exe, tmp_path / "missing.xml")
    assert batch.imported == 0
    joined = " | ".join(reasons)
    assert "not a valid ZIP" in joined and "unsupported file type '.exe'" in joined
    assert "no such file" in joined


def test_csv_unknown_columns_and_bad_rows(tree: None, tmp_path: Path) -> None:
    path = tmp_path / "cols.csv"
    path.write_text("report_id,incident_tipe\nC1,x\n")
    other = tmp_path / "rows.csv"
    cp = f'"{b.CP}"'
    other.write_text(f"report_id,incident_type,ip_address\nC2,{cp},not-an-ip\n,{cp},\n"
                     f"C3,{cp},49.36.0.1\nC4,{cp},1.2.3.4,extra\n")
    batch, reasons = run(path, other)
    assert batch.imported == 1 and Report.objects.get().external_id == "C3"
    joined = " | ".join(reasons)
    assert "unknown columns: incident_tipe" in joined
    assert "not an IP address" in joined and "report_id is empty" in joined
    assert "4 cells, header has 3" in joined


def test_xlsx_that_is_not_a_workbook(tree: None, tmp_path: Path) -> None:
    path = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "not a workbook")
    batch, reasons = run(path)
    assert batch.imported == 0 and any("not a readable XLSX" in r for r in reasons)
