"""tipline cases export: the case register as an XLSX workbook."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tipline.cases.export import cases_export
from tipline.jurisdictions.selectors import jurisdiction_tree


class Command(BaseCommand):
    help = "Case tracking from the command line: `cases export` writes the case register."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser(
            "export", help="write the case register (one row per case) as XLSX",
            description="Write the case register as an XLSX workbook: one row per case with "
                        "its unit, status, dates, FIR and sections, arrests, seizures, "
                        "notices (and how many are overdue), chargesheet and closure.")
        export.add_argument("--out", required=True, type=Path, help="the .xlsx file to write")
        where = export.add_mutually_exclusive_group()
        where.add_argument("--state", help="only this state/UT (two letters, e.g. MH)")
        where.add_argument("--unit", help="only this unit and the nodes under it "
                                          "(a jurisdiction code, e.g. IN-MH-PUNE)")

    def handle(self, *args: Any, **options: Any) -> None:
        tree = jurisdiction_tree()
        state = (options.get("state") or "").strip().upper().removeprefix("IN-") or None
        unit = (options.get("unit") or "").strip().upper() or None
        if state and f"IN-{state}" not in tree.by_code:
            raise CommandError(f"no state or UT {state!r} (use the two-letter code, e.g. MH)")
        if unit and unit not in tree.by_code:
            raise CommandError(f"no jurisdiction {unit!r}")
        out: Path = options["out"]
        if out.suffix.lower() != ".xlsx":
            raise CommandError("--out must name an .xlsx file")
        if not out.parent.is_dir():
            raise CommandError(f"no such folder: {out.parent}")
        count = cases_export(actor=None, out=out, state=state, unit=unit)
        self.stdout.write(f"{count} case{'s' if count != 1 else ''} written to {out}")
