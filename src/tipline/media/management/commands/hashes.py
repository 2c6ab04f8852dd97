"""tipline hashes import|export|list: hash banks and their lists."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from tipline.accounts.types import Actor
from tipline.core.errors import TiplineError
from tipline.core.progress import NullProgress, TerminalProgress
from tipline.media.banks import formats
from tipline.media.models import HashBank


class Command(BaseCommand):
    help = "Import hash lists into banks, export confirmed hashes as VICS JSON, list banks."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import a hash list into a bank (created if new)")
        imp.add_argument("file", type=Path)
        imp.add_argument("--bank", required=True, help="bank name")
        imp.add_argument("--format", choices=sorted(formats.all()),
                         help="list format (default: recognised from the file)")
        imp.add_argument("--safelist", action="store_true",
                         help="a new bank is a safelist of known false positives")
        imp.add_argument("--unconfirmed", action="store_true",
                         help="a new bank's entries are not confirmed material")
        imp.add_argument("--threshold", type=int, default=None,
                         help="PDQ distance threshold (new bank default 31)")
        imp.add_argument("--category-map", default=None,
                         help='JSON table of source category -> hub category, e.g. '
                              '\'{"1": "csam", "0": "skip"}\'')
        imp.add_argument("--no-retro-hunt", action="store_true",
                         help="don't match the new entries against files already held")
        imp.add_argument("--quiet", action="store_true")
        exp = sub.add_parser("export", help="export banks' hashes as VICS 2.0 JSON")
        exp.add_argument("--bank", action="append", required=True, help="bank name (repeat)")
        exp.add_argument("--output", "-o", type=Path, required=True)
        exp.add_argument("--organisation", default="NCRB")
        sub.add_parser("list", help="list banks and their entry counts")
        sub.add_parser("formats", help="list the hash-list formats")

    def handle(self, *args: Any, **options: Any) -> None:
        from tipline.accounts.services import system_user

        actor = system_user("cli")
        try:
            getattr(self, f"_{options['action']}")(actor, options)
        except TiplineError as exc:
            raise CommandError(str(exc)) from exc

    def _import(self, actor: Actor, o: dict[str, Any]) -> None:
        from tipline.media.services import (
            bank_configure,
            bank_create,
            bank_import,
            bank_retrohunt,
        )

        category_map = json.loads(o["category_map"]) if o["category_map"] else None
        if category_map is not None and not isinstance(category_map, dict):
            raise CommandError("--category-map must be a JSON object")
        progress = NullProgress() if o["quiet"] else TerminalProgress(f"import {o['bank']}")
        # the bank (when new), its settings and every entry, or none of them: a file that
        # fails leaves no empty bank behind
        with transaction.atomic():
            bank = HashBank.objects.filter(name=o["bank"]).first()
            if bank is None:
                bank = bank_create(
                    actor=actor, name=o["bank"],
                    kind=HashBank.Kind.SAFELIST if o["safelist"] else HashBank.Kind.NORMAL,
                    pdq_threshold=31 if o["threshold"] is None else o["threshold"],
                    confirmed=not o["unconfirmed"], category_map=category_map)
            elif category_map is not None or o["threshold"] is not None:
                bank = bank_configure(actor=actor, bank=bank, category_map=category_map,
                                      pdq_threshold=o["threshold"])
            counts = bank_import(actor=actor, bank=bank, path=o["file"],
                                 format_name=o["format"], retro_hunt=False, progress=progress)
        if isinstance(progress, TerminalProgress):
            progress.finish()
        if not o["no_retro_hunt"] and counts.first_id is not None:  # once committed
            counts.retro = bank_retrohunt(actor=actor, bank=bank, since_id=counts.first_id)
        self.stdout.write(f"{o['file']}: format {counts.format}; added {counts.added}, "
                          f"deleted {counts.deleted}, skipped {counts.skipped}, "
                          f"invalid {counts.invalid}, unchanged {counts.unchanged}")
        if counts.retro is not None:
            self.stdout.write(f"retro-hunt: {counts.retro.files} file(s) re-matched, "
                              f"{counts.retro.matches} match(es), "
                              f"{len(counts.retro.reports)} report(s)")

    def _export(self, actor: Actor, o: dict[str, Any]) -> None:
        from tipline.media.services import bank_export

        data = bank_export(actor=actor, bank_names=o["bank"], organisation=o["organisation"])
        o["output"].write_bytes(data)
        self.stdout.write(f"wrote {o['output']} ({len(data)} bytes)")

    def _list(self, actor: Actor, o: dict[str, Any]) -> None:
        from tipline.media.selectors import bank_list

        rows = bank_list()
        if not rows:
            self.stdout.write("no banks")
        for b in rows:
            self.stdout.write(
                f"{b['name']:<24} {b['kind']:<9} {'enabled' if b['enabled'] else 'disabled':<9}"
                f" {'confirmed' if b['confirmed'] else 'unconfirmed':<11} pdq<={b['pdq_threshold']}"
                f"  entries {b['entries']}  deleted {b['deleted']}  matches {b['matches']}")

    def _formats(self, actor: Actor, o: dict[str, Any]) -> None:
        for name, fmt in formats.all().items():
            self.stdout.write(f"{name:<12} {fmt.description}")
