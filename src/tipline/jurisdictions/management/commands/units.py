"""tipline units: the police units, their areas and contacts, as a CSV a state maintains."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tipline.accounts.services import system_user
from tipline.core.errors import NotPermitted, RejectedInput
from tipline.jurisdictions.services import coverage_override, units_import
from tipline.jurisdictions.unit_files import unit_rows_render
from tipline.jurisdictions.units import coverage_overrides, unit_rows


class Command(BaseCommand):
    help = ("Police units and routing rules. `import FILE` applies a units CSV (all or "
            "nothing), `export [--state XX] [--out FILE]` writes one, `list` shows units with "
            "their areas, `override STATE KIND VALUE UNIT --reason R` sends a place's reports to "
            "a unit whatever the state declared (`--remove` drops it). See docs/formats/units.md.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="apply a units CSV")
        imp.add_argument("file", type=Path)
        exp = sub.add_parser("export", help="write the units CSV")
        exp.add_argument("--state", help="only this state (ISO code, e.g. MH)")
        exp.add_argument("--out", type=Path, help="file to write (default: standard output)")
        lst = sub.add_parser("list", help="units with their areas and contacts")
        lst.add_argument("--state")
        ovr = sub.add_parser("override", help="a hub routing override")
        ovr.add_argument("state")
        ovr.add_argument("kind", choices=["state", "district", "pin", "city"])
        ovr.add_argument("value", help="district name, PIN or prefix (4110*), city; for kind "
                         "state, the state code again")
        ovr.add_argument("unit", nargs="?", help="unit code (omit with --remove)")
        ovr.add_argument("--reason", required=True)
        ovr.add_argument("--remove", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        actor = system_user("cli")
        try:
            if action == "import":
                text = options["file"].read_text(encoding="utf-8-sig")
                self.stdout.write(units_import(actor=actor, text=text).summary())
            elif action == "export":
                text = unit_rows_render(unit_rows(state=options["state"]))
                if options["out"]:
                    options["out"].write_text(text, encoding="utf-8")
                    self.stdout.write(f"wrote {options['out']}")
                else:
                    sys.stdout.write(text)
            elif action == "list":
                self._list(options["state"])
            else:
                if not options["remove"] and not options["unit"]:
                    raise CommandError("give the unit code, or --remove")
                coverage_override(actor=actor, state=options["state"], kind=options["kind"],
                                  value=options["value"],
                                  unit_code=None if options["remove"] else options["unit"],
                                  reason=options["reason"])
                self.stdout.write("override removed" if options["remove"] else "override set")
        except OSError as exc:
            raise CommandError(f"cannot read or write the file: {exc}") from exc
        except UnicodeDecodeError as exc:
            raise CommandError("the file is not UTF-8 text") from exc
        except (RejectedInput, NotPermitted) as exc:
            raise CommandError(str(exc)) from exc

    def _list(self, state: str | None) -> None:
        for row in unit_rows(state=state):
            if row.kind == "district" and not row.coverage() and not row.officer:
                continue
            areas = "; ".join(f"{k} {v}" for k, v in row.coverage()) or (
                "its district" if row.kind == "district" else "")
            contact = ", ".join(p for p in [row.officer, row.email, row.phone] if p)
            self.stdout.write(f"{row.code:<28} {row.name:<44} {areas}"
                              + (f"  [{contact}]" if contact else ""))
        for rule in coverage_overrides():
            self.stdout.write(f"override: {rule.state} {rule.kind} {rule.value} -> "
                              f"{rule.unit.code} ({rule.reason})")
