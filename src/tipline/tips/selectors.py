"""Reads of the tips app: a tip's status in plain words, for whoever holds its tracking
number and secret, and whether an address is over its limit.

The status look-up reads the tip's report for the system (no user: the secret is the
credential) and gives out one word of it, never the report.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache

from django.contrib.auth.hashers import check_password, make_password

from tipline.cases.models import Case
from tipline.geo.models import ReportLocation
from tipline.intake.models import Report
from tipline.review.models import Decision
from tipline.tips.codes import normalise
from tipline.tips.models import AddressCount, Tip, window_start

#: what a tipster may be told, in order
RECEIVED, ASSESSED, FORWARDED, CLOSED = "received", "assessed", "forwarded", "closed"


@lru_cache(maxsize=1)
def _decoy() -> str:
    """A hash to check a secret against when no tip has the number, so a wrong number takes
    as long to refuse as a wrong secret."""
    return make_password("no such tip")


def tip_status(*, tracking: str, secret: str) -> str | None:
    """The tip's status (RECEIVED, ASSESSED, FORWARDED or CLOSED) when the tracking number and
    secret match; None otherwise, the same for a wrong number as for a wrong secret."""
    tip = Tip.objects.filter(tracking=normalise(tracking)[:20]).select_related("report").first()
    if tip is None:
        check_password(normalise(secret), _decoy())
        return None
    if not check_password(normalise(secret), tip.secret_hash):
        return None
    return _status_of(tip.report)


def _status_of(report: Report) -> str:
    """The report's progress in a tipster's words: closed; forwarded to the police (routed
    to a unit, a case opened); being assessed (reviewed, or its place resolved); received."""
    case_status = Case.objects.filter(report=report).values_list("status", flat=True).first()
    if report.status == Report.Status.CLOSED or case_status == Case.Status.CLOSED:
        return CLOSED
    if case_status or report.status in (Report.Status.ROUTED, Report.Status.DISPATCHED):
        return FORWARDED
    if (report.status == Report.Status.IN_REVIEW
            or ReportLocation.objects.filter(report=report).exists()
            or Decision.objects.filter(report=report).exists()):
        return ASSESSED
    return RECEIVED


def address_over(*, scope: str, address: str, limit: int,
                 now: datetime | None = None) -> bool:
    """Whether the address has reached its limit of `scope` in the current window."""
    now = now or datetime.now(UTC)
    window = window_start(scope, now)
    count = (AddressCount.objects.filter(scope=scope, address=address, window=window)
             .values_list("count", flat=True).first())
    return (count or 0) >= limit
