"""tipline scan: re-scan files against the hash banks, with progress, or in the background."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tipline.core.errors import TiplineError
from tipline.core.progress import TerminalProgress


class Command(BaseCommand):
    help = ("Re-scan files: --all, --batch ID, --bank NAME (that bank against every file), "
            "or --since/--until DATE (reports imported in that period).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="every file of current reports")
        parser.add_argument("--batch", type=int, help="the files of one import batch")
        parser.add_argument("--bank", help="match one bank's entries against every file")
        parser.add_argument("--since", help="reports imported on or after (YYYY-MM-DD)")
        parser.add_argument("--until", help="reports imported before (YYYY-MM-DD)")
        parser.add_argument("--rehash", action="store_true",
                            help="hash the files again, not only match them")
        parser.add_argument("--background", action="store_true",
                            help="queue the scan as a task for the worker")

    def handle(self, *args: Any, **o: Any) -> None:
        chosen = [bool(o["all"]), o["batch"] is not None, bool(o["bank"]),
                  bool(o["since"] or o["until"])]
        if sum(chosen) != 1:
            raise CommandError("choose one of --all, --batch ID, --bank NAME, --since/--until")
        if o["background"]:
            from tipline.media.tasks import media_scan_task

            queued = media_scan_task.enqueue(batch_id=o["batch"], bank=o["bank"],
                                             since=o["since"], until=o["until"],
                                             rehash=o["rehash"])
            self.stdout.write(f"queued scan task {queued.id}")
            return
        from tipline.accounts.services import system_user
        from tipline.media.scan import scan_run

        progress = TerminalProgress("scan")
        try:
            result = scan_run(actor=system_user("scanner"), batch_id=o["batch"],
                              bank=o["bank"], since=o["since"], until=o["until"],
                              rehash=o["rehash"], progress=progress)
        except TiplineError as exc:
            raise CommandError(str(exc)) from exc
        progress.finish()
        self.stdout.write(f"scanned {result.files} file(s): {result.hashed} hashed, "
                          f"{result.failed} unreadable, {result.matches} match(es) in "
                          f"{len(result.reports)} report(s)")
