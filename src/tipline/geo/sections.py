"""The report page's location section: where resolution placed the report, and why."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext

from tipline.accounts.types import Viewer
from tipline.geo.models import ReportLocation
from tipline.intake.dossier import fields
from tipline.intake.models import Report
from tipline.intake.sections import ReportSection


def location_context(*, user: Viewer, report: Report) -> dict[str, Any]:
    """The report's location is read with the report (the page has checked its scope)."""
    return {"nav": gettext("Location")}


LOCATION = ReportSection(name="location", slot="after_subjects", order=10,
                         template="geo/report_location.html", context=location_context)


def location_part(report: Report) -> Any:
    """The report's resolved place, with every candidate (`tipline reports show`)."""
    location = ReportLocation.objects.filter(report=report).select_related("unit").first()
    if location is None:
        return None
    out = fields(location)
    out["unit"] = location.unit.code if location.unit else None
    return out
