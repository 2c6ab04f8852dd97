"""The list endpoints cost the same number of queries for a page of one row as for a page of
many (no query per row)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tipline.cases.tests.helpers import open_case
from tipline.dispatch.services import packet_build
from tipline.routing.models import ReportCluster

pytestmark = pytest.mark.django_db
LISTS = ["/api/reports/", "/api/cases/", "/api/clusters/", "/api/packets/?box=sent"]


def _counts(api: Any) -> dict[str, int]:
    api.get("/api/reports/")  # the token's last use is noted once a minute: not counted
    counts = {}
    for path in LISTS:
        with CaptureQueriesContext(connection) as queries:
            assert api.get(path).status_code == 200
        counts[path] = len(queries)
    return counts


def _add(make_report: Callable[..., Any], analyst: Any, n: int) -> None:
    for _ in range(n):
        case = open_case(make_report, "IN-MH-BEED")
        ReportCluster.objects.create(report_id=case.report_id, cluster=case.report_id)
    packet_build(actor=analyst, target_code="IN-MH-BEED")


def test_a_list_costs_the_same_for_one_row_as_for_many(
        api_as: Callable[..., Any], make_report: Callable[..., Any], analyst: Any) -> None:
    api = api_as("hub_admin")
    _add(make_report, analyst, 1)
    one = _counts(api)
    _add(make_report, analyst, 6)
    many = _counts(api)
    assert many == one
