"""tipline bootstrap: create/migrate the database and seed the jurisdiction tree and roles."""

from typing import Any

from django.core.management.base import BaseCommand

from tipline.core.bootstrap import ensure_ready, seed_reference_data


class Command(BaseCommand):
    help = "Create and migrate the database, seed jurisdictions and roles (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        ensure_ready(verbose=True)
        seed_reference_data()
        self.stdout.write("database ready")
