"""The units CSV that states maintain: one row per state, district or police unit.

Columns: code, name, state, kind (state | district | unit), districts, pins, cities (lists
separated by ";"), officer, email, phone, and optionally language (en or hi: the language of
the headings of the packets the node receives; left as it is when the column is absent or
the cell empty). A state row carries the state's nodal officer; a
district row its cyber unit's contact; a unit row a commissionerate or other unit with the
districts, PIN codes or prefixes ("4110*") and cities it covers. See docs/formats/units.md.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from tipline.jurisdictions.data import fold, zone_agrees
from tipline.jurisdictions.selectors import Tree

COLUMNS = ("code", "name", "state", "kind", "districts", "pins", "cities", "officer", "email",
           "phone")
OPTIONAL = ("language",)
LANGUAGES = ("en", "hi")
KINDS = ("state", "district", "unit")
MAX_ROWS = 5000
PIN_RULE = re.compile(r"^(\d{6}|\d{2,5}\*)$")
UNIT_CODE = re.compile(r"^IN-[A-Z]{2}-[A-Z0-9][A-Z0-9-]{0,40}$")


@dataclass
class UnitRow:
    code: str
    name: str
    state: str
    kind: str
    districts: list[str] = field(default_factory=list)
    pins: list[str] = field(default_factory=list)
    cities: list[str] = field(default_factory=list)
    officer: str = ""
    email: str = ""
    phone: str = ""
    language: str | None = None  # None: unchanged (a new node gets English)

    def coverage(self) -> list[tuple[str, str]]:
        """(kind, value) pairs this row declares."""
        return ([("district", d) for d in self.districts] + [("pin", p) for p in self.pins]
                + [("city", c) for c in self.cities])


def _split(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(";") if part.strip()]


def unit_rows_parse(text: str, *, tree: Tree) -> tuple[list[UnitRow], list[str]]:
    """Rows and every error found ("line 4: ..."); nothing is written here."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        return [], [f"missing column(s): {', '.join(missing)} (expected {', '.join(COLUMNS)})"]
    rows: list[UnitRow] = []
    errors: list[str] = []
    claimed: dict[tuple[str, str, str], str] = {}
    for line, raw in enumerate(reader, start=2):
        if line > MAX_ROWS + 1:
            errors.append(f"more than {MAX_ROWS} rows")
            break
        row = UnitRow(
            code=(raw.get("code") or "").strip().upper(), name=(raw.get("name") or "").strip(),
            state=(raw.get("state") or "").strip().upper(),
            kind=(raw.get("kind") or "").strip().lower(),
            districts=_split(raw.get("districts")), pins=_split(raw.get("pins")),
            cities=_split(raw.get("cities")), officer=(raw.get("officer") or "").strip(),
            email=(raw.get("email") or "").strip(), phone=(raw.get("phone") or "").strip(),
            language=(raw.get("language") or "").strip().lower() or None,
        )
        problems = _row_problems(row, tree)
        for kind, value in row.coverage():
            key = (row.state, kind, fold(value) if kind != "pin" else value)
            if key in claimed and claimed[key] != row.code:
                problems.append(f"{kind} {value} is also claimed by {claimed[key]}")
            claimed[key] = row.code
        errors.extend(f"line {line} ({row.code or 'no code'}): {p}" for p in problems)
        rows.append(row)
    if not rows and not errors:
        errors.append("the file has no rows")
    return rows, errors


def _row_problems(row: UnitRow, tree: Tree) -> list[str]:
    problems: list[str] = []
    if row.kind not in KINDS:
        return [f"kind must be one of {', '.join(KINDS)}, not {row.kind!r}"]
    if f"IN-{row.state}" not in tree.by_code:
        return [f"unknown state {row.state!r} (use the ISO code, e.g. MH)"]
    node = tree.by_code.get(row.code)
    if row.kind == "state":
        if row.code != f"IN-{row.state}":
            problems.append(f"a state row's code is IN-{row.state}")
        if row.coverage():
            problems.append("a state row covers nothing itself (its units do)")
    elif row.kind == "district":
        if node is None or node.kind != "district" or not row.code.startswith(f"IN-{row.state}-"):
            problems.append(f"no district {row.code} in {row.state}")
    else:
        if not UNIT_CODE.match(row.code) or not row.code.startswith(f"IN-{row.state}-"):
            problems.append(f"a unit's code looks like IN-{row.state}-CP-NAME "
                            "(letters, digits and dashes)")
        elif node is not None and node.kind != "unit":
            problems.append(f"{row.code} is a {node.kind}, not a unit")
        if not row.name:
            problems.append("a unit needs a name")
    for district in row.districts:
        if (row.state, fold(district)) not in tree.district_by_name:
            problems.append(f"no district {district!r} in {row.state}")
    for pin in row.pins:
        if not PIN_RULE.match(pin):
            problems.append(f"PIN {pin!r} is neither 6 digits nor a prefix like 4110*")
        elif not zone_agrees(pin, row.state):
            problems.append(f"PIN {pin} is outside {row.state}'s postal zone")
    if row.language is not None and row.language not in LANGUAGES:
        problems.append(f"language must be one of {', '.join(LANGUAGES)}, not {row.language!r}")
    if row.email:
        try:
            validate_email(row.email)
        except ValidationError:
            problems.append(f"not an e-mail address: {row.email!r}")
    if len(row.name) > 200 or len(row.officer) > 200 or len(row.phone) > 40:
        problems.append("name or officer longer than 200 characters, or phone longer than 40")
    return problems


def unit_rows_render(rows: list[UnitRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow((*COLUMNS, *OPTIONAL))
    for r in rows:
        writer.writerow([r.code, r.name, r.state, r.kind, ";".join(r.districts),
                         ";".join(r.pins), ";".join(r.cities), r.officer, r.email, r.phone,
                         r.language or "en"])
    return out.getvalue()
