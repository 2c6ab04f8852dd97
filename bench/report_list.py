"""Benchmark: the report list with its total, at N reports (default 25,000) on PostgreSQL,
through the real server over loopback.

    .venv/bin/python bench/report_list.py --n 25000 \\
        --database-url postgres://postgres@127.0.0.1:5432/postgres

Loads the reports as bench/scale.py does (the first `--real` through the real pipeline, the
rest copied in SQL), starts `tipline serve --no-worker`, and times `--requests` GETs per
user (a hub user and a district's unit officer) of the report list, the list filtered by a
state and by the smallest state, and a search of it: every one of them counts its total.
Prints each page's p50 and p95, and last the worst p95: `report_list_p95_ms=<value>` (the
target is under 300 at 25,000 reports).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _home import database_option, fresh_home  # noqa: E402
from scale import load, serve_and_measure  # noqa: E402

PAGES = ("report list", "state filter", "small state", "search")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=25_000, help="reports in the database")
    parser.add_argument("--real", type=int, default=5_000,
                        help="of which generated, imported and routed by the real pipeline")
    parser.add_argument("--requests", type=int, default=40, help="timed GETs per page per user")
    parser.add_argument("--seed", type=int, default=7)
    database_option(parser)
    args = parser.parse_args()
    args.database_url = args.database_url or os.environ.get("DATABASE_URL", "")
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench/report_list.py measures PostgreSQL: give --database-url "
                 "postgres://... (or set DATABASE_URL)")
    home = fresh_home("tipline-report-list-", args.database_url)
    try:
        load(home, n=args.n, real=min(args.real, args.n), seed=args.seed)
        worst = serve_and_measure(home, requests=args.requests, only=PAGES)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    print(f"report_list_p95_ms={worst:.0f}")


if __name__ == "__main__":
    main()
