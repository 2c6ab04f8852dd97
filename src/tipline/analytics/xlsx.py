"""A chart's numbers as an Excel workbook, ready to print: landscape, one page wide, the
header row repeated on every printed page, a frozen header and filters on screen."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from typing import Any

import xlsxwriter

from tipline.core.sheets import sheet_print_setup


def table_xlsx(*, title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]],
               note: str = "") -> bytes:
    """One sheet: a title line, an optional note (the period, the scope), then the table."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "remove_timezone": True})
    sheet = book.add_worksheet(title[:31])
    bold = book.add_format({"bold": True})
    head = book.add_format({"bold": True, "bottom": 1, "text_wrap": True, "valign": "top"})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    one = book.add_format({"num_format": "0.0"})
    sheet.write(0, 0, title, bold)
    if note:
        sheet.write(1, 0, note)
    first = 3
    sheet.write_row(first, 0, list(headers), head)
    widths = [max(10, min(len(h) + 2, 40)) for h in headers]
    for r, row in enumerate(rows, start=first + 1):
        for c, value in enumerate(row):
            if isinstance(value, date):
                sheet.write_datetime(r, c, value, day)
            elif isinstance(value, float):
                sheet.write_number(r, c, value, one)
            elif value is None:
                sheet.write_blank(r, c, None)
            else:
                sheet.write(r, c, value)
            widths[c] = max(widths[c], min(len(str(value)) + 2, 40))
    for c, w in enumerate(widths):
        sheet.set_column(c, c, w)
    sheet.freeze_panes(first + 1, 0)
    if rows:
        sheet.autofilter(first, 0, first + len(rows), len(headers) - 1)
    sheet_print_setup(sheet, first=first)
    sheet.set_header(f"&L{title}&RPage &P of &N")
    book.close()
    return out.getvalue()
