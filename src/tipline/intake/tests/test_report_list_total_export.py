"""The report list's total (regression: it had none) and its Excel download with the current
filters, scoped to the user, set up to print."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import openpyxl
import pytest

from tipline.audit.models import AuditEvent
from tipline.intake.export import COLUMNS
from tipline.intake.models import Identifier

pytestmark = pytest.mark.django_db


def test_the_list_shows_its_total_with_and_without_filters(
        make_report: Any, beed_officer: Any, analyst: Any, client: Any) -> None:
    for _ in range(3):
        make_report("IN-MH-BEED")
    make_report("IN-MH-PUNE", ncmec_priority=1)
    client.force_login(analyst)
    assert "<strong>4</strong> reports." in client.get("/reports/").content.decode()
    page = client.get("/reports/?priority=1").content.decode()
    assert "<strong>1</strong> report match these filters." in page
    client.force_login(beed_officer)  # only what the officer may see is counted
    assert "<strong>3</strong> reports." in client.get("/reports/").content.decode()


def test_the_total_is_capped_not_read_to_the_end(make_report: Any, analyst: Any) -> None:
    from tipline.intake.selectors import ReportFilters, report_list_count

    for _ in range(4):
        make_report("IN-MH-BEED")
    assert report_list_count(user=analyst, filters=ReportFilters()) == (4, False)
    assert report_list_count(user=analyst, filters=ReportFilters(), limit=3) == (3, True)


def test_the_search_box_of_the_list_takes_tipline_ids_and_identifiers(
        make_report: Any, analyst: Any, client: Any) -> None:
    wanted, other = make_report("IN-MH-BEED"), make_report("IN-MH-BEED")
    Identifier.objects.create(report=wanted, kind="phone", value="+919812345678",
                              origin="suspect.phone")
    client.force_login(analyst)
    for query in (wanted.reference, "09812345678", wanted.external_id):
        page = client.get("/reports/", {"q": query}).content.decode()
        assert f'href="/reports/{wanted.pk}/"' in page, query
        assert f'href="/reports/{other.pk}/"' not in page, query


def test_excel_download_has_the_filtered_scoped_rows_and_prints_well(
        make_report: Any, beed_officer: Any, pune_officer: Any, nobody: Any,
        client: Any) -> None:
    mine = [make_report("IN-MH-BEED", ncmec_priority=p) for p in (1, 2, 1)]
    make_report("IN-MH-PUNE", ncmec_priority=1)
    assert client.get("/reports/export.xlsx").status_code == 302  # anonymous: log in
    client.force_login(nobody)
    assert client.get("/reports/export.xlsx").status_code == 404
    client.force_login(beed_officer)
    response = client.get("/reports/export.xlsx", {"priority": "1"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="reports-')
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book["Reports"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [c[0] for c in COLUMNS]
    assert sorted(r[0] for r in rows[1:]) == sorted(r.reference for r in (mine[0], mine[2]))
    assert {r[8] for r in rows[1:]} == {"IN-MH-BEED"}
    # print setup: landscape, one page wide, the header row on every page
    assert sheet.page_setup.orientation == "landscape"
    # one page wide (1 is the default, which xlsxwriter leaves out), as many down as needed
    assert sheet.page_setup.fitToWidth in (None, 1) and sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$1:$1"
    event = AuditEvent.objects.filter(action="reports.exported").latest("pk")
    assert event.data == {"rows": 2, "filters": {"priority": "1", "sort": "newest"}}
    client.force_login(pune_officer)  # another district's officer: only Pune's
    response = client.get("/reports/export.xlsx", {"priority": "1"})
    with zipfile.ZipFile(io.BytesIO(response.content)) as z:
        text = z.read("xl/worksheets/sheet1.xml").decode() + z.read(
            "xl/sharedStrings.xml").decode()
    assert "IN-MH-PUNE" in text and "IN-MH-BEED" not in text
