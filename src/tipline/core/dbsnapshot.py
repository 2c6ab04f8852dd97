"""A consistent copy of the database, and putting one back: SQLite or PostgreSQL.

`snapshot_open` holds one read snapshot while it dumps the database and while its caller
reads from the same snapshot (counts, the blobs referred to, the audit head), so what a
backup says about itself is exactly what it holds:

- SQLite: a deferred read transaction on Django's own connection (WAL keeps writers
  running), copied by SQLite's online backup API (`sqlite3.Connection.backup`), which reads
  through that transaction.
- PostgreSQL: a REPEATABLE READ, READ ONLY transaction whose snapshot is exported
  (`pg_export_snapshot()`) and handed to `pg_dump --snapshot` (custom format).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from django.db import connection, connections, transaction

from tipline.core.errors import TiplineError


class SnapshotError(TiplineError):
    """The database could not be dumped or restored."""


def database_vendor() -> str:
    """"sqlite" or "postgresql"."""
    vendor = connection.vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise SnapshotError(f"backups support SQLite and PostgreSQL, not {vendor}")
    return vendor


def dump_name(vendor: str) -> str:
    """The database member's name inside a backup."""
    return "database.sqlite3" if vendor == "sqlite" else "database.pgdump"


@contextmanager
def snapshot_open(target: Path) -> Iterator[Path]:
    """Dump the database to `target` inside one read snapshot, and stay in it while the
    caller reads (through Django's connection) what the dump holds."""
    if connection.in_atomic_block:
        raise SnapshotError("a backup can't start inside a transaction")
    if database_vendor() == "sqlite":
        with _sqlite_snapshot(target):
            yield target
    else:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                (snapshot,) = cursor.fetchone()
            _pg_run(["pg_dump", "--format=custom", f"--snapshot={snapshot}",
                     f"--file={target}"])
            yield target


@contextmanager
def _sqlite_snapshot(target: Path) -> Iterator[None]:
    connection.ensure_connection()
    raw = connection.connection
    raw.execute("BEGIN DEFERRED")
    try:
        raw.execute("SELECT count(*) FROM sqlite_master").fetchone()  # pins the snapshot
        copy = sqlite3.connect(target)
        try:
            raw.backup(copy)
            # one self-contained file: no WAL beside it
            copy.execute("PRAGMA journal_mode=DELETE")
        finally:
            copy.close()
        os.chmod(target, 0o600)
        yield
    finally:
        raw.execute("ROLLBACK")


def _pg_env() -> dict[str, str]:
    """libpq's variables for Django's database (no password on a command line)."""
    config = connection.settings_dict
    env = dict(os.environ)
    for var, value in (("PGHOST", config.get("HOST")), ("PGPORT", config.get("PORT")),
                       ("PGUSER", config.get("USER")), ("PGPASSWORD", config.get("PASSWORD")),
                       ("PGDATABASE", config.get("NAME")),
                       ("PGSSLMODE", (config.get("OPTIONS") or {}).get("sslmode"))):
        if value:
            env[var] = str(value)
    return env


def _pg_run(argv: list[str]) -> None:
    try:
        done = subprocess.run(argv, env=_pg_env(), capture_output=True, text=True,  # noqa: S603
                              check=False)
    except FileNotFoundError:
        raise SnapshotError(f"{argv[0]} was not found: install PostgreSQL's client programs "
                            "(Debian: postgresql-client)") from None
    if done.returncode != 0:
        lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
        raise SnapshotError(f"{argv[0]} failed: {lines[-1] if lines else done.returncode}")


def dump_check(path: Path, *, vendor: str) -> None:
    """Raise SnapshotError unless `path` is a readable dump of `vendor`'s kind."""
    if vendor == "sqlite":
        try:
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
                (result,) = db.execute("PRAGMA quick_check").fetchone()
        except sqlite3.DatabaseError as exc:
            raise SnapshotError(f"the backup's database is not readable: {exc}") from None
        if result != "ok":
            raise SnapshotError(f"the backup's database fails its check: {result}")
    else:
        _pg_run(["pg_restore", "--list", str(path)])


def database_restore(path: Path) -> None:
    """Put a dump in place of the configured database (the caller has checked that it may).

    SQLite: the file replaces the database (mode 0600), its old WAL and shared-memory files
    removed first so none is replayed onto it. PostgreSQL: `pg_restore --clean` into
    DATABASE_URL's database, in one transaction (a failure leaves the database as it was).
    """
    connections.close_all()
    if database_vendor() == "sqlite":
        name = Path(connection.settings_dict["NAME"])
        for suffix in ("-wal", "-shm", "-journal"):
            with suppress(FileNotFoundError):
                os.unlink(f"{name}{suffix}")
        os.chmod(path, 0o600)
        os.replace(path, name)
    else:
        _pg_run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
                 "--single-transaction", "--exit-on-error", f"--dbname={_pg_env()['PGDATABASE']}",
                 str(path)])
    connections.close_all()
