"""Reads of the media scan: banks with their counts, a report's matches, files to scan."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet

from tipline.accounts.policies import scoped
from tipline.accounts.types import Viewer
from tipline.intake.models import ReportFile
from tipline.media.models import HashBank, Match, ReportMedia


def bank_list() -> list[dict[str, Any]]:
    """Every bank with its settings and live / deleted entry counts (no report data: the
    `tipline hashes list` command's)."""
    banks = HashBank.objects.annotate(
        live=Count("entries", filter=Q(entries__deleted=False)),
        withdrawn=Count("entries", filter=Q(entries__deleted=True)),
        matched=Count("matches", distinct=True),
    ).order_by("name")
    return [{"name": b.name, "kind": b.kind, "enabled": b.enabled, "confirmed": b.confirmed,
             "pdq_threshold": b.pdq_threshold, "entries": b.live, "deleted": b.withdrawn,
             "matches": b.matched, "category_map": b.category_map} for b in banks]


def report_media_summary(*, user: Viewer, report_id: int) -> ReportMedia | None:
    """The report's media priority and match counts, if the user may see the report."""
    return scoped(ReportMedia.objects.filter(report_id=report_id), user=user,
                  action="report.view").first()


def report_matches(*, user: Viewer, report_id: int) -> list[Match]:
    """The report's matches the user may see, best first."""
    return list(scoped(Match.objects.filter(report_id=report_id), user=user,
                       action="report.view")
                .select_related("bank", "entry", "file")
                .order_by("suppressed", "distance", "pk")[:200])


def files_to_scan(*, batch_id: int | None = None, since: datetime | None = None,
                  until: datetime | None = None) -> QuerySet[ReportFile]:
    """Files of current reports, optionally of one import batch or imported in a period.
    Unscoped: for the scan (service, task and command), never a page."""
    qs = ReportFile.objects.filter(report__is_current=True)
    if batch_id is not None:
        qs = qs.filter(report__batch_id=batch_id)
    if since is not None:
        qs = qs.filter(report__imported_at__gte=since)
    if until is not None:
        qs = qs.filter(report__imported_at__lt=until)
    return qs.order_by("pk")
