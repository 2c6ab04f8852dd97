"""The report page's review section: the decisions the viewer may see (never the media), and
a link to the report's review page for those who may see media."""

from __future__ import annotations

from typing import Any

from tipline.accounts import policies
from tipline.accounts.types import Viewer
from tipline.intake.dossier import fields
from tipline.intake.models import Report
from tipline.intake.sections import ReportSection
from tipline.review.models import Decision
from tipline.review.selectors import report_decisions


def review_context(*, user: Viewer, report: Report) -> dict[str, Any]:
    return {"decisions": report_decisions(user=user, report_id=report.pk),
            "media_link": policies.can(user, "media.view",
                                       jurisdiction_id=report.jurisdiction_id)}


REVIEW = ReportSection(name="review", slot="after_files", order=20,
                       template="review/report_decisions.html", context=review_context)


def decisions_part(report: Report) -> Any:
    """Reviewers' decisions on the report's files (`tipline reports show`)."""
    return [fields(d) for d in Decision.objects.filter(report=report).order_by("decided_at")]
