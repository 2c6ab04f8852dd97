"""The search results page, behind the box in every page's header."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from tipline.accounts.policies import gate
from tipline.accounts.types import AuthedRequest
from tipline.search.selectors import RESULTS_LIMIT, search_run


@gate("report.view")
@require_GET
def results(request: AuthedRequest) -> HttpResponse:
    """Reports and cases matching the query; a Tipline id that finds one record opens it."""
    found = search_run(user=request.user, query=request.GET.get("q", ""))
    if found.by_id == "report" and len(found.reports) == 1:
        return redirect("intake:report_detail", pk=found.reports[0].pk)
    if found.by_id == "case" and len(found.cases) == 1:
        return redirect("cases:case_detail", pk=found.cases[0].pk)
    return render(request, "search/results.html", {
        "section": "search", "found": found, "limit": RESULTS_LIMIT,
    }, status=400 if found.problem and found.query else 200)  # an empty box: just the form
