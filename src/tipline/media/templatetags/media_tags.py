"""`{% report_media report %}`: the report page's media matches section."""

from __future__ import annotations

from typing import Any

from django import template

from tipline.media.selectors import report_matches, report_media_summary

register = template.Library()


@register.inclusion_tag("media/report_media.html", takes_context=True)
def report_media(context: dict[str, Any], report: Any) -> dict[str, Any]:
    """The report's media priority and matches, as far as the viewer may see them."""
    user = context.get("user")
    summary = report_media_summary(user=user, report_id=report.pk)
    found = summary is not None and (summary.matches or summary.suppressed)
    return {"summary": summary,
            "matches": report_matches(user=user, report_id=report.pk) if found else []}
