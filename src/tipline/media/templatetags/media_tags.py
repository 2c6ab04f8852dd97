"""`{% report_media report %}`: the report page's media matches section."""

from __future__ import annotations

from typing import Any

from django import template

from tipline.media.models import ReportMedia
from tipline.media.selectors import report_matches

register = template.Library()


@register.inclusion_tag("media/report_media.html")
def report_media(report: Any) -> dict[str, Any]:
    """The report's media priority and matches (the report page has checked its scope)."""
    summary = ReportMedia.objects.filter(report_id=report.pk).first()
    found = summary is not None and (summary.matches or summary.suppressed)
    return {"summary": summary, "matches": report_matches(report_id=report.pk) if found else []}
