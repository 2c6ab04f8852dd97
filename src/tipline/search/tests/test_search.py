"""The search box: a report found by each kind of identifier within the user's scope, and
never outside it (Prakash in Pune searching a Beed report's phone gets what a missing one
gets); Tipline ids open the record; bad input is told why."""

from __future__ import annotations

import re
from html import escape
from typing import Any
from urllib.parse import quote_plus

import pytest

from tipline.cases.models import Case
from tipline.cases.services import cases_open
from tipline.intake.blind import ip_index
from tipline.intake.models import Identifier, IpEvent, Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def beed_report(make_report: Any) -> Report:
    """A Beed report carrying one identifier of each kind, stored as the importers store
    them (emails and screen names lower case, phones E.164)."""
    report = make_report("IN-MH-BEED", external_id="NCMEC-77001", status=Report.Status.ROUTED)
    for kind, value, service in (("email", "ramesh.p@example.in", ""),
                                 ("phone", "+919812345678", ""),
                                 ("screen_name", "ramesh_77", "ExampleChat"),
                                 ("url", "https://chat.example/u/ramesh_77", "")):
        Identifier.objects.create(report=report, kind=kind, value=value, service=service,
                                  origin="suspect")
    IpEvent.objects.create(report=report, ip="49.36.10.20", ip_index=ip_index("49.36.10.20"),
                           port=4431)
    return report


#: each kind, typed the way a person would (other case, spacing, a national phone form)
QUERIES = ["NCMEC-77001", "Ramesh.P@Example.in", "098123 45678", "+91 98123 45678",
           "49.36.10.20", "RAMESH_77", "https://chat.example/u/ramesh_77"]


@pytest.mark.parametrize("query", QUERIES)
def test_finds_a_report_by_each_identifier_within_scope(
        query: str, beed_report: Report, beed_officer: Any, mh_nodal: Any, analyst: Any,
        client: Any) -> None:
    for user in (beed_officer, mh_nodal, analyst):
        client.force_login(user)
        page = client.get("/search/", {"q": query})
        assert page.status_code == 200
        assert f'href="/reports/{beed_report.pk}/"' in page.content.decode(), user


@pytest.mark.parametrize("query", QUERIES)
def test_never_outside_scope(query: str, beed_report: Report, pune_officer: Any,
                             client: Any) -> None:
    client.force_login(pune_officer)
    outside = client.get("/search/", {"q": query})
    missing = client.get("/search/", {"q": "nobody@example.in"})
    assert outside.status_code == missing.status_code == 200
    assert f'href="/reports/{beed_report.pk}/"' not in outside.content.decode()
    # the very page a value nobody carries gets, but for the query it repeats
    assert _page(outside.content.decode(), query) == _page(missing.content.decode(),
                                                           "nobody@example.in")


def _page(html: str, query: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    # the query shows as typed, and in the language switch's `next` (the page's own URL)
    return html.replace(escape(query), "QUERY").replace(escape(quote_plus(query)), "QUERY")


def test_tipline_ids_open_the_record(beed_report: Report, beed_officer: Any,
                                     pune_officer: Any, client: Any) -> None:
    cases_open(actor=None, report_ids=[beed_report.pk])
    case = Case.objects.get(report=beed_report)
    client.force_login(beed_officer)
    for query in (beed_report.reference, beed_report.reference.lower(), f"TL-{beed_report.pk}"):
        response = client.get("/search/", {"q": query})
        assert response.status_code == 302, query
        assert response["Location"] == f"/reports/{beed_report.pk}/"
    response = client.get("/search/", {"q": case.reference})
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    # found by an identifier, the report's case is listed with it
    page = client.get("/search/", {"q": "ramesh_77"}).content.decode()
    assert f'href="/cases/{case.pk}/"' in page
    client.force_login(pune_officer)  # outside: nothing to open, like a missing id
    for query in (beed_report.reference, case.reference):
        response = client.get("/search/", {"q": query})
        assert response.status_code == 200
        assert "No report you may see" in response.content.decode()
    assert "TL-99999999" in client.get("/search/", {"q": "TL-99999999"}).content.decode()


@pytest.mark.parametrize(("query", "status", "says"), [
    ("", 200, "Type what to look for."), ("  ", 200, "Type what to look for."),
    ("ab", 400, "at least 3 characters"), ("x" * 501, 400, "longer than any value"),
])
def test_bad_input_is_told_why(query: str, status: int, says: str, beed_officer: Any,
                               client: Any) -> None:
    client.force_login(beed_officer)
    response = client.get("/search/", {"q": query})
    assert response.status_code == status and says in response.content.decode()


def test_the_box_is_on_every_page_for_those_who_may_search(
        beed_officer: Any, auditor: Any, client: Any) -> None:
    client.force_login(beed_officer)
    assert 'action="/search/"' in client.get("/routing/units/").content.decode()
    client.force_login(auditor)  # may not see reports: no box, and the page is missing
    assert client.get("/search/", {"q": "NCMEC-77001"}).status_code == 404


def test_anonymous_is_sent_to_login(client: Any) -> None:
    response = client.get("/search/", {"q": "NCMEC-77001"})
    assert response.status_code == 302 and "/login/" in response["Location"]
