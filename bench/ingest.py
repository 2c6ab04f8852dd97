"""Benchmark: import N generated CyberTipline XML reports into a fresh database
(SQLite, or PostgreSQL with --database-url).

    .venv/bin/python bench/ingest.py --n 100000

Prints reports/second and peak RSS; last line `ingest_reports_per_s=<value>`.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _home import database_option, fresh_home  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000, help="reports to import")
    parser.add_argument("--keep", action="store_true", help="keep the temporary TIPLINE_HOME")
    database_option(parser)
    args = parser.parse_args()
    home = fresh_home("tipline-bench-", args.database_url)
    from gen_xml import write_reports

    from tipline.accounts.services import system_user
    from tipline.intake.ingest import ingest_paths

    source = home / "reports.xml"
    write_reports(source, args.n)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cpu_self = time.process_time()
    cpu_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    batch = ingest_paths(paths=[source], actor=system_user("bench"))
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    parser_cpu = (children.ru_utime + children.ru_stime) - (
        cpu_children.ru_utime + cpu_children.ru_stime)
    writer_cpu = time.process_time() - cpu_self
    rate = batch.imported / elapsed if elapsed else 0.0
    print(f"reports={args.n} imported={batch.imported} rejected={batch.rejected} "
          f"seconds={elapsed:.1f}")
    print(f"peak_rss_mb={peak:.0f} (before import {rss_before:.0f}); parser process "
          f"{children.ru_maxrss / 1024:.0f} MB")
    print(f"cpu_seconds writer={writer_cpu:.1f} parser={parser_cpu:.1f} "
          f"(wall {elapsed:.1f}; on an idle machine wall is about the larger of the two)")
    if not args.keep:
        import shutil

        shutil.rmtree(home, ignore_errors=True)
    print(f"ingest_reports_per_s={rate:.0f}")


if __name__ == "__main__":
    main()
