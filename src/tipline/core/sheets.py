"""How every workbook Tipline writes prints: landscape A4, as wide as one page, the header row
repeated on each page (XlsxWriter worksheets)."""

from __future__ import annotations

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
