"""Writes of the geo step: each report's resolved place (`ReportLocation`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from tipline.core.bulk import insert_rows
from tipline.geo.models import ReportLocation
from tipline.geo.resolution import Resolution
from tipline.jurisdictions.selectors import jurisdiction_tree

LOCATION_COLUMNS = ("report", "country", "state", "district", "pin", "city", "unit",
                    "confidence", "conflict", "explanation", "candidates", "resolved_at")


def locations_save(*, resolutions: Mapping[int, Resolution], at: datetime) -> None:
    """Keep each report's resolution (report id -> answer), replacing the one before, with
    every candidate. Runs inside the caller's transaction (routing's), whose audit event
    names the reports."""
    tree = jurisdiction_tree()
    rows = []
    for rid, result in resolutions.items():
        unit = tree.by_code.get(result.unit or "")
        rows.append((
            rid, result.country or "", result.state or "", result.district or "",
            result.pin or "", (result.city or "")[:100], unit.id if unit else None,
            result.confidence, result.conflict,
            result.explanation[:5000], [dict(vars(c)) for c in result.candidates], at))
    ReportLocation.objects.filter(report_id__in=list(resolutions)).delete()
    insert_rows(ReportLocation, LOCATION_COLUMNS, rows)
