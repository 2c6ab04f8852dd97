"""Each report's media summary (`ReportMedia`): its priority from live matches, and its
highest classifier risk. Recomputed by the scan, by scoring and by bank changes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from django.db.models import Count, Max

from tipline.media.models import FileScan, HashBank, Match, ReportMedia


def reports_refresh(*, report_ids: Iterable[int]) -> None:
    """Recompute each report's media summary (priority, matches, categories) from its matches.

    Only live matches count: not suppressed, entry not deleted, bank enabled and not a safelist.
    """
    ids = sorted(set(report_ids))
    if not ids:
        return
    now = datetime.now(UTC)
    live = (Match.objects.filter(report_id__in=ids, entry__deleted=False, bank__enabled=True,
                                 bank__kind=HashBank.Kind.NORMAL))
    summary: dict[int, dict[str, Any]] = {
        rid: {"priority": 0, "matches": 0, "suppressed": 0, "categories": set()} for rid in ids}
    for rid, suppressed, confirmed, category in live.values_list(
            "report_id", "suppressed", "bank__confirmed", "entry__category"):
        s = summary[rid]
        if suppressed:
            s["suppressed"] += 1
            continue
        s["matches"] += 1
        s["priority"] = max(s["priority"], 2 if confirmed else 1)
        if category:
            s["categories"].add(category)
    scanned = dict(FileScan.objects.filter(file__report_id__in=ids).values("file__report_id")
                   .annotate(n=Count("pk")).values_list("file__report_id", "n"))
    risk = dict(FileScan.objects.filter(file__report_id__in=ids, risk_score__isnull=False)
                .values("file__report_id").annotate(r=Max("risk_score"))
                .values_list("file__report_id", "r"))
    ReportMedia.objects.bulk_create(
        [ReportMedia(report_id=rid, priority=s["priority"], matches=s["matches"],
                     suppressed=s["suppressed"],
                     categories=", ".join(sorted(s["categories"]))[:300],
                     files_scanned=scanned.get(rid, 0), risk_score=risk.get(rid),
                     updated_at=now) for rid, s in summary.items()],
        update_conflicts=True, unique_fields=["report"],
        update_fields=["priority", "matches", "suppressed", "categories", "files_scanned",
                       "risk_score", "updated_at"],
    )
