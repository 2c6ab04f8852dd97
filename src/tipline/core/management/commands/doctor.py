"""tipline doctor [--fix]: what a killed process left in the data folder, and removing it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tipline.core.blobstores import blob_backend
from tipline.core.sweep import MIN_AGE_SECONDS, blobs_leftover, blobs_sweep


class Command(BaseCommand):
    help = ("List blobs nothing refers to and half-written blobs/.incoming-* files (left by "
            "a killed import); --fix removes them")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fix", action="store_true", help="remove what is listed")
        parser.add_argument(
            "--min-age-hours", type=float, default=MIN_AGE_SECONDS / 3600,
            help="only files older than this many hours (default 6): a running import "
                 "writes its blobs just before it commits them")

    def handle(self, *args: Any, **options: Any) -> None:
        min_age = options["min_age_hours"] * 3600
        found = blobs_sweep(min_age=min_age) if options["fix"] else blobs_leftover(
            min_age=min_age)
        for name in [*found.blobs, *found.incoming]:
            self.stdout.write(f"  {'removed' if options['fix'] else 'leftover'}: {name}")
        verb = "removed" if options["fix"] else "found"
        self.stdout.write(
            f"{verb} {len(found.blobs)} unreferenced blob(s) and {len(found.incoming)} "
            f"half-written file(s), {found.size:,} bytes, in {blob_backend().describe()}"
            + ("" if options["fix"] or not (found.blobs or found.incoming)
               else "; run `tipline doctor --fix` to remove them"))
