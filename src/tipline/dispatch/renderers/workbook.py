"""The packet's Excel workbook: Reports, IP events and Files sheets, written row by row.

XlsxWriter's constant-memory mode flushes each row as the next one starts, so a packet of
any size holds one row per sheet in memory. Times are real date-time cells (filterable),
once in IST and once in UTC; text is always written as text (never as a formula). Sheet
names and column headings are in the receiving unit's language (headings.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import xlsxwriter

from tipline.core.sheets import sheet_print_setup
from tipline.dispatch.renderers.base import (
    IST,
    PacketFile,
    PacketInfo,
    ReportData,
    Session,
    SopData,
    renderers,
)
from tipline.dispatch.renderers.headings import heading

NAME = "reports.xlsx"
MAX_CELL = 32_000  # Excel's limit is 32,767 characters

REPORT_COLUMNS: list[tuple[str, int]] = [
    ("Tipline id", 14), ("NCMEC report id", 16), ("Received (IST)", 20), ("Received (UTC)", 20),
    ("Incident (IST)", 20), ("Incident (UTC)", 20), ("Incident type", 34), ("Priority", 9),
    ("Platform", 18), ("Suspect identifiers", 50), ("Location", 30), ("Location method", 16),
    ("Location confidence", 11), ("Linked reports", 30), ("Files", 7),
]
IP_COLUMNS: list[tuple[str, int]] = [
    ("Tipline id", 14), ("NCMEC report id", 16), ("IP address", 28), ("Port", 8),
    ("Time (UTC)", 20), ("Time (IST)", 20), ("Event", 14), ("Location", 40),
]
FILE_COLUMNS: list[tuple[str, int]] = [
    ("Tipline id", 14), ("NCMEC report id", 16), ("File name", 36), ("Size (bytes)", 13),
    ("MD5", 34), ("SHA-1", 42), ("SHA-256", 66), ("PDQ", 66),
]


def _clip(text: str) -> str:
    return text if len(text) <= MAX_CELL else text[:MAX_CELL] + " [cut]"


class _Workbook:
    def __init__(self, path: Path, workdir: Path, language: str = "en") -> None:
        self.path = path
        self.book = xlsxwriter.Workbook(str(path), {
            "constant_memory": True, "tmpdir": str(workdir), "strings_to_formulas": False,
            "strings_to_urls": False, "strings_to_numbers": False})
        self.header = self.book.add_format({"bold": True, "bg_color": "#E8EEF4", "border": 1,
                                            "text_wrap": True, "valign": "top"})
        self.when = self.book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        self.wrap = self.book.add_format({"text_wrap": True, "valign": "top"})
        self.sheets: list[tuple[Any, list[tuple[str, int]], list[int]]] = []
        for title, columns in (("Reports", REPORT_COLUMNS), ("IP events", IP_COLUMNS),
                               ("Files", FILE_COLUMNS)):
            sheet = self.book.add_worksheet(heading(title, language))
            for col, (label, width) in enumerate(columns):
                sheet.set_column(col, col, width)
                sheet.write_string(0, col, heading(label, language), self.header)
            sheet.freeze_panes(1, 0)
            sheet_print_setup(sheet)
            self.sheets.append((sheet, columns, [1]))

    def _row(self, index: int, values: Sequence[Any]) -> None:
        sheet, _, next_row = self.sheets[index]
        row = next_row[0]
        for col, value in enumerate(values):
            if value is None or value == "":
                continue
            if isinstance(value, datetime):
                sheet.write_datetime(row, col, value.replace(tzinfo=None), self.when)
            elif isinstance(value, bool):
                sheet.write_boolean(row, col, value)
            elif isinstance(value, int | float):
                sheet.write_number(row, col, value)
            else:
                sheet.write_string(row, col, _clip(str(value)))
        next_row[0] = row + 1

    def add(self, reports: Sequence[ReportData]) -> Iterable[PacketFile]:
        for r in reports:
            loc = r.location
            suspects = "; ".join(i for s in r.suspects for i in s.identifiers())
            self._row(0, [
                r.reference, r.external_id, _ist(r.received_at), _utc(r.received_at),
                _ist(r.incident_at), _utc(r.incident_at), r.incident_type, r.priority,
                r.platform, suspects, loc.place if loc else "", loc.methods if loc else "",
                round(loc.confidence, 2) if loc else None, ", ".join(r.linked), r.file_count,
            ])
            for e in r.ip_events:
                self._row(1, [r.reference, r.external_id, e.ip, e.port, _utc(e.occurred_at),
                              _ist(e.occurred_at), e.event, e.location])
            for f in r.files:
                self._row(2, [r.reference, r.external_id, f.name, f.size, f.md5, f.sha1,
                              f.sha256, f.pdq])
        return []

    def close(self) -> None:
        return None  # the temporary folder it writes in is removed by the caller

    def finish(self) -> Iterable[PacketFile]:
        for sheet, columns, next_row in self.sheets:
            sheet.autofilter(0, 0, max(next_row[0] - 1, 0), len(columns) - 1)
        self.book.close()
        yield PacketFile(NAME, path=self.path)


def _ist(value: datetime | None) -> datetime | None:
    return value.astimezone(IST) if value else None


def _utc(value: datetime | None) -> datetime | None:
    return value.astimezone(UTC) if value else None


@renderers.register
class WorkbookRenderer:
    name = "workbook"

    def start(self, *, packet: PacketInfo, sop: SopData, workdir: Path) -> Session:
        return _Workbook(workdir / NAME, workdir, packet.language)
