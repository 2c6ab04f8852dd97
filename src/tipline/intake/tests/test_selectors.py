"""The report list's reads: scope, filters and keyset pagination (forwards, backwards, nulls)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.http import Http404

from tipline.intake.models import IpEvent, Report, ReportFile, Source, Subject
from tipline.intake.selectors import (
    Cursor,
    ReportFilters,
    report_detail,
    report_filter_states,
    report_list_page,
)
from tipline.jurisdictions.selectors import jurisdiction_tree

pytestmark = pytest.mark.django_db

T0 = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


def _state_id(code: str) -> int:
    return jurisdiction_tree().by_code[code].id


def _walk_forward(user: Any, filters: ReportFilters, limit: int) -> list[list[int]]:
    pages: list[list[int]] = []
    cursor = None
    while True:
        page = report_list_page(user=user, filters=filters, cursor=cursor, limit=limit)
        pages.append([r.pk for r in page.rows])
        if page.next_cursor is None:
            return pages
        cursor = page.next_cursor
        assert len(pages) < 100


def test_thirty_reports_page_of_25_then_5_without_overlap(
    analyst: Any, make_report: Callable[..., Report]
) -> None:
    made = [make_report(received_at=T0 + timedelta(minutes=i)) for i in range(30)]
    newest_first = [r.pk for r in reversed(made)]

    first = report_list_page(user=analyst, filters=ReportFilters(), limit=25)
    assert [r.pk for r in first.rows] == newest_first[:25]
    assert first.previous_cursor is None and first.next_cursor

    second = report_list_page(
        user=analyst, filters=ReportFilters(), cursor=first.next_cursor, limit=25
    )
    assert [r.pk for r in second.rows] == newest_first[25:]
    assert second.next_cursor is None and second.previous_cursor

    back = report_list_page(
        user=analyst, filters=ReportFilters(), cursor=second.previous_cursor, limit=25
    )
    assert [r.pk for r in back.rows] == newest_first[:25]
    assert back.previous_cursor is None and back.next_cursor


@pytest.mark.parametrize("limit", [1, 4, 7])
@pytest.mark.parametrize("sort", ["newest", "oldest", "priority"])
@pytest.mark.parametrize("in_state", [False, True], ids=["everywhere", "state-filter"])
def test_every_sort_walks_all_rows_once_in_order_with_ties_and_empty_values(
    analyst: Any, make_report: Callable[..., Report], sort: str, limit: int, in_state: bool
) -> None:
    # in a state, the rows lie in several of its places (on PostgreSQL read per place)
    nodes = ["IN-MH-BEED", "IN-MH-PUNE", "IN-MH"] if in_state else ["IN"]
    made = []
    for i in range(23):
        received = None if i % 7 == 0 else T0 + timedelta(hours=i % 4)  # ties and nulls
        priority = None if i % 5 == 0 else 1 + i % 3
        made.append(make_report(nodes[i % len(nodes)], received_at=received,
                                ncmec_priority=priority))
    if in_state:
        make_report("IN-KA-BENGALURU-URBAN", received_at=T0)  # another state's: never shown

    def key(r: Report) -> tuple[Any, ...]:
        t = r.received_at.timestamp() if r.received_at else 0.0
        if sort == "newest":
            return (r.received_at is None, -t, -r.pk)
        if sort == "oldest":
            return (r.received_at is None, t, r.pk)
        p = r.ncmec_priority or 0
        return (r.ncmec_priority is None, p, r.received_at is None, -t, -r.pk)

    expected = [r.pk for r in sorted(made, key=key)]
    filters = ReportFilters(sort=sort, state_id=_state_id("IN-MH") if in_state else None)
    pages = _walk_forward(analyst, filters, limit=limit)
    assert [pk for page in pages for pk in page] == expected
    assert all(len(p) == limit for p in pages[:-1])

    # and backwards from the last page, page by page, to the first
    cursor = None
    last = None
    while True:
        last = report_list_page(user=analyst, filters=filters, cursor=cursor, limit=limit)
        if last.next_cursor is None:
            break
        cursor = last.next_cursor
    seen: list[list[int]] = [[r.pk for r in last.rows]]
    while last.previous_cursor:
        last = report_list_page(
            user=analyst, filters=filters, cursor=last.previous_cursor, limit=limit
        )
        seen.insert(0, [r.pk for r in last.rows])
    assert [pk for page in seen for pk in page] == expected
    assert seen == pages


def test_sort_by_priority_with_priority_filter(
    analyst: Any, make_report: Callable[..., Report]
) -> None:
    ones = [make_report(ncmec_priority=1, received_at=T0 + timedelta(minutes=i)) for i in range(5)]
    make_report(ncmec_priority=None)
    make_report(ncmec_priority=2)
    pages = _walk_forward(analyst, ReportFilters(sort="priority", priority=1), limit=2)
    assert [pk for page in pages for pk in page] == [r.pk for r in reversed(ones)]


def test_scope_beed_officer_never_sees_pune(
    beed_officer: Any, pune_officer: Any, mh_nodal: Any, make_report: Callable[..., Report]
) -> None:
    beed = make_report("IN-MH-BEED")
    pune = make_report("IN-MH-PUNE")
    national = make_report("IN")
    assert [r.pk for r in report_list_page(user=beed_officer, filters=ReportFilters()).rows] == [
        beed.pk
    ]
    assert [r.pk for r in report_list_page(user=pune_officer, filters=ReportFilters()).rows] == [
        pune.pk
    ]
    assert {r.pk for r in report_list_page(user=mh_nodal, filters=ReportFilters()).rows} == {
        beed.pk,
        pune.pk,
    }
    assert national.pk not in {
        r.pk for r in report_list_page(user=mh_nodal, filters=ReportFilters()).rows
    }


def test_no_grant_and_auditor_see_nothing(
    nobody: Any, auditor: Any, make_report: Callable[..., Report]
) -> None:
    make_report()
    assert report_list_page(user=nobody, filters=ReportFilters()).rows == []
    assert report_list_page(user=auditor, filters=ReportFilters()).rows == []


def test_state_filter_is_intersected_with_scope(
    analyst: Any, beed_officer: Any, make_report: Callable[..., Report]
) -> None:
    beed = make_report("IN-MH-BEED")
    pune = make_report("IN-MH-PUNE")
    karnataka = make_report("IN-KA")
    mh = ReportFilters(state_id=_state_id("IN-MH"))
    ka = ReportFilters(state_id=_state_id("IN-KA"))
    assert {r.pk for r in report_list_page(user=analyst, filters=mh).rows} == {beed.pk, pune.pk}
    assert [r.pk for r in report_list_page(user=analyst, filters=ka).rows] == [karnataka.pk]
    assert [r.pk for r in report_list_page(user=beed_officer, filters=mh).rows] == [beed.pk]
    assert report_list_page(user=beed_officer, filters=ka).rows == []
    assert report_list_page(user=analyst, filters=ReportFilters(state_id=999_999)).rows == []


def test_filters_narrow_the_list(analyst: Any, make_report: Callable[..., Report]) -> None:
    # 2020-01-01 20:00 UTC is 2 January 01:30 in IST: the date filter works in IST.
    late = make_report(received_at=datetime(2020, 1, 1, 20, 0, tzinfo=UTC))
    early = make_report(received_at=datetime(2020, 1, 1, 10, 0, tzinfo=UTC))
    public = make_report(source=Source.PUBLIC, received_at=datetime(2020, 2, 1, tzinfo=UTC))
    urgent = make_report(ncmec_priority=1, incident_type="Child Sex Trafficking")
    closed = make_report(status=Report.Status.CLOSED)

    def pks(**kw: Any) -> set[int]:
        return {r.pk for r in report_list_page(user=analyst, filters=ReportFilters(**kw)).rows}

    assert pks(received_from=date(2020, 1, 2), received_to=date(2020, 1, 2)) == {late.pk}
    assert early.pk in pks(received_to=date(2020, 1, 1))
    assert late.pk not in pks(received_to=date(2020, 1, 1))
    assert pks(received_from=date(2020, 1, 15)) == {public.pk}
    assert pks(source=Source.PUBLIC) == {public.pk}
    assert pks(priority=1) == {urgent.pk}
    assert pks(incident_type="Child Sex Trafficking") == {urgent.pk}
    assert pks(status=Report.Status.CLOSED) == {closed.pk}


def test_earlier_versions_hidden_unless_asked(
    analyst: Any, make_report: Callable[..., Report]
) -> None:
    old = make_report(external_id="X1", is_current=False, status=Report.Status.SUPERSEDED)
    new = make_report(external_id="X1", version=2, supersedes=old)
    assert {r.pk for r in report_list_page(user=analyst, filters=ReportFilters()).rows} == {new.pk}
    everything = report_list_page(user=analyst, filters=ReportFilters(all_versions=True))
    assert {r.pk for r in everything.rows} == {old.pk, new.pk}


def test_bad_or_foreign_cursor_reads_from_the_start(
    analyst: Any, make_report: Callable[..., Report]
) -> None:
    made = [make_report(received_at=T0 + timedelta(minutes=i)) for i in range(3)]
    newest = [r.pk for r in reversed(made)]
    for cursor in ["garbage", "eyJ4IjoxfQ", Cursor(sort="oldest", values=(T0, 1)).encode()]:
        page = report_list_page(user=analyst, filters=ReportFilters(), cursor=cursor)
        assert [r.pk for r in page.rows] == newest


def test_filter_states_follow_scope(analyst: Any, beed_officer: Any, nobody: Any) -> None:
    assert len(report_filter_states(user=analyst)) == 36
    assert [s.code for s in report_filter_states(user=beed_officer)] == ["IN-MH"]
    assert report_filter_states(user=nobody) == []


def test_report_detail_groups_and_scopes(
    beed_officer: Any, pune_officer: Any, make_report: Callable[..., Report]
) -> None:
    v1 = make_report("IN-MH-BEED", external_id="77", is_current=False)
    v2 = make_report("IN-MH-BEED", external_id="77", version=2, supersedes=v1)
    elsewhere = make_report("IN-MH-PUNE", external_id="77", version=3)
    Subject.objects.create(report=v2, role=Subject.Role.VICTIM, age=14)
    suspect = Subject.objects.create(report=v2, role=Subject.Role.SUSPECT, screen_name="x")
    f = ReportFile.objects.create(report=v2, filename="a.jpg", sha256="ab" * 32)
    IpEvent.objects.create(report=v2, subject=suspect, file=f, ip="203.0.113.9", port=4431)

    d = report_detail(user=beed_officer, pk=v2.pk)
    assert [role for role, _ in d.subjects_by_role] == ["Suspect", "Victim"]
    assert d.subject_names[suspect.pk] == "x"
    assert [v.pk for v in d.versions] == [v1.pk]  # the Pune version is not his to see
    assert d.file_names[f.pk] == "a.jpg"
    with pytest.raises(Http404):
        report_detail(user=beed_officer, pk=elsewhere.pk)
    with pytest.raises(Http404):
        report_detail(user=pune_officer, pk=v2.pk)
    with pytest.raises(Http404):
        report_detail(user=beed_officer, pk=10**9)


def test_search_finds_reports_by_number_identifier_and_ip_within_scope(
    analyst: Any, beed_officer: Any, make_report: Callable[..., Report]
) -> None:
    from tipline.intake.models import Identifier

    beed = make_report("IN-MH-BEED", external_id="123456789")
    pune = make_report("IN-MH-PUNE")
    other = make_report("IN-MH-BEED")
    Identifier.objects.create(report=beed, kind=Identifier.Kind.EMAIL, value="a.b@example.com",
                              origin="suspect.email")
    Identifier.objects.create(report=pune, kind=Identifier.Kind.EMAIL, value="a.b@example.com",
                              origin="suspect.email")
    Identifier.objects.create(report=pune, kind=Identifier.Kind.PHONE, value="+919812345678",
                              origin="suspect.phone")
    IpEvent.objects.create(report=other, ip="203.0.113.9", port=4431)

    def found(user: Any, query: str) -> set[int]:
        page = report_list_page(user=user, filters=ReportFilters(query=query), limit=25)
        return {r.pk for r in page.rows}

    assert found(analyst, "123456789") == {beed.pk}
    assert found(analyst, " A.B@Example.com ") == {beed.pk, pune.pk}  # stored lower case
    assert found(analyst, "98123 45678") == {pune.pk}  # stored as E.164
    assert found(analyst, "203.0.113.9") == {other.pk}
    assert found(analyst, "203.0.113.10") == set()
    assert found(analyst, "nothing like it") == set()
    assert found(beed_officer, "a.b@example.com") == {beed.pk}  # Pune's is out of scope
    assert found(beed_officer, "+919812345678") == set()


def test_search_from_the_query_string(client: Any, analyst: Any,
                                      make_report: Callable[..., Report]) -> None:
    wanted = make_report("IN-MH-BEED", external_id="555000111")
    make_report("IN-MH-BEED")
    client.force_login(analyst)
    response = client.get("/reports/", {"q": "555000111"})
    assert response.status_code == 200
    assert [r.pk for r in response.context["page"].rows] == [wanted.pk]
