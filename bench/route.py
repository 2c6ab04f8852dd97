"""Benchmark: resolve and route N generated reports (the demo generator's, with ground truth).

    .venv/bin/python bench/route.py --n 100000

Generates and imports N synthetic NCMEC reports into a fresh SQLite home (not timed, in a
forked child process, so that its memory is not counted), then times resolve + place
(`reports_route_chunks`) and linking (`clusters_update`: every report is new here, so it
rebuilds every cluster, as `tipline route` does), and prints the routing accuracy against
the generator's ground truth, how many helper processes resolved (TIPLINE_ROUTE_PROCESSES)
with their peak memory, then the routing process's peak memory (`peak_rss_mb`, ru_maxrss, and
as it stood before linking; read before the accuracy check, which holds the ground truth).
Last line
`route_reports_per_s=<value>`.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import shutil
import sys
import time
from collections import Counter
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
    from django.db import connections

    from tipline.accounts.services import system_user
    from tipline.demo.generator import generate_export
    from tipline.geo.accuracy import routing_accuracy
    from tipline.intake.ingest import ingest_paths
    from tipline.routing import placement
    from tipline.routing.linking import clusters_update
    from tipline.routing.placement import outcome_summary, reports_route_chunks, route_processes

    export, truth = home / "export.zip", home / "truth.csv"

    def prepare() -> None:
        generate_export(out_zip=export, ground_truth_csv=truth, reports=args.n, seed=args.seed)
        ingest_paths(paths=[export], actor=system_user("bench"))

    connections.close_all()  # the child opens its own
    child = multiprocessing.get_context("fork").Process(target=prepare)
    child.start()
    child.join()
    if child.exitcode != 0:
        sys.exit(f"generating or importing the reports failed ({child.exitcode})")
    processes = route_processes()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    cpu_started = time.process_time()
    ids: list[int] = []  # as `tipline route` keeps them: the reports placed, to link
    outcomes: Counter[str] = Counter()
    for chunk_ids, chunk_outcomes in reports_route_chunks(actor=system_user("bench")):
        ids += chunk_ids
        outcomes += chunk_outcomes
    count = len(ids)
    placed_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    linking = time.perf_counter()
    linked, clusters = clusters_update(report_ids=ids, actor=system_user("bench"))
    link_seconds = time.perf_counter() - linking
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before the accuracy check
    print(outcome_summary(count, outcomes))
    print(f"linked {linked} reports into {clusters} clusters")
    print(f"resolve+place {elapsed - link_seconds:.1f} s, link {link_seconds:.1f} s")
    print(routing_accuracy(ground_truth_csv=truth).summary())
    print(f"seconds={elapsed:.1f}")
    shutil.rmtree(home, ignore_errors=True)
    helpers = (f"{processes} helper processes resolving (TIPLINE_ROUTE_PROCESSES), "
               f"each at most {placement.helper_peak_mb:.0f} MB" if processes
               else "resolved in the routing process itself")
    print(f"parallelism: {helpers}; cpu_seconds_routing_process="
          f"{time.process_time() - cpu_started:.1f}")
    print(f"peak_rss_mb={peak:.0f} (routing process; {rss_before:.0f} before routing, "
          f"{placed_peak:.0f} after resolve+place, before linking)")
    print(f"route_reports_per_s={count / elapsed:.0f}")


if __name__ == "__main__":
    main()
