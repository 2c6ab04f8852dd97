"""The report list as an XLSX workbook: one row per report, with the filters' rows only, set
up to print (landscape, fit to the page width, the header row repeated on every page)."""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import xlsxwriter
from django.utils import timezone

from tipline.core.sheets import sheet_table_write
from tipline.intake.models import Report

#: (header, width, kind) in column order; kind: text, int, time (IST)
COLUMNS: list[tuple[str, int, str]] = [
    ("Report", 13, "text"), ("Version", 8, "int"), ("Source", 10, "text"),
    ("Sender's id", 18, "text"), ("Received (IST)", 17, "time"),
    ("Incident type", 36, "text"), ("Platform", 18, "text"), ("NCMEC priority", 9, "int"),
    ("Jurisdiction code", 20, "text"), ("Jurisdiction", 26, "text"), ("Files", 7, "int"),
    ("Status", 13, "text"),
]


def _local(value: datetime | None) -> datetime | None:
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def report_row(report: Report) -> list[Any]:
    """One row of the workbook (no personal values: what the list page shows)."""
    return [
        report.reference, report.version, report.get_source_display(), report.external_id,
        _local(report.received_at), report.incident_type, report.platform,
        report.ncmec_priority, report.jurisdiction.code, report.jurisdiction.name,
        report.file_count, report.get_status_display(),
    ]


def report_list_xlsx(rows: Iterable[list[Any]]) -> tuple[bytes, int]:
    """The workbook's bytes and its number of report rows."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"constant_memory": True, "in_memory": True})
    count = sheet_table_write(book, name="Reports", columns=COLUMNS, rows=rows)
    book.close()
    return out.getvalue(), count
