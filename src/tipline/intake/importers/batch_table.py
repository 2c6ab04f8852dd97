"""CSV and XLSX batches: one row per report, in the documented column set.

See docs/formats/csv-batch.md. The header row names the columns (any order, case-insensitive);
`report_id` and `incident_type` are required; several values in one cell are separated by
`;`. Unknown columns are refused so a misspelt header never silently loses data.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import IO, Any

from tipline.core.errors import RejectedInput
from tipline.intake import values as v
from tipline.intake.importers import build
from tipline.intake.importers.base import Importer, Outcome, StreamImporter, register
from tipline.intake.records import FileRec, IpEventRec, PersonRec, PlaceRec, RejectedRec, ReportRec
from tipline.intake.sources import Container, Entry

COLUMNS: dict[str, str] = {
    "report_id": "the sender's report id (required; with the same id again = new version)",
    "date_received": "when the report was received (ISO 8601 or MM-DD-YYYY HH:MM:SS)",
    "incident_type": "CyberTipline incident type (required)",
    "incident_datetime": "when the incident happened",
    "platform": "the platform (ESP) that reported it",
    "priority": "NCMEC priority level, 1 (imminent danger) to 3",
    "referral": "Referral or Informational",
    "suspect_first_name": "suspect's first name",
    "suspect_last_name": "suspect's last name",
    "suspect_email": "suspect's email addresses (;-separated)",
    "suspect_phone": "suspect's phone numbers (;-separated)",
    "suspect_screen_name": "suspect's screen name",
    "suspect_user_id": "suspect's user id on the platform",
    "suspect_service": "the service on the platform (e.g. Instagram)",
    "ip_address": "IP addresses (;-separated, paired with ip_port/ip_datetime/ip_event)",
    "ip_port": "source ports (;-separated)",
    "ip_datetime": "UTC times of the IP events (;-separated)",
    "ip_event": "event names: Login, Upload, ... (;-separated)",
    "address": "suspect's street address",
    "city": "city",
    "district": "district",
    "state": "state or UT (name or ISO code)",
    "pin_code": "6-digit PIN code",
    "country": "ISO 3166 alpha-2 country code",
    "file_name": "file names (;-separated)",
    "file_md5": "MD5 of each file (;-separated, same order)",
    "file_sha256": "SHA-256 of each file (;-separated, same order)",
    "notes": "free text",
}
MAX_ROWS = 5_000_000


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";")] if value else []


def report_from_row(row: dict[str, str], *, position: str) -> ReportRec:
    def get(col: str, limit: int | None = None) -> str:
        return v.text(row.get(col, ""), field=col, limit=limit)

    report_id = get("report_id", 100)
    if not report_id:
        raise RejectedInput("report_id is empty")
    incident_type = get("incident_type", 120)
    if not incident_type:
        raise RejectedInput("incident_type is empty")
    raw = json.dumps(row, sort_keys=True, ensure_ascii=False).encode("utf-8")
    rec = build.report(source="batch", external_id=report_id, raw=raw, raw_kind="row",
                       position=position)
    rec.received_at = v.when(get("date_received"), field="date_received")
    rec.incident_at = v.when(get("incident_datetime"), field="incident_datetime")
    rec.incident_type = v.incident_type(incident_type)
    rec.platform = get("platform", 200)
    rec.ncmec_priority = v.whole(get("priority"), field="priority", low=1, high=9)
    rec.referral = {"referral": "referral", "informational": "informational"}.get(
        get("referral").lower(), "")
    rec.additional_info = get("notes")
    suspect = PersonRec(
        role="suspect", first_name=get("suspect_first_name"), last_name=get("suspect_last_name"),
        emails=[v.email(e) for e in _split(get("suspect_email")) if e],
        phones=[v.phone(p) for p in _split(get("suspect_phone")) if p],
        screen_name=get("suspect_screen_name"), esp_user_id=get("suspect_user_id"),
        esp_service=get("suspect_service"),
    )
    if any([get("address"), get("city"), get("district"), get("state"), get("pin_code")]):
        suspect.places.append(PlaceRec(
            kind="address", street=get("address"), city=get("city"), district=get("district"),
            state=get("state"), postal_code=get("pin_code"), country=get("country"),
        ))
    ips, ports = _split(get("ip_address")), _split(get("ip_port"))
    times, events = _split(get("ip_datetime")), _split(get("ip_event"))
    for i, address in enumerate(ips):
        ip = v.ip(address, field=f"ip_address[{i}]")
        if ip:
            suspect.ip_events.append(IpEventRec(
                ip=ip,
                port=v.whole(ports[i] if i < len(ports) else "", field=f"ip_port[{i}]",
                             high=65535),
                occurred_at=v.when(times[i] if i < len(times) else "",
                                   field=f"ip_datetime[{i}]"),
                event=events[i] if i < len(events) else "",
            ))
    if any([suspect.emails, suspect.phones, suspect.screen_name, suspect.esp_user_id,
            suspect.places, suspect.ip_events, suspect.first_name, suspect.last_name]):
        rec.subjects.append(suspect)
    md5s, shas = _split(get("file_md5")), _split(get("file_sha256"))
    for i, name in enumerate(_split(get("file_name"))):
        declared = {}
        if i < len(md5s) and md5s[i]:
            declared["md5"] = md5s[i].lower()
        if i < len(shas) and shas[i]:
            declared["sha256"] = shas[i].lower()
        rec.files.append(FileRec(filename=name, declared_hashes=declared))
    return rec


def _header(cells: list[Any], name: str) -> list[str]:
    header = [str(c or "").strip().lower().lstrip("\ufeff") for c in cells]
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown:
        raise RejectedInput(f"unknown columns: {', '.join(unknown[:10])} (see the documented set)")
    missing = [c for c in ("report_id", "incident_type") if c not in header]
    if missing:
        raise RejectedInput(f"required columns missing: {', '.join(missing)}")
    return header


def _rows(header: list[str], rows: Iterator[list[Any]], name: str) -> Iterator[Outcome]:
    for number, cells in enumerate(rows, start=2):
        if number > MAX_ROWS:
            yield RejectedRec(name, f"row {number}", f"more than {MAX_ROWS} rows")
            return
        values = ["" if c is None else str(c) for c in cells]
        if not any(x.strip() for x in values):
            continue
        if len(values) > len(header):
            yield RejectedRec(name, f"row {number}", f"{len(values)} cells, header has "
                              f"{len(header)}")
            continue
        row = {h: values[i] if i < len(values) else "" for i, h in enumerate(header) if h}
        try:
            yield report_from_row(row, position=f"{name}:row {number}")
        except RejectedInput as exc:
            yield RejectedRec(name, f"row {number}", str(exc))


@register
class CsvImporter(StreamImporter):
    name = "csv-batch"
    suffixes = (".csv",)

    def parse_stream(self, fh: IO[bytes], *, name: str) -> Iterator[Outcome]:
        text = io.TextIOWrapper(fh, encoding="utf-8-sig", errors="strict", newline="")
        reader = csv.reader(text)
        try:
            header = _header(next(reader, []), name)
            yield from _rows(header, reader, name)
        except RejectedInput as exc:
            yield RejectedRec(name, "header", str(exc))
        except UnicodeDecodeError as exc:
            yield RejectedRec(name, f"byte {exc.start}", "not valid UTF-8")
        except csv.Error as exc:
            yield RejectedRec(name, f"line {reader.line_num}", f"malformed CSV: {exc}")


@register
class XlsxImporter(Importer):
    name = "xlsx-batch"
    suffixes = (".xlsx",)

    def records(self, entry: Entry, container: Container) -> Iterator[Outcome]:
        import zipfile

        from openpyxl import load_workbook

        from tipline.intake.sources import open_zip, zip_container

        # An XLSX is a ZIP: check it against the same bomb limits before openpyxl reads it.
        try:
            with open_zip(entry, name=entry.name) as zf:
                checked = zip_container(zf, name=entry.name)
        except RejectedInput as exc:
            yield RejectedRec(entry.name, "file", str(exc))
            return
        if checked.rejected:
            yield RejectedRec(entry.name, "file", checked.rejected[0].reason)
            return
        with entry.open() as fh:
            data = io.BytesIO(fh.read())
        try:
            book = load_workbook(data, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
            yield RejectedRec(entry.name, "file", f"not a readable XLSX workbook ({exc})")
            return
        try:
            sheet = book.worksheets[0]
            rows = sheet.iter_rows(values_only=True)
            try:
                header = _header(list(next(rows, [])), entry.name)
            except RejectedInput as exc:
                yield RejectedRec(entry.name, "header", str(exc))
                return
            yield from _rows(header, (list(r) for r in rows), entry.name)
        finally:
            book.close()
