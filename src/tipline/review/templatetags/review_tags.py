"""`{% report_review report %}`: the report page's review decisions (no media)."""

from __future__ import annotations

from typing import Any

from django import template

from tipline.accounts import policies
from tipline.review.selectors import report_decisions

register = template.Library()


@register.inclusion_tag("review/report_decisions.html", takes_context=True)
def report_review(context: dict[str, Any], report: Any) -> dict[str, Any]:
    """The report's decisions the viewer may see, and a link to its review page for those
    who may see media."""
    user = context.get("user")
    return {"decisions": report_decisions(user=user, report_id=report.pk), "report": report,
            "media_link": policies.can(user, "media.view",
                                       jurisdiction_id=report.jurisdiction_id)}
