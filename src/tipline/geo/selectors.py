"""Reads of the geo step: where stored reports are, worked out from the clues they carry."""

from __future__ import annotations

from collections.abc import Sequence

from tipline.accounts.policies import get_scoped_or_404
from tipline.accounts.types import Viewer
from tipline.geo.clues import report_clues
from tipline.geo.models import ReportLocation
from tipline.geo.resolution import Resolution, resolve


def reports_resolve(*, report_ids: Sequence[int]) -> dict[int, Resolution]:
    """Each report's place from every clue it carries (read in bulk), fused into one answer
    with its candidates; the only place a report's place is worked out."""
    clues = report_clues(report_ids=report_ids)
    return {rid: resolve(clues[rid]) for rid in report_ids}


def report_location_get(*, user: Viewer, report_id: int) -> ReportLocation:
    """Where resolution last placed the report, with every candidate; Http404 when the report
    has no location yet or the user may not see it."""
    return get_scoped_or_404(ReportLocation.objects.select_related("unit"), user=user,
                             action="report.view", report_id=report_id)
