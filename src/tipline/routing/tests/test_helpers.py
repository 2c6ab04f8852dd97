"""Routing with helper processes (TIPLINE_ROUTE_PROCESSES) places every report exactly as
routing in one process does: the same locations, units, statuses and clusters."""

from __future__ import annotations

import base64
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

BIN = Path(sys.executable).parent / "tipline"


def _opened(home: Path, row: tuple[object, ...]) -> tuple[object, ...]:
    """A location row with its sealed explanation and candidates (core.fields) opened with
    that data folder's key: each run seals under its own key and nonces."""
    aead = AESGCM(base64.b64decode((home / "keys" / "data-1.key").read_bytes()))

    def opened(value: object, column: str) -> object:
        if not isinstance(value, str) or not value:
            return value
        raw = base64.b64decode(value.rsplit("$", 1)[1])
        return aead.decrypt(raw[:12], raw[12:], f"geo_reportlocation.{column}".encode())

    return (*row[:-2], opened(row[-2], "explanation"), opened(row[-1], "candidates"))


def demo_home(home: Path, processes: int) -> list[list[tuple[object, ...]]]:
    """Run the demo (generate, import, route, link) on a fresh data folder routing with
    `processes`, and read back what routing stored."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TIPLINE_")}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(TIPLINE_HOME=str(home), TIPLINE_ROUTE_PROCESSES=str(processes))
    argv = [str(BIN)] if BIN.exists() else [sys.executable, "-m", "tipline.cli"]
    done = subprocess.run([*argv, "demo", "--reports", "550", "--seed", "5", "--quiet"],  # noqa: S603
                          env=env, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(home / "tipline.sqlite3") as db:
        reports, locations, clusters = [db.execute(sql).fetchall() for sql in (
            "SELECT id, jurisdiction_id, status, source FROM intake_report ORDER BY id",
            "SELECT report_id, country, state, district, pin, city, unit_id, confidence, "
            "conflict, explanation, candidates FROM geo_reportlocation ORDER BY report_id",
            "SELECT report_id, cluster, lead_id FROM routing_reportcluster ORDER BY report_id",
        )]
    return [reports, [_opened(home, row) for row in locations], clusters]


def test_helper_processes_route_exactly_as_one_process(tmp_path: Path) -> None:
    alone = demo_home(tmp_path / "alone", 1)
    helped = demo_home(tmp_path / "helped", 2)
    reports, locations, clusters = helped
    # every report routed, in two chunks: the export's 550, the demo platform's 27 (one in
    # twenty), one public tip, and what the demo's trawl filed (the banked demo images it
    # found on its generated web: one to six, as the seed's images fall)
    assert len(reports) == len(locations)
    assert len([r for r in reports if r[3] != "trawler"]) == 550 + 27 + 1
    assert 1 <= len([r for r in reports if r[3] == "trawler"]) <= 6
    assert {status for _, _, status, _ in reports} != {"new"}
    assert clusters  # the demo links some reports
    # the trawler's reports name the time they were fetched, which differs from run to run:
    # both runs place them alike (the demo's web is on 127.0.0.1: nowhere), the rest exactly
    trawled = {r[0] for r in reports if r[3] == "trawler"}
    for run in (alone, helped):
        assert all(loc[2] == "" and loc[6] is None for loc in run[1] if loc[0] in trawled)
    assert [without(rows, trawled) for rows in helped] == [without(rows, trawled)
                                                           for rows in alone]


def without(rows: list[tuple[object, ...]], ids: set[object]) -> list[tuple[object, ...]]:
    """The rows not about the reports `ids` (each row's first value is its report's id)."""
    return [row for row in rows if row[0] not in ids]
