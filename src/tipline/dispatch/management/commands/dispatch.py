"""tipline dispatch: build one packet of routed reports for a unit or a state's nodal officer."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tipline.accounts.services import system_user
from tipline.core.errors import TiplineError
from tipline.core.progress import NullProgress, TerminalProgress
from tipline.dispatch.services import packet_build


class Command(BaseCommand):
    help = ("Build one encrypted packet (workbook, a PDF per report, the SOP, a manifest) of "
            "the routed reports not yet sent to a unit (--unit) or a state (--state), and "
            "write it to DIR. The passphrase is printed once, or read from --passphrase-file.")

    def add_arguments(self, parser: CommandParser) -> None:
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--unit", help="code of the unit or district, e.g. IN-MH-BEED")
        target.add_argument("--state", help="two-letter state code, e.g. MH (for its nodal "
                                            "officer)")
        parser.add_argument("--since", type=date.fromisoformat,
                            help="only reports received on or after this day (YYYY-MM-DD)")
        parser.add_argument("--out", required=True, type=Path, help="folder to write the ZIP to")
        parser.add_argument("--passphrase-file", help="read the passphrase from the first line "
                                                      "of this file ('-': standard input)")
        parser.add_argument("--note", default="", help="a note to the receiving unit")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["unit"] or f"IN-{options['state'].strip().upper().removeprefix('IN-')}"
        passphrase = None
        if options["passphrase_file"]:
            source = options["passphrase_file"]
            text = sys.stdin.readline() if source == "-" else Path(source).read_text("utf-8")
            passphrase = (text.splitlines() or [""])[0]
        out: Path = options["out"]
        out.mkdir(parents=True, exist_ok=True)
        bar = NullProgress() if options["quiet"] else TerminalProgress(f"packet for {code}")
        actor = system_user("dispatch")
        try:
            built = packet_build(actor=actor, target_code=code, since=options["since"],
                                 note=options["note"], passphrase=passphrase, progress=bar)
        except TiplineError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            if isinstance(bar, TerminalProgress):
                bar.finish()
        packet = built.packet
        path = out / f"{packet.reference}-{packet.target.code}.zip"
        with path.open("wb") as fh:
            for chunk in _stream(packet.pk):
                fh.write(chunk)
        self.stdout.write(f"{packet.reference}: {packet.report_count} reports for "
                          f"{packet.target.name} -> {path} ({packet.size} bytes, SHA-256 "
                          f"{packet.sha256})")
        self.stdout.write(f"acknowledge by {packet.ack_due_at.isoformat()}")
        if passphrase is None:
            self.stdout.write("passphrase (shown once, never stored; send it by another "
                              f"channel): {built.passphrase}")


def _stream(packet_id: int) -> Any:
    """The stored ZIP; written by the system user, read without a receive grant."""
    from tipline.core.blobs import blob_open
    from tipline.dispatch.models import Packet

    return blob_open(Packet.objects.get(pk=packet_id).sha256)
