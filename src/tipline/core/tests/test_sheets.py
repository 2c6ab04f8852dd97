"""Every workbook prints landscape, one page wide, the header row on every page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import xlsxwriter
from openpyxl import load_workbook

from tipline.core.sheets import sheet_print_setup


def assert_prints_well(sheet: Any, *, header: str = "$1:$1") -> None:
    """What a workbook's sheet, read back with openpyxl, must say about printing."""
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    # one page wide (1 is the file format's default, which XlsxWriter leaves unwritten),
    # as many pages long as it takes (0)
    assert (sheet.page_setup.fitToWidth or 1) == 1 and sheet.page_setup.fitToHeight == 0
    assert sheet.print_title_rows == header
    assert sheet.page_setup.paperSize == 9  # A4


def test_print_setup(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    book = xlsxwriter.Workbook(str(path))
    plain = book.add_worksheet("plain")
    plain.write_string(0, 0, "x")
    setup = book.add_worksheet("set")
    setup.write_string(0, 0, "x")
    sheet_print_setup(setup)
    book.close()
    read = load_workbook(path)
    assert_prints_well(read["set"])
    assert read["plain"].page_setup.orientation != "landscape"  # the check can fail
    assert read["plain"].print_title_rows is None
