"""The case register as an XLSX workbook: one row per case, frozen header, filters, widths,
printed landscape one page wide with the header on every page."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

import xlsxwriter
from django.db import transaction
from django.utils import timezone

from tipline.accounts.types import Actor
from tipline.audit.services import audit_record
from tipline.cases.models import Case
from tipline.cases.selectors import case_register, fir_for
from tipline.core.sheets import sheet_table_write

#: (header, width, kind) in column order; kind: text, int, date, time (IST)
COLUMNS: list[tuple[str, int, str]] = [
    ("Case", 14, "text"), ("Report", 13, "text"), ("NCMEC report id", 16, "text"),
    ("State / UT", 10, "text"), ("Unit code", 22, "text"), ("Unit", 24, "text"),
    ("Status", 15, "text"), ("Opened (IST)", 17, "time"), ("Dispatched (IST)", 17, "time"),
    ("Packet", 8, "int"), ("Acknowledged (IST)", 18, "time"), ("FIR number", 14, "text"),
    ("FIR date", 11, "date"), ("Police station", 20, "text"), ("Sections", 26, "text"),
    ("Arrests", 8, "int"), ("Seizures", 9, "int"), ("Notices", 8, "int"),
    ("Notices overdue", 9, "int"), ("Chargesheet number", 16, "text"),
    ("Chargesheet date", 12, "date"), ("Closure", 36, "text"), ("Duplicate of", 14, "text"),
    ("Closed (IST)", 17, "time"), ("Closure note", 40, "text"),
]
HEADERS = [c[0] for c in COLUMNS]


def _local(value: datetime | None) -> datetime | None:
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def case_row(case: Case) -> list[Any]:
    """One register row for a case selected by `case_register`."""
    fir = fir_for(case)
    parts = case.unit.path.strip("/").split("/")
    return [
        case.reference, case.report.reference, case.report.external_id,
        parts[1] if len(parts) > 1 else "", case.unit.code, case.unit.name,
        case.get_status_display(), _local(case.opened_at), _local(case.dispatched_at),
        case.packet_id, _local(case.acknowledged_at),
        fir.number if fir else "", fir.registered_on if fir else None,
        fir.police_station if fir else "",
        ", ".join(str(s) for s in fir.sections.all()) if fir else "",
        case.arrest_count, case.seizure_count, case.notice_count,  # type: ignore[attr-defined]
        case.overdue_count,  # type: ignore[attr-defined]
        case.chargesheet_number, case.chargesheet_on,
        case.get_closure_reason_display(),
        case.duplicate_of.reference if case.duplicate_of else "",
        _local(case.closed_at), case.closure_note,
    ]


def register_xlsx(rows: Iterable[list[Any]], out: Path) -> int:
    """Write the register to `out`; returns the number of case rows."""
    book = xlsxwriter.Workbook(str(out), {"constant_memory": True})
    count = sheet_table_write(book, name="Cases", columns=COLUMNS, rows=rows)
    book.close()
    return count


@transaction.atomic
def cases_export(*, actor: Actor | None, out: Path, state: str | None = None,
                 unit: str | None = None) -> int:
    """Write the case register (the whole country, a state or a unit) and audit the export.

    `actor` None is the hub's own command line, which sees every case.
    """
    count = register_xlsx(
        (case_row(c) for c in case_register(user=actor, state=state, unit=unit)), out)
    audit_record(actor=actor, action="cases.exported",
                 data={"rows": count, "state": state or "", "unit": unit or "",
                       "file": out.name})
    return count
