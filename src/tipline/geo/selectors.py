"""Reads of the geo step: where stored reports are, worked out from the clues they carry."""

from __future__ import annotations

from collections.abc import Sequence

from tipline.geo.clues import report_clues
from tipline.geo.resolution import Resolution, resolve


def reports_resolve(*, report_ids: Sequence[int]) -> dict[int, Resolution]:
    """Each report's place from every clue it carries (read in bulk), fused into one answer
    with its candidates; the only place a report's place is worked out."""
    clues = report_clues(report_ids=report_ids)
    return {rid: resolve(clues[rid]) for rid in report_ids}
