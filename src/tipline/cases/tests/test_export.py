"""`tipline cases export`: the register opened with openpyxl and checked against the database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from tipline.audit.models import AuditEvent
from tipline.cases.export import HEADERS
from tipline.cases.models import Case
from tipline.cases.tests import scenario

pytestmark = pytest.mark.django_db


def _sheet(path: Path) -> tuple[Any, list[dict[str, Any]]]:
    book = load_workbook(path)
    sheet = book["Cases"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    return sheet, [dict(zip(HEADERS, r, strict=True)) for r in rows[1:]]


def test_export_whole_register(make_report: Any, tmp_path: Path, capsys: Any) -> None:
    scenario.build(make_report, per_unit=5)
    out = tmp_path / "register.xlsx"
    call_command("cases", "export", "--out", str(out))
    assert "15 cases written" in capsys.readouterr().out
    sheet, rows = _sheet(out)
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:Y{len(rows) + 1}"
    assert sheet.column_dimensions["E"].width > 15  # unit codes readable
    by_ref = {r["Case"]: r for r in rows}
    assert len(by_ref) == Case.objects.count() == 15
    for case in Case.objects.select_related("report", "unit"):
        row = by_ref[case.reference]
        assert row["Report"] == case.report.reference
        assert row["NCMEC report id"] == case.report.external_id
        assert row["Unit code"] == case.unit.code
        assert row["Status"] == case.get_status_display()
        assert row["Arrests"] == case.arrests.count()
        assert row["Notices"] == case.notices.count()
        assert (row["Packet"] or None) == case.packet_id
        assert (row["Chargesheet number"] or "") == case.chargesheet_number
        assert (row["Closure"] or "") == case.get_closure_reason_display()
        if hasattr(case, "fir"):
            assert row["FIR number"] == case.fir.number
            assert row["FIR date"].date() == case.fir.registered_on
            assert row["Sections"] == ", ".join(str(s) for s in case.fir.sections.all())
        else:
            assert row["FIR number"] is None
        if case.duplicate_of:
            assert row["Duplicate of"] == case.duplicate_of.reference
        assert row["Opened (IST)"] is not None
    overdue = [r for r in rows if r["Notices overdue"]]
    assert len(overdue) == 3 and all(r["Notices overdue"] == 1 for r in overdue)
    assert AuditEvent.objects.get(action="cases.exported").data["rows"] == 15


def test_export_by_state_and_unit(make_report: Any, tmp_path: Path) -> None:
    scenario.build(make_report, per_unit=4)
    call_command("cases", "export", "--out", str(tmp_path / "mh.xlsx"), "--state", "MH")
    _, rows = _sheet(tmp_path / "mh.xlsx")
    assert len(rows) == 8 and {r["State / UT"] for r in rows} == {"MH"}
    call_command("cases", "export", "--out", str(tmp_path / "p.xlsx"), "--unit", "IN-MH-PUNE")
    _, rows = _sheet(tmp_path / "p.xlsx")
    assert [r["Unit code"] for r in rows] == ["IN-MH-PUNE"] * 4


def test_export_refuses_bad_arguments(tree: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no state"):
        call_command("cases", "export", "--out", str(tmp_path / "x.xlsx"), "--state", "ZZ")
    with pytest.raises(CommandError, match="no jurisdiction"):
        call_command("cases", "export", "--out", str(tmp_path / "x.xlsx"), "--unit", "IN-NOPE")
    with pytest.raises(CommandError, match=".xlsx"):
        call_command("cases", "export", "--out", str(tmp_path / "x.csv"))


def test_empty_register_still_opens(tree: None, tmp_path: Path) -> None:
    call_command("cases", "export", "--out", str(tmp_path / "e.xlsx"))
    _, rows = _sheet(tmp_path / "e.xlsx")
    assert rows == []


def test_register_prints_landscape_one_page_wide(make_report: Any, tmp_path: Path) -> None:
    from tipline.core.tests.test_sheets import assert_prints_well

    scenario.build(make_report, per_unit=4)
    out = tmp_path / "register.xlsx"
    call_command("cases", "export", "--out", str(out))
    sheet, _ = _sheet(out)
    assert_prints_well(sheet)
