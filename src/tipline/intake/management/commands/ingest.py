"""tipline ingest PATH...: import reports from files, folders and ZIPs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tipline.accounts.services import system_user
from tipline.core.progress import NullProgress, TerminalProgress
from tipline.intake.ingest import ingest_paths, paths_key
from tipline.intake.models import Rejection
from tipline.intake.selectors import import_batch_interrupted_find

SHOWN = 50


class Command(BaseCommand):
    help = ("Import reports: NCMEC exports (JSON+PDF+files, per folder or ZIP), CyberTipline "
            "XML, CSV/XLSX batches. Takes files, folders and ZIPs. Exits 1 when any record "
            "was rejected (the others are imported all the same).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        bar = NullProgress() if options["quiet"] else TerminalProgress("importing")
        key = paths_key(options["paths"])
        interrupted = import_batch_interrupted_find(source_key=key)
        if interrupted is not None:
            self.stdout.write(f"resuming batch #{interrupted.pk} (interrupted: its process "
                              f"stopped); what it stored is kept")
        batch = ingest_paths(paths=options["paths"], actor=system_user("cli"), progress=bar,
                             source_key=key)
        if isinstance(bar, TerminalProgress):
            bar.finish()
        out = self.stdout
        out.write(f"batch #{batch.pk}: imported {batch.imported}, duplicates skipped "
                  f"{batch.duplicates}, new versions {batch.versions}, rejected {batch.rejected}")
        rejections = Rejection.objects.filter(batch=batch).order_by("id")[:SHOWN]
        for r in rejections:
            out.write(f"  rejected: {r.file} [{r.position}]: {r.reason}")
        if batch.rejected > SHOWN:
            out.write(f"  ... and {batch.rejected - SHOWN} more (see the batch page)")
        if batch.rejected:
            # the good records landed; the exit status tells a script that some did not
            raise SystemExit(1)
