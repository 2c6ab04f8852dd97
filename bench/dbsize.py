"""Benchmark: what a report costs in PostgreSQL once it has been through the whole flow, for
sizing the database (docs/operations.md, "Sizing").

    .venv/bin/python bench/dbsize.py --n 1000 --database-url postgres://postgres@127.0.0.1/postgres

Runs `tipline demo --reports N` (generate, import, scan, route, dispatch, cases; the
classifiers are left out, they add two numbers a file) in a fresh database on that server,
vacuums it, and compares its size with the freshly bootstrapped one. Prints the largest
tables, the blob bytes a report (the demo's generated images are small: real media differ)
and, last, `db_bytes_per_report=<value>`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _home import fresh_home  # noqa: E402


def database_bytes() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("SELECT pg_database_size(current_database())")
        return int(cursor.fetchone()[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1000, help="reports")
    parser.add_argument("--database-url", required=True,
                        help="a PostgreSQL server (postgres://user@host:port/db)")
    args = parser.parse_args()
    os.environ["TIPLINE_CLASSIFY_ON_SCAN"] = "false"
    home = fresh_home("tipline-bench-dbsize-", args.database_url)
    from django.core.management import call_command
    from django.db import connection

    connection.ensure_connection()
    connection.connection.autocommit = True  # VACUUM runs outside a transaction
    before = database_bytes()
    with open(os.devnull, "w") as quiet:
        call_command("demo", reports=args.n, quiet=True, stdout=quiet)
    connection.ensure_connection()
    connection.connection.autocommit = True
    after = database_bytes()
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, pg_total_relation_size(relid) FROM pg_stat_user_tables "
                       "ORDER BY 2 DESC LIMIT 8")
        largest = cursor.fetchall()
    blobs = sum(p.stat().st_size for p in (home / "blobs").rglob("*.tlb"))
    print(f"reports={args.n} database_bytes before={before:,} after={after:,}")
    print("largest tables: " + ", ".join(f"{name} {size / 2**20:.1f} MB"
                                         for name, size in largest))
    print(f"blob_bytes_per_report={blobs / args.n:.0f} (generated demo images)")
    shutil.rmtree(home, ignore_errors=True)
    print(f"db_bytes_per_report={(after - before) / args.n:.0f}")


if __name__ == "__main__":
    main()
