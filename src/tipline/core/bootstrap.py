"""Make the database ready: migrate when migrations are pending, seed reference data."""

from __future__ import annotations

from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def pending_migrations() -> bool:
    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def ensure_ready(*, verbose: bool = False) -> bool:
    """Migrate and seed if needed; returns whether anything was done."""
    if not pending_migrations():
        return False
    call_command("migrate", interactive=False, verbosity=1 if verbose else 0)
    seed_reference_data()
    return True


def seed_reference_data() -> None:
    from tipline.accounts.services import roles_seed
    from tipline.cases.services import legal_sections_seed
    from tipline.geo.selectors import jurisdiction_cache_clear
    from tipline.geo.services import jurisdictions_seed, units_seed
    from tipline.geo.units import coverage_cache_clear

    jurisdictions_seed()
    units_seed()
    jurisdiction_cache_clear()
    coverage_cache_clear()
    roles_seed()
    legal_sections_seed()
