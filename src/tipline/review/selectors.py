"""Reads of review: the queue, a report's files to review, settings, decisions, throughput."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.db.models.functions import Coalesce, TruncDate, TruncHour
from django.http import Http404
from django.utils import timezone

from tipline.accounts import policies
from tipline.accounts.models import User
from tipline.accounts.types import Viewer
from tipline.intake.models import Report, ReportFile
from tipline.review.models import FINAL, Decision, ReviewerSettings, Verdict


def report_urgent() -> Q:
    """For a Report queryset: a child may be in imminent danger, so the report goes first in
    every queue and inbox. NCMEC's priority 1, the platform's escalation, or a reviewer's
    urgent flag on any of its decisions."""
    flagged = Decision.objects.filter(report=OuterRef("pk"), urgent=True)
    return Q(ncmec_priority=1) | Q(escalated=True) | Q(Exists(flagged))


def file_decided() -> Exists:
    """For a ReportFile queryset: the file has a confirmed / not CSAM decision."""
    return Exists(Decision.objects.filter(file=OuterRef("pk"), verdict__in=FINAL))


def files_awaiting() -> QuerySet[ReportFile]:
    """Stored files with no final decision (what still needs a person). Unscoped: a part of
    the queries below, which narrow it to reports the user may see."""
    return ReportFile.objects.filter(stored=True).filter(~file_decided())


def review_queue(*, user: User) -> QuerySet[Report]:
    """Current reports with files awaiting a decision that the user may decide on, in order:
    a match to a confirmed bank first (then a match to another bank), then the highest
    classifier score, then the rest, oldest received first. A report someone sent for a
    second opinion is not shown to them again (another reviewer takes it)."""
    pending = files_awaiting().filter(report=OuterRef("pk"))
    asked = Decision.objects.filter(report=OuterRef("pk"), reviewer=user,
                                    verdict=Verdict.SECOND_OPINION)
    second = Decision.objects.filter(report=OuterRef("pk"), verdict=Verdict.SECOND_OPINION)
    qs = (policies.scoped(Report.objects.filter(is_current=True), user=user,
                          action="review.decide")
          .filter(Exists(pending)).filter(~Exists(asked))
          .annotate(queue_priority=Coalesce("media__priority", 0,
                                            output_field=IntegerField()),
                    queue_risk=F("media__risk_score"),
                    second_opinion=Exists(second),
                    is_urgent=ExpressionWrapper(report_urgent(), output_field=BooleanField()))
          .select_related("media", "jurisdiction"))
    # NULL (no NCMEC priority) is not urgent: last, as PostgreSQL would put it first
    return qs.order_by(F("is_urgent").desc(nulls_last=True), "-queue_priority",
                       F("queue_risk").desc(nulls_last=True), "received_at", "pk")


def queue_page(*, user: User, limit: int = 50) -> list[Report]:
    """The first `limit` reports of the queue, each with `.pending` (its undecided stored
    files, with their scans): three queries however long the page."""
    reports = list(review_queue(user=user)[:limit])
    files = (files_awaiting().filter(report__in=[r.pk for r in reports])
             .select_related("scan").order_by("pk"))
    by_report: dict[int, list[ReportFile]] = {}
    for f in files:
        by_report.setdefault(f.report_id, []).append(f)
    for r in reports:
        r.pending = by_report.get(r.pk, [])  # type: ignore[attr-defined]
    return reports


def review_report(*, user: Viewer, pk: int) -> Report:
    """A report the user may see media of, with its stored files (scans, decisions, matches);
    404 otherwise."""
    decisions = Decision.objects.select_related("reviewer").order_by("decided_at", "pk")
    qs = Report.objects.select_related("media", "jurisdiction").prefetch_related(
        Prefetch("files", queryset=ReportFile.objects.filter(stored=True)
                 .select_related("scan").prefetch_related(
                     Prefetch("decisions", queryset=decisions), "signals")
                 .annotate(decided=file_decided()).order_by("pk")))
    return policies.get_scoped_or_404(qs, user=user, action="media.view", pk=pk)


def file_for_media(*, user: Viewer, pk: int) -> ReportFile:
    """A stored file whose report the user may see media of; 404 otherwise."""
    found = ReportFile.objects.filter(stored=True, pk=pk).first()
    if found is None:
        raise Http404("No such file")
    found.report = policies.get_scoped_or_404(Report.objects.all(), user=user,
                                              action="media.view", pk=found.report_id)
    return found


def report_decisions(*, user: Viewer, report_id: int) -> list[Decision]:
    """The report's decisions the user may see (its report page's), oldest first."""
    return list(policies.scoped(Decision.objects.filter(report_id=report_id), user=user,
                                action="report.view")
                .select_related("reviewer", "file").order_by("decided_at", "pk")[:500])


def reviewer_settings(*, user: User) -> ReviewerSettings:
    """The user's settings, or the protective defaults (unsaved) if they never changed them."""
    found = ReviewerSettings.objects.filter(user_id=user.pk).first()
    return found or ReviewerSettings(user_id=user.pk, updated_at=timezone.now())


@dataclass(frozen=True)
class Throughput:
    """Decisions per reviewer per day and per hour (local time) since `since`."""

    since: datetime
    per_day: list[dict[str, Any]]
    per_hour: list[dict[str, Any]]
    totals: list[dict[str, Any]]


def review_throughput(*, user: Viewer, days: int = 7, now: datetime | None = None) -> Throughput:
    """Decisions (one per file) per reviewer per day and hour over the last `days` days, on
    the reports the user may decide on (the page is for hub roles: every report)."""
    now = now or timezone.now()
    since = now - timedelta(days=days)
    qs = policies.scoped(Decision.objects.filter(decided_at__gte=since), user=user,
                         action="review.decide")
    tz = timezone.get_current_timezone()
    per_day = list(qs.annotate(day=TruncDate("decided_at", tzinfo=tz))
                   .values("reviewer__username", "day")
                   .annotate(n=Count("pk"), reports=Count("report", distinct=True))
                   .order_by("-day", "reviewer__username"))
    per_hour = list(qs.annotate(hour=TruncHour("decided_at", tzinfo=tz))
                    .values("reviewer__username", "hour")
                    .annotate(n=Count("pk")).order_by("-hour", "reviewer__username")[:500])
    totals = list(qs.values("reviewer__username")
                  .annotate(n=Count("pk"),
                            confirmed=Count("pk", filter=Q(verdict=Verdict.CONFIRMED)),
                            not_csam=Count("pk", filter=Q(verdict=Verdict.NOT_CSAM)),
                            second=Count("pk", filter=Q(verdict=Verdict.SECOND_OPINION)))
                  .order_by("-n", "reviewer__username"))
    return Throughput(since=since, per_day=per_day, per_hour=per_hour, totals=totals)
