"""The case register as an Excel download from the case pages, scoped to the user.

Bhim (Beed) gets Beed's cases only, and 404 for Pune's or for a state; Meera (Maharashtra)
gets her state's, never Karnataka's; Harish (hub) gets every case; Nikhil (no grant) and
Aditi (auditor) get 404; an anonymous visitor is sent to log in.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tipline.audit.models import AuditEvent
from tipline.cases.export import HEADERS
from tipline.cases.models import Case
from tipline.cases.tests import scenario
from tipline.core.tests.test_sheets import assert_prints_well

pytestmark = pytest.mark.django_db
URL = "cases:register_export"


def _rows(response: Any) -> tuple[Any, list[dict[str, Any]]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["Cases"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    return sheet, [dict(zip(HEADERS, r, strict=True)) for r in rows[1:]]


def _codes(rows: list[dict[str, Any]]) -> set[str]:
    return {r["Unit code"] for r in rows}


def test_anonymous_and_unpermitted(client: Client, nobody: Any, auditor: Any) -> None:
    assert client.get(reverse(URL)).status_code == 302
    for user in (nobody, auditor):
        client.force_login(user)
        assert client.get(reverse(URL)).status_code == 404


def test_unit_officer_gets_own_cases_only(client: Client, beed_officer: Any,
                                          make_report: Any) -> None:
    scenario.build(make_report, per_unit=4)
    client.force_login(beed_officer)
    sheet, rows = _rows(client.get(reverse(URL)))
    assert _codes(rows) == {"IN-MH-BEED"} and len(rows) == 4
    assert_prints_well(sheet)
    _, rows = _rows(client.get(reverse(URL), {"unit": "IN-MH-BEED"}))
    assert len(rows) == 4
    # another unit, or the whole state, is beyond his reach: 404 like a missing place
    assert client.get(reverse(URL), {"unit": "IN-MH-PUNE"}).status_code == 404
    assert client.get(reverse(URL), {"state": "MH"}).status_code == 404
    assert client.get(reverse(URL), {"unit": "IN-XX-NOWHERE"}).status_code == 404
    assert AuditEvent.objects.filter(action="cases.exported", actor=beed_officer).count() == 2


def test_nodal_gets_her_state(client: Client, mh_nodal: Any, make_report: Any) -> None:
    scenario.build(make_report, per_unit=4)
    client.force_login(mh_nodal)
    _, rows = _rows(client.get(reverse(URL)))
    assert _codes(rows) == {"IN-MH-BEED", "IN-MH-PUNE"}
    _, rows = _rows(client.get(reverse(URL), {"unit": "IN-MH-PUNE"}))
    assert _codes(rows) == {"IN-MH-PUNE"}
    assert client.get(reverse(URL), {"state": "KA"}).status_code == 404


def test_hub_gets_every_case(client: Client, analyst: Any, make_report: Any) -> None:
    scenario.build(make_report, per_unit=4)
    client.force_login(analyst)
    _, rows = _rows(client.get(reverse(URL)))
    assert len(rows) == Case.objects.count() == 12
    _, rows = _rows(client.get(reverse(URL), {"state": "KA"}))
    assert _codes(rows) == {"IN-KA-BENGALURU-URBAN"}


def test_case_pages_link_to_it(client: Client, beed_officer: Any, analyst: Any) -> None:
    client.force_login(beed_officer)
    page = client.get(reverse("cases:unit_cases", args=["IN-MH-BEED"]))
    assert f'{reverse(URL)}?unit=IN-MH-BEED'.encode() in page.content
    client.force_login(analyst)
    page = client.get(reverse("cases:funnel"), {"state": "MH"})
    assert f'{reverse(URL)}?state=MH'.encode() in page.content
