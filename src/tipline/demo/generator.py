"""A synthetic NCMEC law-enforcement export, shaped like India's first five months (2019-20).

`generate_export` writes one ZIP with one folder per report::

    <reportId>/<reportId>.json     the report, as NCMEC's JSON (see docs in the package README)
    <reportId>/<reportId>.pdf      a short human-readable summary (valid PDF 1.4)
    <reportId>/files/<filename>    each uploaded file (generated benign PNG/JPEG images)

and, beside it, a ground-truth CSV (never inside the export) with where each report really
belongs, for measuring geo-resolution and routing:

    report_id, state (ISO 3166-2:IN code without "IN-"), district (as indian-pincode names it),
    kind (consistent | missing | contradictory | foreign), area (police unit: "Pune City",
    "Pimpri-Chinchwad", "Pune Rural", "Mumbai", or the district's name), decoy_state (for a
    contradictory report: the state the misleading clue points to), truth_from (address |
    geolocation | none), pin and city (of the true place: the police unit that covers them is
    the right one)

Deterministic: the same `reports` and `seed` give the same bytes (JSON, PDF, files, ZIP, CSV).
Every value is invented; every "file" is abstract geometry labelled "DEMO FILE nnn".

This module writes the export; `plan` says where each report is, `report` builds one report
(with `people`, `places`, `values` and `report_pdf`), `data` holds the reference tables.
"""

from __future__ import annotations

import csv
import json
import time
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from tipline.demo.plan import KINDS
from tipline.demo.report import Built, ReportBuilder

GENERATOR_VERSION = "2"  # 2: ground truth carries the true PIN and city

#: zlib level for JSON and PDF members: fast; the images (most of the bytes) are stored
ZIP_LEVEL = 1

GROUND_TRUTH_HEADER = (
    "report_id",
    "state",
    "district",
    "kind",
    "area",
    "decoy_state",
    "truth_from",
    "pin",
    "city",
)


class Progress(Protocol):
    def update(self, *, done: int, total: int | None = None, note: str = "") -> None: ...


@dataclass
class GenerationSummary:
    """What `generate_export` wrote: where, how many reports and files, how they spread."""

    out_zip: Path
    ground_truth_csv: Path
    reports: int
    seed: int
    files: int = 0
    distinct_images: int = 0
    zip_bytes: int = 0
    seconds: float = 0.0
    by_state: dict[str, int] = field(default_factory=dict)
    by_kind: dict[str, int] = field(default_factory=dict)
    recurring_suspect_reports: int = 0


@dataclass
class _Tally:
    """Counts kept while the export is written."""

    files: int = 0
    by_state: Counter[str] = field(default_factory=Counter)
    by_kind: Counter[str] = field(default_factory=Counter)
    images_used: set[str] = field(default_factory=set)


def _zinfo(name: str, when: datetime, *, deflate: bool) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    return info


def _write_report(zf: zipfile.ZipFile, truth: Any, built: Built, tally: _Tally) -> None:
    """One report's folder in the ZIP (JSON, PDF, files) and its ground-truth row."""
    rid = built.report_id
    for suffix, data in ((".json", built.json_bytes), (".pdf", built.pdf_bytes)):
        zf.writestr(
            _zinfo(f"{rid}/{rid}{suffix}", built.received, deflate=True),
            data,
            compresslevel=ZIP_LEVEL,
        )
    for filename, image in built.files:
        zf.writestr(_zinfo(f"{rid}/files/{filename}", built.received, deflate=False), image.data)
        tally.images_used.add(image.md5)
    tally.files += len(built.files)
    truth.writerow(built.truth)
    tally.by_state[built.truth[1] or "foreign"] += 1
    tally.by_kind[built.truth[3]] += 1


def _write(
    tmp_zip: Path, tmp_csv: Path, gen: ReportBuilder, progress: Progress | None
) -> _Tally:
    """Every report into the ZIP `tmp_zip` and the ground truth into `tmp_csv`."""
    reports, seed = gen.reports, gen.seed
    tally = _Tally()
    with (
        zipfile.ZipFile(tmp_zip, "w", allowZip64=True) as zf,
        tmp_csv.open("w", encoding="utf-8", newline="") as fh,
    ):
        zf.comment = (
            f"Tipline synthetic demo export: {reports} reports, seed {seed}, generator "
            f"v{GENERATOR_VERSION}. Not real data."
        ).encode()
        truth = csv.writer(fh, lineterminator="\n")
        truth.writerow(GROUND_TRUTH_HEADER)
        for index in range(reports):
            _write_report(zf, truth, gen.build(index), tally)
            if progress is not None and (index % 250 == 0 or index == reports - 1):
                progress.update(done=index + 1, total=reports)
    return tally


def generate_export(
    *,
    out_zip: Path,
    ground_truth_csv: Path,
    reports: int = 25000,
    seed: int = 7,
    progress: Progress | None = None,
) -> GenerationSummary:
    """Write the synthetic export to `out_zip` and its ground truth to `ground_truth_csv`."""
    if reports < 1:
        raise ValueError("reports must be at least 1")
    started = time.monotonic()
    out_zip = Path(out_zip)
    ground_truth_csv = Path(ground_truth_csv)
    out_zip.parent.mkdir(parents=True, exist_ok=True)
    ground_truth_csv.parent.mkdir(parents=True, exist_ok=True)
    gen = ReportBuilder(reports, seed)
    tmp_zip = out_zip.with_name(out_zip.name + ".part")
    tmp_csv = ground_truth_csv.with_name(ground_truth_csv.name + ".part")
    tally = _write(tmp_zip, tmp_csv, gen, progress)
    tmp_zip.replace(out_zip)
    tmp_csv.replace(ground_truth_csv)
    return GenerationSummary(
        out_zip,
        ground_truth_csv,
        reports,
        seed,
        files=tally.files,
        distinct_images=len(tally.images_used),
        zip_bytes=out_zip.stat().st_size,
        seconds=time.monotonic() - started,
        by_state=dict(tally.by_state.most_common()),
        by_kind={k: tally.by_kind.get(k, 0) for k in KINDS},
        recurring_suspect_reports=sum(1 for s in gen.slots if s.group >= 0),
    )


def build_report(*, index: int, reports: int = 25000, seed: int = 7) -> dict[str, Any]:
    """One report's JSON (as a dict) without writing an export; for tests and exploring."""
    built = ReportBuilder(reports, seed).build(index)
    return json.loads(built.json_bytes)


def read_ground_truth(path: Path) -> list[dict[str, str]]:
    """The ground-truth CSV's rows, as dicts keyed by GROUND_TRUTH_HEADER."""
    with Path(path).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))
