"""The packets page: paged 50 at a time, filtered by status, place and date, headed by the
user's own scope (issue 13: 400 rows on one page, and hub users read "for your unit").

Packet rows are made directly (no ZIP is built): only the list is under test here.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tipline.dispatch.models import Packet
from tipline.jurisdictions.models import Jurisdiction

pytestmark = pytest.mark.django_db

T0 = datetime(2024, 3, 1, 6, 30, tzinfo=UTC)
URL = "dispatch:packet_list"


def _packets(code: str, n: int, *, start: datetime = T0, acknowledged: int = 0) -> list[Packet]:
    """`n` built packets for `code`, one a day from `start`; the first `acknowledged` of them
    acknowledged."""
    target = Jurisdiction.objects.get(code=code)
    out = []
    for k in range(n):
        at = start + timedelta(days=k)
        p = Packet.objects.create(target=target, created_at=at, ack_due_at=at + timedelta(days=3),
                                  sha256=f"{k:064x}", size=1, report_count=1,
                                  acknowledged_at=at + timedelta(hours=1) if k < acknowledged
                                  else None)
        Packet.objects.filter(pk=p.pk).update(series=p.pk)
        out.append(p)
    return out


def _refs(page: Any) -> list[str]:
    return re.findall(r"PKT-\d{6}-v\d", page.content.decode())


def _get(client: Client, user: Any, **params: str) -> Any:
    client.force_login(user)
    page = client.get(reverse(URL), params)
    assert page.status_code == 200
    return page


def test_fifty_a_page(client: Client, beed_officer: Any) -> None:
    _packets("IN-MH-BEED", 60)
    first = _get(client, beed_officer)
    assert len(_refs(first)) == 50
    assert b"page 1 of 2" in first.content
    second = _get(client, beed_officer, page="2")
    assert len(_refs(second)) == 10
    assert not set(_refs(first)) & set(_refs(second))


def test_filter_by_status(client: Client, beed_officer: Any) -> None:
    _packets("IN-MH-BEED", 6, acknowledged=2)
    assert len(_refs(_get(client, beed_officer, status="acknowledged"))) == 2
    assert len(_refs(_get(client, beed_officer, status="awaiting"))) == 4
    assert len(_refs(_get(client, beed_officer))) == 6


def test_filter_by_place_within_scope(client: Client, mh_nodal: Any,
                                      beed_officer: Any) -> None:
    beed = _packets("IN-MH-BEED", 3)
    pune = _packets("IN-MH-PUNE", 2)
    assert len(_refs(_get(client, mh_nodal))) == 5
    page = _get(client, mh_nodal, place="IN-MH-PUNE")
    assert sorted(_refs(page)) == sorted(p.reference for p in pune)
    # a place outside the user's scope is refused, and shows nothing of it
    page = _get(client, beed_officer, place="IN-MH-PUNE")
    assert sorted(_refs(page)) == sorted(p.reference for p in beed)
    assert b"not one of the" in page.content or b"Select a valid choice" in page.content


def test_filter_by_date_range(client: Client, beed_officer: Any) -> None:
    packets = _packets("IN-MH-BEED", 10)  # 1 to 10 March 2024
    page = _get(client, beed_officer, since="2024-03-03", until="2024-03-05")
    assert sorted(_refs(page)) == sorted(p.reference for p in packets[2:5])


def test_headings_name_the_users_scope(client: Client, analyst: Any, mh_nodal: Any,
                                       beed_officer: Any) -> None:
    _packets("IN-MH-BEED", 1)
    hub = _get(client, analyst).content.decode()
    assert "for your unit" not in hub and "all units" in hub
    nodal = _get(client, mh_nodal).content.decode()
    assert "for your unit" not in nodal and "Maharashtra" in nodal
    unit = _get(client, beed_officer).content.decode()
    assert "for your unit" not in unit and "Packets for Beed" in unit


def test_queries_do_not_grow_with_pages_or_filters(client: Client, mh_nodal: Any) -> None:
    _packets("IN-MH-BEED", 5)
    client.force_login(mh_nodal)
    url = reverse(URL)
    client.get(url)  # warm the per-process tree cache
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _packets("IN-MH-PUNE", 120, acknowledged=30)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url, {"page": "2"})
    assert len(_refs(page)) == 50
    assert len(many.captured_queries) == len(few.captured_queries)
    with CaptureQueriesContext(connection) as filtered:
        page = client.get(url, {"status": "awaiting", "place": "IN-MH-PUNE",
                                "since": "2024-03-01"})
    assert len(_refs(page)) == 50
    assert len(filtered.captured_queries) == len(few.captured_queries)
