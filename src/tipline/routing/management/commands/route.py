"""tipline route: resolve and place every report not yet routed, then link reports."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tipline.accounts.services import system_user
from tipline.core.progress import NullProgress, TerminalProgress
from tipline.routing.services import routing_run


class Command(BaseCommand):
    help = ("Resolve each not-yet-routed report's location and place it (at its unit when "
            "the clues agree, else in the national queue: conflicting, foreign, unknown), "
            "then link reports that share an identifier or an IP, port and time, give each "
            "cluster one lead unit, and open a case at the unit for each routed report.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet", action="store_true", help="no progress bar")
        parser.add_argument("--relink-all", action="store_true",
                            help="relink every report, not only around the new ones (after "
                                 "changing a LINK_* setting)")

    def handle(self, *args: Any, **options: Any) -> None:
        bar = NullProgress() if options["quiet"] else TerminalProgress("routing")
        actor = system_user("router")
        run = routing_run(actor=actor, progress=bar, relink_all=options["relink_all"])
        if isinstance(bar, TerminalProgress):
            bar.finish()
        self.stdout.write(run.summary())
