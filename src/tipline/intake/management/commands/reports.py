"""tipline reports show ID [--json] | list [filters] [--json]: reports from the command line."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tipline.accounts.services import system_user
from tipline.intake import values
from tipline.intake.dossier import plain, report_dossier, report_find
from tipline.intake.models import Report
from tipline.intake.selectors import ReportFilters, report_list_queryset
from tipline.jurisdictions.selectors import jurisdiction_tree


class Command(BaseCommand):
    help = ("One report's whole record (`show`: by Tipline reference, TL-00000001, or the "
            "sender's report id), or a list of reports (`list`), as text or JSON.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        show = sub.add_parser("show", help="one report, every section")
        show.add_argument("id", help="TL-00000001, or the sender's report id")
        show.add_argument("--json", action="store_true", help="as JSON")
        ls = sub.add_parser("list", help="reports, newest first")
        ls.add_argument("--status", choices=[s for s, _ in Report.Status.choices])
        ls.add_argument("--source", help="ncmec, platform, public, ...")
        ls.add_argument("--state", help="a state's code (MH): reports placed there or below")
        ls.add_argument("--incident-type", choices=values.INCIDENT_TYPES)
        ls.add_argument("--since", type=date.fromisoformat,
                        help="received on or after this day (IST), YYYY-MM-DD")
        ls.add_argument("--all-versions", action="store_true",
                        help="also versions a later one replaced")
        ls.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")
        ls.add_argument("--json", action="store_true", help="as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['action']}")(options)

    def _show(self, o: dict[str, Any]) -> None:
        found = report_find(o["id"], user=system_user("cli"))
        if not found:
            raise CommandError(f"no report {o['id']!r} (a Tipline reference is TL-00000001)")
        if len(found) > 1 and not all(r.source == found[0].source for r in found):
            listed = ", ".join(f"{r.reference} ({r.source})" for r in found)
            raise CommandError(f"{o['id']!r} is the id of reports from several sources: "
                               f"{listed}; give the Tipline reference")
        record = report_dossier(found[0])
        if o["json"]:
            self.stdout.write(json.dumps(record, indent=1, ensure_ascii=False, sort_keys=False))
            return
        self._text(record)

    def _text(self, record: dict[str, Any]) -> None:
        r = record["report"]
        out = self.stdout.write
        out(f"{r['reference']}  {r['source']} {r['external_id']} v{r['version']}"
            f"{'' if r['is_current'] else ' (superseded)'}  status {r['status']}")
        out(f"  at {r['jurisdiction']['name']} ({r['jurisdiction']['code']}); "
            f"received {r['received_at']}; incident {r['incident_at']}")
        out(f"  {r['incident_type']}; platform {r['platform'] or '-'}; "
            f"annotations {', '.join(r['annotations']) or '-'}")
        for name in ("warnings", "details"):
            for item in r.get(name) or []:
                out(f"  {name[:-1]}: {item if isinstance(item, str) else ': '.join(item)}")
        for key, items in record.items():
            if key == "report" or not items:
                continue
            out(f"{key}:")
            for item in items if isinstance(items, list) else [items]:
                shown = {k: v for k, v in item.items() if v not in ("", None, [], {})} \
                    if isinstance(item, dict) else item
                out(f"  {json.dumps(shown, ensure_ascii=False)}")

    def _list(self, o: dict[str, Any]) -> None:
        if o["limit"] < 1:
            raise CommandError("--limit must be at least 1")
        state_id = None
        if o["state"]:
            node = jurisdiction_tree().by_code.get(f"IN-{o['state'].upper()}")
            state_id = node.id if node else -1  # no such state: no report
        filters = ReportFilters(
            received_from=o["since"], state_id=state_id, source=o["source"] or "",
            incident_type=o["incident_type"] or "", status=o["status"] or "",
            all_versions=o["all_versions"])
        reports = (report_list_queryset(user=system_user("cli"), filters=filters)
                   .select_related("jurisdiction").order_by("-received_at", "-id"))
        rows = [{"reference": r.reference, "source": r.source, "external_id": r.external_id,
                 "version": r.version, "status": r.status, "received_at": r.received_at,
                 "incident_type": r.incident_type, "platform": r.platform,
                 "jurisdiction": r.jurisdiction.code} for r in reports[: o["limit"]]]
        if o["json"]:
            self.stdout.write(json.dumps(plain(rows), indent=1, ensure_ascii=False))
            return
        for row in rows:
            self.stdout.write(f"{row['reference']}  {row['source']:<8} {row['external_id']:<20} "
                              f"{row['status']:<10} {row['jurisdiction']:<16} "
                              f"{row['received_at']:%Y-%m-%d %H:%M}  {row['platform']}")
        if not rows:
            self.stdout.write("no reports")
