"""The report page's media section: its priority and the hash matches the viewer may see."""

from __future__ import annotations

from typing import Any

from tipline.accounts.types import Viewer
from tipline.intake.dossier import fields
from tipline.intake.models import Report
from tipline.intake.sections import ReportSection
from tipline.media.models import Match
from tipline.media.selectors import report_matches, report_media_summary


def media_context(*, user: Viewer, report: Report) -> dict[str, Any]:
    summary = report_media_summary(user=user, report_id=report.pk)
    found = summary is not None and (summary.matches or summary.suppressed)
    return {"summary": summary,
            "matches": report_matches(user=user, report_id=report.pk) if found else []}


MEDIA = ReportSection(name="media", slot="after_files", order=10,
                      template="media/report_media.html", context=media_context)


def matches_part(report: Report) -> Any:
    """The report's hash matches (`tipline reports show`)."""
    return [{**fields(m), "bank": m.bank.name, "category": m.entry.category,
             "source_id": m.entry.source_id}
            for m in Match.objects.filter(report=report).select_related("bank", "entry")
            .order_by("id")]
