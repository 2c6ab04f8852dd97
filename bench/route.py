"""Benchmark: resolve and route N generated reports (the demo generator's, with ground truth).

    .venv/bin/python bench/route.py --n 100000

Generates and imports N synthetic NCMEC reports into a fresh SQLite home (not timed), then
times resolve + place (`reports_route_pending`) and linking (`clusters_rebuild`), and prints
the routing accuracy against the generator's ground truth. Last line
`route_reports_per_s=<value>`.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _home import database_option, fresh_home  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000, help="reports to route")
    parser.add_argument("--seed", type=int, default=7)
    database_option(parser)
    args = parser.parse_args()
    home = fresh_home("tipline-route-", args.database_url)
    from tipline.accounts.services import system_user
    from tipline.demo.generator import generate_export
    from tipline.geo.accuracy import routing_accuracy
    from tipline.intake.ingest import ingest_paths
    from tipline.routing.linking import clusters_rebuild
    from tipline.routing.placement import outcome_summary, reports_route_pending

    export, truth = home / "export.zip", home / "truth.csv"
    generate_export(out_zip=export, ground_truth_csv=truth, reports=args.n, seed=args.seed)
    ingest_paths(paths=[export], actor=system_user("bench"))
    started = time.perf_counter()
    ids, outcomes = reports_route_pending(actor=system_user("bench"))
    count = len(ids)
    routed = time.perf_counter()
    linked, clusters = clusters_rebuild(actor=system_user("bench"))
    elapsed = time.perf_counter() - started
    print(outcome_summary(count, outcomes))
    print(f"linked {linked} reports into {clusters} clusters")
    print(f"resolve+place {routed - started:.1f} s, link {elapsed - (routed - started):.1f} s")
    print(routing_accuracy(ground_truth_csv=truth).summary())
    print(f"seconds={elapsed:.1f}")
    shutil.rmtree(home, ignore_errors=True)
    print(f"route_reports_per_s={count / elapsed:.0f}")


if __name__ == "__main__":
    main()
