"""Writes of the geo step: each report's resolved place (`ReportLocation`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import orjson

from tipline.core.bulk import RawJson, delete_rows, insert_rows
from tipline.geo.locators import Candidate
from tipline.geo.models import ReportLocation
from tipline.geo.resolution import Resolution
from tipline.jurisdictions.selectors import jurisdiction_tree

LOCATION_COLUMNS = ("report", "country", "state", "district", "pin", "city", "unit",
                    "confidence", "conflict", "explanation", "candidates", "resolved_at")

#: a report's location as written, without its time: LOCATION_COLUMNS but the last
LocationRow = tuple[Any, ...]

def candidates_json(candidates: Sequence[Candidate]) -> RawJson:
    """The candidates as the JSONField stores them (each one's fields, in order), encoded
    once here rather than as objects by the writer."""
    if not candidates:
        return RawJson("[]")
    return RawJson(orjson.dumps(candidates).decode())


def location_row(report_id: int, result: Resolution) -> LocationRow:
    """One report's resolution as the row `locations_write` stores (plain values: a helper
    process may build it)."""
    unit = jurisdiction_tree().by_code.get(result.unit or "")
    return (report_id, result.country or "", result.state or "", result.district or "",
            result.pin or "", (result.city or "")[:100], unit.id if unit else None,
            result.confidence, result.conflict, result.explanation[:5000],
            candidates_json(result.candidates))


def locations_write(*, rows: Sequence[LocationRow], at: datetime) -> None:
    """Keep each report's resolution (rows of `location_row`), replacing the one before, with
    every candidate. Runs inside the caller's transaction (routing's), whose audit event
    names the reports."""
    delete_rows(ReportLocation, "report", [row[0] for row in rows])
    insert_rows(ReportLocation, LOCATION_COLUMNS, [(*row, at) for row in rows])


def locations_save(*, resolutions: Mapping[int, Resolution], at: datetime) -> None:
    """Keep each report's resolution (report id -> answer), replacing the one before, with
    every candidate. Runs inside the caller's transaction (routing's), whose audit event
    names the reports."""
    locations_write(rows=[location_row(rid, result) for rid, result in resolutions.items()],
                    at=at)
