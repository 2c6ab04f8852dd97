"""The demo's export step: an export is kept only when made for the same size, seed and
generator version."""

from __future__ import annotations

import json
from pathlib import Path

from tipline.demo.generator import GENERATOR_VERSION
from tipline.demo.steps.generate import export_found


def _export(folder: Path, **stamp: object) -> None:
    (folder / "export.zip").write_bytes(b"PK")
    (folder / "ground_truth.csv").write_text("report_id\n", encoding="utf-8")
    (folder / "export.json").write_text(json.dumps(stamp), encoding="utf-8")


def test_the_same_export_is_kept(tmp_path: Path) -> None:
    _export(tmp_path, reports=30, seed=7, generator=GENERATOR_VERSION, zip_bytes=2)
    found = export_found(folder=tmp_path, reports=30, seed=7)
    assert found is not None and found.generated is None
    assert found.zip_path == tmp_path / "export.zip"
    assert found.summary() == (f"demo export already generated: {tmp_path / 'export.zip'} "
                               "(30 reports, seed 7)")


def test_another_size_seed_or_version_is_made_again(tmp_path: Path) -> None:
    for stamp in ({"reports": 31, "seed": 7, "generator": GENERATOR_VERSION},
                  {"reports": 30, "seed": 8, "generator": GENERATOR_VERSION},
                  {"reports": 30, "seed": 7, "generator": "1"}):
        _export(tmp_path, **stamp)
        assert export_found(folder=tmp_path, reports=30, seed=7) is None


def test_a_missing_or_broken_stamp_is_made_again(tmp_path: Path) -> None:
    assert export_found(folder=tmp_path, reports=30, seed=7) is None
    _export(tmp_path, reports=30, seed=7, generator=GENERATOR_VERSION)
    (tmp_path / "export.json").write_text("{not json", encoding="utf-8")
    assert export_found(folder=tmp_path, reports=30, seed=7) is None
    (tmp_path / "export.json").unlink()
    assert export_found(folder=tmp_path, reports=30, seed=7) is None
