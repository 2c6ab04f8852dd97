"""Make the database ready: migrate when migrations are pending, seed reference data.

Core imports no app: each app registers its own seed from its `AppConfig.ready()`.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def pending_migrations() -> bool:
    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def ensure_ready(*, verbose: bool = False) -> bool:
    """Make the data folder private, migrate and seed if needed; returns whether the
    database was migrated."""
    from tipline.core.modes import modes_fix, private_roots

    # the folders themselves and their first level: with the folder closed to others what
    # is deeper is out of their reach (`tipline doctor --fix` walks everything)
    modes_fix(private_roots(), deep=False)
    if not pending_migrations():
        return False
    call_command("migrate", interactive=False, verbosity=1 if verbose else 0)
    seed_reference_data()
    return True


#: Each app's reference data (the jurisdiction tree, roles, legal sections...), registered by
#: the app's own `ready()` through `seed_register`, run in the order the apps are installed.
_SEEDS: list[Callable[[], object]] = []


def seed_register(seed: Callable[[], object]) -> None:
    """Run `seed` (idempotent: it adds what is missing) whenever reference data is seeded."""
    if seed not in _SEEDS:
        _SEEDS.append(seed)


def seed_reference_data() -> None:
    """Add every app's missing reference data (after migrating, or on demand)."""
    for seed in _SEEDS:
        seed()
