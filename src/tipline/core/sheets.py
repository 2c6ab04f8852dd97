"""How every workbook Tipline writes prints: landscape A4, as wide as one page, the header row
repeated on each page (XlsxWriter worksheets)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

A4 = 9  # XlsxWriter's paper code


def sheet_print_setup(sheet: Any, *, header_rows: int = 1, first: int = 0) -> None:
    """Landscape, fit to one page wide (as many pages long as it takes), the `header_rows`
    rows from row `first` printed atop every page, and the sheet's name and page in the
    footer."""
    sheet.set_landscape()
    sheet.set_paper(A4)
    sheet.fit_to_pages(1, 0)
    if header_rows:
        sheet.repeat_rows(first, first + header_rows - 1)
    sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    sheet.set_footer("&L&A&RPage &P of &N")


def sheet_table_write(book: Any, *, name: str, columns: Sequence[tuple[str, float, str]],
                      rows: Iterable[Sequence[Any]]) -> int:
    """One sheet of a register: a header row of `columns` (heading, width, kind: "time",
    "date", "int" or text), the rows under it (empty cells left blank), frozen header,
    filters and the print setup. Returns the number of rows written."""
    sheet = book.add_worksheet(name)
    head = book.add_format({"bold": True, "bg_color": "#DDE4EE", "border": 1,
                            "text_wrap": True, "valign": "top"})
    formats = {"time": book.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
               "date": book.add_format({"num_format": "yyyy-mm-dd"})}
    for col, (header, width, _) in enumerate(columns):
        sheet.set_column(col, col, width)
        sheet.write_string(0, col, header, head)
    sheet.freeze_panes(1, 0)
    sheet_print_setup(sheet)
    count = 0
    for count, row in enumerate(rows, 1):  # noqa: B007
        for col, value in enumerate(row):
            kind = columns[col][2]
            if value is None or value == "":
                continue
            if kind in formats and isinstance(value, date):
                sheet.write_datetime(count, col, value, formats[kind])
            elif kind == "int":
                sheet.write_number(count, col, value)
            else:
                sheet.write_string(count, col, str(value))
    sheet.autofilter(0, 0, max(count, 1), len(columns) - 1)
    return count
