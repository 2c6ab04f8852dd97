"""tipline route: resolve and place every report not yet routed, with progress."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tipline.accounts.services import system_user
from tipline.core.progress import NullProgress, TerminalProgress
from tipline.geo.routing import reports_route, unrouted_report_ids

CHUNK = 500


class Command(BaseCommand):
    help = ("Resolve each not-yet-routed report's location and place it: at its unit when "
            "the clues agree, else in the national queue (conflicting, foreign, unknown).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        ids = unrouted_report_ids()
        bar = NullProgress() if options["quiet"] else TerminalProgress("routing")
        actor = system_user("router")
        total: Counter[str] = Counter()
        for start in range(0, len(ids), CHUNK):
            total += reports_route(report_ids=ids[start:start + CHUNK], actor=actor)
            bar.update(done=min(start + CHUNK, len(ids)), total=len(ids))
        if isinstance(bar, TerminalProgress):
            bar.finish()
        self.stdout.write(
            f"routed {len(ids)} reports: to a unit {total['unit']}, to a state {total['state']}, "
            f"national queue {total['conflict'] + total['foreign'] + total['unknown']} "
            f"(conflicting {total['conflict']}, foreign {total['foreign']}, "
            f"unknown {total['unknown']})")
