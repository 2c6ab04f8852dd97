"""The report page's location section: where resolution placed the report, and why."""

from __future__ import annotations

from typing import Any

from tipline.accounts.types import Viewer
from tipline.intake.models import Report
from tipline.intake.sections import ReportSection


def location_context(*, user: Viewer, report: Report) -> dict[str, Any]:
    """The report's location is read with the report (the page has checked its scope)."""
    return {"nav": "Location"}


LOCATION = ReportSection(name="location", slot="after_subjects", order=10,
                         template="geo/report_location.html", context=location_context)
