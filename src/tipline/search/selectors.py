"""The search box: one query finds reports and cases by Tipline id (TL-..., TLC-...), NCMEC
report id, phone, email, IP address, screen name or profile URL, within the user's scope.

Every match is exact, through the normalised values the importers store and their blind
indexes (intake.selectors.report_search_ids: phones to E.164, emails and screen names to
lower case, IPs as `ipaddress` writes them), the same values linking compares: personal
values are sealed, so nothing here reads or compares plaintext, and a search costs one
index lookup per kind at any number of reports. A report outside the user's scope is left
out exactly as a report that does not exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from tipline.accounts.policies import scoped
from tipline.accounts.types import Viewer
from tipline.cases.models import Case
from tipline.intake.models import Report
from tipline.intake.selectors import TIPLINE_ID, report_search_ids

#: Tipline's id for a case: TLC-00000012 (its report's number)
CASE_ID = re.compile(r"^TLC-?0*(\d{1,12})$", re.IGNORECASE)

#: the most reports (and cases) a results page lists
RESULTS_LIMIT = 100

MIN_LENGTH, MAX_LENGTH = 3, 500


@dataclass(frozen=True)
class SearchResults:
    """What a query found that the user may see; `problem` says why nothing was searched."""

    query: str
    reports: list[Report] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    problem: str = ""
    more: bool = False  # more matched than RESULTS_LIMIT
    by_id: str = ""  # "report" or "case" when the query was a Tipline id (TL-..., TLC-...)


def search_problem(query: str) -> str:
    """Why `query` cannot be searched for ("" when it can)."""
    if not query:
        return _("Type what to look for.")
    if len(query) < MIN_LENGTH:
        return _("Type at least %(n)d characters: search matches whole values only.") % {
            "n": MIN_LENGTH}
    if len(query) > MAX_LENGTH:
        return _("That is longer than any value Tipline keeps (%(n)d characters).") % {
            "n": MAX_LENGTH}
    return ""


def search_run(*, user: Viewer, query: str) -> SearchResults:
    """The reports and cases the user may see that carry `query` exactly."""
    query = " ".join(query.split())
    if problem := search_problem(query):
        return SearchResults(query, problem=problem)
    if match := CASE_ID.match(query):
        cases = list(scoped(Case.objects.filter(report_id=int(match[1])), user=user,
                            action="report.view").select_related("unit", "report"))
        return SearchResults(query, cases=cases, by_id="case")
    ids = report_search_ids(query=query)
    reports = list(scoped(Report.objects.filter(pk__in=ids), user=user, action="report.view")
                   .select_related("jurisdiction").order_by("-pk")[:RESULTS_LIMIT + 1])
    more = len(reports) > RESULTS_LIMIT
    reports = reports[:RESULTS_LIMIT]
    cases = list(scoped(Case.objects.filter(report_id__in=[r.pk for r in reports]), user=user,
                        action="report.view").select_related("unit", "report")
                 .order_by("-report_id"))
    return SearchResults(query, reports=reports, cases=cases, more=more,
                         by_id="report" if TIPLINE_ID.match(query) else "")
