"""tipline audit verify: check the audit chain."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tipline.audit.selectors import audit_chain_verify


class Command(BaseCommand):
    help = "Audit trail tools. 'verify' recomputes the hash chain and names the first broken event."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_chain_verify()
        if not result.ok:
            raise CommandError(
                f"audit chain broken at event #{result.first_broken_seq}: {result.reason} "
                f"({result.checked} events before it are intact)"
            )
        self.stdout.write(f"audit chain intact: {result.checked} events")
