"""The synthetic NCMEC export: determinism, distribution, JSON shape, PDFs, ground truth."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import subprocess
import zipfile
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import indian_pincode
import pytest

from tipline.demo import data as ref
from tipline.demo.generator import GROUND_TRUTH_HEADER, build_report, generate_export
from tipline.demo.pdf import text_pdf
from tipline.demo.plan import plan
from tipline.demo.values import END, START

try:
    from pypdf import PdfReader
except ImportError:  # checked by hand below instead
    PdfReader = None

N = 300


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("demo")
    summary = generate_export(
        out_zip=folder / "export.zip", ground_truth_csv=folder / "truth.csv", reports=N, seed=7
    )
    zf = zipfile.ZipFile(summary.out_zip)
    reports = {}
    for name in zf.namelist():
        if name.endswith(".json"):
            doc = json.loads(zf.read(name))
            reports[doc["reportId"]] = doc
    with summary.ground_truth_csv.open(encoding="utf-8", newline="") as fh:
        truth = list(csv.DictReader(fh))
    return {"summary": summary, "zip": zf, "reports": reports, "truth": truth, "folder": folder}


def _state_of(text: str) -> str | None:
    """ISO code for a state as the generator may spell it (name, region, alias, code)."""
    wanted = text.strip().lower()
    for s in ref.STATES:
        spellings = {s.code, s.name, s.region, *s.variants}
        if s.code == "DL":
            spellings.add("Delhi")
        if wanted in {x.strip().lower() for x in spellings}:
            return s.code
    return None


# --------------------------------------------------------------------------- determinism


def test_same_seed_same_bytes(export: dict[str, Any], tmp_path: Path) -> None:
    again = generate_export(
        out_zip=tmp_path / "e.zip", ground_truth_csv=tmp_path / "t.csv", reports=N, seed=7
    )
    first = export["summary"]
    assert (
        hashlib.sha256(again.out_zip.read_bytes()).digest()
        == hashlib.sha256(first.out_zip.read_bytes()).digest()
    )
    assert again.ground_truth_csv.read_bytes() == first.ground_truth_csv.read_bytes()
    # one report's JSON, byte for byte
    rid = export["truth"][17]["report_id"]
    name = f"{rid}/{rid}.json"
    assert zipfile.ZipFile(again.out_zip).read(name) == export["zip"].read(name)
    assert build_report(index=17, reports=N, seed=7) == export["reports"][rid]


def test_other_seed_other_reports() -> None:
    assert build_report(index=3, reports=N, seed=7) != build_report(index=3, reports=N, seed=8)


# --------------------------------------------------------------------------- distribution


def test_distribution_on_2000_reports() -> None:
    slots = plan(2000, 7)
    by_state = Counter(s.state for s in slots if s.state)
    top = ["DL", "MH", "GJ", "UP", "WB"]
    counts = [by_state[c] for c in top]
    assert counts == sorted(counts, reverse=True) and len(set(counts)) == 5
    others = [n for code, n in by_state.items() if code not in top]
    assert max(others) < by_state["WB"]
    assert any(s.state == "MH" and s.district == "BEED" for s in slots)


def test_distribution_at_full_scale() -> None:
    slots = plan(25_000, 7)
    by_state = Counter(s.state for s in slots if s.state)
    assert len(by_state) == 36  # every state and UT
    assert by_state["MH"] == 1700
    mh = Counter(s.district for s in slots if s.state == "MH")
    assert mh["MUMBAI"] + mh["MUMBAI SUBURBAN"] == 490
    assert mh["PUNE"] == 579
    assert 24 <= mh["BEED"] <= 60
    pune = Counter(s.area for s in slots if s.district == "PUNE")
    assert pune == {"Pune City": 542, "Pimpri-Chinchwad": 25, "Pune Rural": 12}
    kinds = Counter(s.kind for s in slots)
    assert kinds == {"consistent": 21_500, "missing": 2_000, "contradictory": 1_250, "foreign": 250}
    recurring = Counter(s.group for s in slots if s.group >= 0)
    assert 0.045 * 25_000 <= sum(recurring.values()) <= 0.056 * 25_000
    assert set(recurring.values()) <= {2, 3, 4, 5}


# --------------------------------------------------------------------------- the export


def test_zip_layout(export: dict[str, Any]) -> None:
    zf: zipfile.ZipFile = export["zip"]
    names = zf.namelist()
    assert len(export["reports"]) == N
    for name in names:
        assert re.fullmatch(r"(\d+)/(\1\.json|\1\.pdf|files/[\w.-]+\.(jpg|png))", name), name
    for info in zf.infolist():
        stored = info.filename.endswith((".jpg", ".png"))
        assert info.compress_type == (zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
    assert not any("truth" in n.lower() for n in names)


def test_json_shape_and_hashes(export: dict[str, Any]) -> None:
    zf: zipfile.ZipFile = export["zip"]
    ids = list(export["reports"])
    assert len(set(ids)) == N and all(i.isdigit() for i in ids)
    for rid, doc in export["reports"].items():
        assert {
            "reportId",
            "dateReceived",
            "priorityLevel",
            "reportType",
            "reportedInformation",
            "ncmecNotes",
        } <= set(doc)
        assert doc["priorityLevel"] in {"1", "2", "3", ""}
        assert doc["reportType"] in {"Referral", "Informational"}
        info = doc["reportedInformation"]
        assert info["reportingEsp"]["espName"]
        assert {"incidentType", "incidentDateTime", "incidentDateTimeDescription"} <= set(
            info["incidentSummary"]
        )
        assert info["incidentDetails"]["webpageIncident"][0]["url"]
        person = info["reportedPeople"]["reportedPersons"][0]
        assert {"espUserId", "espService", "sourceInformation"} <= set(person)
        for cap in person["sourceInformation"]["sourceCaptures"]:
            assert cap["captureType"] in {"IP Address", "Profile URL"}
        files = info["uploadedFiles"]["uploadedFiles"]
        assert 1 <= len(files) <= 3
        for f in files:
            data = zf.read(f"{rid}/files/{f['filename']}")
            assert hashlib.md5(data, usedforsecurity=False).hexdigest() == f["verificationHash"]
            assert data[:3] == b"\xff\xd8\xff" or data[:8] == b"\x89PNG\r\n\x1a\n"
            assert f["viewedByEsp"] in {"true", "false"}
            assert f["publiclyAvailable"] in {"true", "false"}
            cap = f["sourceInformation"]["sourceCaptures"][0]
            assert cap["captureType"] == "IP Address" and cap["eventName"] == "Upload"
        for g in doc.get("ncmecGeolocation", []):
            assert {
                "ipAddress",
                "country",
                "region",
                "city",
                "postalCode",
                "latitude",
                "longitude",
                "isp",
            } <= set(g)


def test_dates_in_window_and_formats(export: dict[str, Any]) -> None:
    seen = Counter()
    for doc in export["reports"].values():
        text = doc["dateReceived"]
        if text.endswith(" UTC"):
            seen["us"] += 1
            when = datetime.strptime(text, "%m-%d-%Y %H:%M:%S UTC").replace(tzinfo=UTC)
        else:
            seen["iso"] += 1
            when = datetime.fromisoformat(text.replace("Z", "+00:00"))
        assert START - timedelta(seconds=1) <= when <= END + timedelta(seconds=1)
    assert seen["us"] and seen["iso"]


def test_files_and_suspects_recur(export: dict[str, Any]) -> None:
    md5s: Counter[str] = Counter()
    emails: Counter[str] = Counter()
    for doc in export["reports"].values():
        info = doc["reportedInformation"]
        md5s.update({f["verificationHash"] for f in info["uploadedFiles"]["uploadedFiles"]})
        person = info["reportedPeople"]["reportedPersons"][0]
        emails.update({e["value"] for e in person.get("emails", {}).get("emails", [])})
    assert len(md5s) <= 300 and max(md5s.values()) > 5
    assert any(2 <= n <= 5 for n in emails.values())


# --------------------------------------------------------------------------- PDFs


def _check_pdf(data: bytes, expect: str) -> None:
    assert data.startswith(b"%PDF-1.4") and data.rstrip().endswith(b"%%EOF")
    if PdfReader is None:
        # no pypdf: check the cross-reference table by hand
        start = int(re.search(rb"startxref\s+(\d+)", data).group(1))  # type: ignore[union-attr]
        assert data[start : start + 4] == b"xref"
        count = int(re.match(rb"xref\s+0 (\d+)", data[start:]).group(1))  # type: ignore[union-attr]
        table = data[start:].split(b"\n")[3 : 3 + count - 1]
        for number, row in enumerate(table, start=1):
            offset = int(row[:10])
            assert data[offset:].startswith(b"%d 0 obj" % number)
        return
    reader = PdfReader(io.BytesIO(data), strict=True)
    assert len(reader.pages) >= 1
    assert expect in reader.pages[0].extract_text()


def test_pdfs_are_valid(export: dict[str, Any]) -> None:
    zf: zipfile.ZipFile = export["zip"]
    for rid in list(export["reports"])[:25]:
        data = zf.read(f"{rid}/{rid}.pdf")
        _check_pdf(data, f"CyberTipline Report {rid}")
        assert rid.encode() in data  # the title in the Info dictionary


def test_pdf_renders_with_pdftoppm(export: dict[str, Any], tmp_path: Path) -> None:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    rid = next(iter(export["reports"]))
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(export["zip"].read(f"{rid}/{rid}.pdf"))
    done = subprocess.run(  # noqa: S603
        ["pdftoppm", "-png", "-r", "30", str(pdf), str(tmp_path / "page")],  # noqa: S607
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0 and not done.stderr, done.stderr
    assert (tmp_path / "page-1.png").exists()


def test_long_pdf_paginates() -> None:
    data = text_pdf(
        [("b", f"line {i} (with parentheses) and \\ backslash") for i in range(150)],
        title="t",
        footer="f",
    )
    _check_pdf(data, "line 0 (with parentheses) and \\ backslash")
    assert data.count(b"/Type /Page ") == 3


# --------------------------------------------------------------------------- ground truth


def test_ground_truth_matches_reports(export: dict[str, Any]) -> None:
    truth = export["truth"]
    assert tuple(truth[0]) == GROUND_TRUTH_HEADER
    assert [r["report_id"] for r in truth] == sorted(export["reports"], key=int)
    assert {r["report_id"] for r in truth} == set(export["reports"])
    kinds = Counter(r["kind"] for r in truth)
    assert kinds == {
        "consistent": N - 24 - 15 - 3,
        "missing": 24,
        "contradictory": 15,
        "foreign": 3,
    }
    for row in truth:
        if row["kind"] == "foreign":
            assert row["state"] == "" and row["district"] == ""
            continue
        assert row["state"] in ref.STATE_BY_CODE
        state = ref.STATE_BY_CODE[row["state"]]
        assert row["district"] in indian_pincode.list_districts(state.pincode_name)


def test_ground_truth_not_in_export(export: dict[str, Any]) -> None:
    for doc in list(export["reports"].values())[:50]:
        text = json.dumps(doc)
        for word in ("consistent", "contradictory", "decoy", "truth_from"):
            assert word not in text


def test_clues_agree_with_ground_truth(export: dict[str, Any]) -> None:
    for row in export["truth"]:
        doc = export["reports"][row["report_id"]]
        person = doc["reportedInformation"]["reportedPeople"]["reportedPersons"][0]
        addresses = person.get("addresses", {}).get("addresses", [])
        geo = doc.get("ncmecGeolocation", [])
        address_states = {_state_of(a["state"]) for a in addresses}
        geo_states = {_state_of(g["region"]) for g in geo if g["country"] == "IN"}
        kind = row["kind"]
        if kind == "missing":
            assert not addresses and not geo
        elif kind == "foreign":
            assert geo and all(g["country"] != "IN" for g in geo) and not addresses
        elif kind == "consistent":
            assert addresses or geo
            assert address_states | geo_states == {row["state"]}
            for a in addresses:
                if a["postalCode"].isdigit():
                    assert row["district"] in indian_pincode.get_districts(a["postalCode"])
        else:  # contradictory: one clue points at the truth, the other at the decoy state
            assert len(address_states) == 1 and len(geo_states) == 1
            assert address_states != geo_states
            assert {row["state"], row["decoy_state"]} == address_states | geo_states
            assert row["truth_from"] in {"address", "geolocation"}
