"""Every list page's filters, fuzzed (hypothesis): whatever the query string holds (any text,
any day from year 1 to 9999, numbers too large for a column, NUL characters, the filters' own
good values), the page answers, and never with a server error. A refused value is a form error
the page names (or, in the JSON API, a 422), never a 500.

Each row of LISTS is a list page with every parameter its filters read; a new filter
parameter belongs in its row. Bounded and reproducible: derandomized, a few dozen examples a
page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tipline.accounts.services import api_token_create
from tipline.cases.services import cases_open
from tipline.intake.models import Report

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class ListPage:
    """A list page, who opens it, and the query parameters its filters read."""

    path: str
    persona: str
    params: tuple[str, ...]
    api: bool = False

    def __str__(self) -> str:
        return f"{self.path} as {self.persona}"


REPORT_FILTERS = ("q", "received_from", "received_to", "state", "source", "priority",
                  "incident_type", "status", "versions", "sort", "cursor")

LISTS = [
    ListPage("/reports/", "analyst", REPORT_FILTERS),
    ListPage("/reports/", "beed_officer", REPORT_FILTERS),
    ListPage("/cases/", "analyst", ("state",)),
    ListPage("/cases/unit/IN-MH-BEED/", "beed_officer", ("status", "page")),
    ListPage("/audit/", "auditor", ("action", "object_id", "before", "after")),
    ListPage("/routing/queue/", "analyst", ("at", "before")),
    ListPage("/routing/inbox/", "beed_officer", ("unit", "before")),
    ListPage("/routing/units/", "analyst", ("state", "format")),
    ListPage("/review/throughput/", "reviewer", ("days",)),
    ListPage("/api/reports/", "analyst", (*REPORT_FILTERS, "limit"), api=True),
    ListPage("/api/cases/", "beed_officer", ("unit", "status", "page", "limit"), api=True),
    ListPage("/api/funnel/", "analyst", ("state",), api=True),
    ListPage("/api/clusters/", "analyst", ("after", "limit"), api=True),
    ListPage("/api/units/", "analyst", ("state",), api=True),
    ListPage("/api/packets/", "beed_officer", ("box", "limit"), api=True),
]

#: the filters' own good values and the edges that have broken them
KNOWN = ["", "0", "-1", "1", "2", "7", "99", "9" * 30, "9999-12-31", "0001-01-01",
         "2024-03-01", "IN", "IN-MH", "IN-MH-BEED", "IN-MH-PUNE", "MH", "KA", "newest",
         "oldest", "priority", "routed", "received", "ncmec", "on", "csv", "sent", "received",
         "TL-00000001", "TLC-00000001", "report.viewed", "\x00", "%", "'", "a\x00b"]

#: values every parameter of every list is tried with, one at a time, before the fuzzing
EDGES = ["9" * 30, "-1", "0001-01-01", "9999-12-31", "a\x00b", "%", "x" * 300]

VALUES = st.one_of(
    st.sampled_from(KNOWN),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=24),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)


@pytest.fixture
def records(make_report: Callable[..., Report], analyst: Any) -> None:
    """A few reports in Beed and Pune, each with its case, so the lists have rows to filter."""
    at = datetime(2024, 3, 1, 6, 30, tzinfo=UTC)
    reports = [make_report(node, status=Report.Status.ROUTED, received_at=at,
                           platform="ExampleChat", ncmec_priority=1)
               for node in ("IN-MH-BEED", "IN-MH-BEED", "IN-MH-PUNE")]
    cases_open(actor=None, report_ids=[r.pk for r in reports])


@pytest.fixture
def opener(request: pytest.FixtureRequest, records: None) -> Callable[[ListPage], Any]:
    """opener(page): a function that GETs the page as its persona with given parameters."""

    def open_as(page: ListPage) -> Callable[[dict[str, str]], Any]:
        user = request.getfixturevalue(page.persona)
        client = Client(raise_request_exception=False)
        headers: dict[str, str] = {}
        if page.api:
            _, token = api_token_create(actor=None, user=user, name="filters")
            headers["Authorization"] = f"Bearer {token}"
        else:
            client.force_login(user)
        return lambda params: client.get(page.path, params, headers=headers)

    return open_as


@pytest.mark.parametrize("page", LISTS, ids=str)
def test_a_list_opens_without_filters(opener: Callable[..., Any], page: ListPage) -> None:
    """The persona of each row reaches its page (so the fuzzing below reaches the filters)."""
    assert opener(page)({}).status_code == 200


@pytest.mark.parametrize("page", LISTS, ids=str)
def test_no_edge_value_is_a_server_error(opener: Callable[..., Any], page: ListPage) -> None:
    """Each parameter alone with each value that has broken a filter somewhere."""
    get = opener(page)
    failures = [(name, value, status) for name in page.params for value in EDGES
                if (status := get({name: value}).status_code) >= 500]
    assert not failures


@pytest.mark.parametrize("page", LISTS, ids=str)
def test_no_query_string_is_a_server_error(opener: Callable[..., Any], page: ListPage) -> None:
    get = opener(page)

    @settings(max_examples=40, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(query=st.dictionaries(st.sampled_from(page.params), VALUES, max_size=4))
    def fuzz(query: dict[str, str]) -> None:
        status = get(query).status_code
        assert status < 500, (page.path, query, status)
        if not page.api:
            assert status in (200, 302, 404), (page.path, query, status)

    fuzz()
