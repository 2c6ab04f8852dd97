"""Benchmark: build one packet of N routed reports (workbook, N PDFs, SOP, manifest, AES ZIP).

    .venv/bin/python bench/dispatch.py --n 10000

Generates, imports and routes N synthetic NCMEC reports into a fresh SQLite home and puts them
all at one unit (not timed); then a fresh process builds the packet (`packet_build`), so the
peak RSS printed is the build's own (PDFs are rendered in TIPLINE_DISPATCH_WORKERS forked
processes, reported apart). On a machine others are using, compare the CPU seconds as well
as the wall time. Last line `dispatch_reports_per_s=<value>`.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _home import database_option, fresh_home  # noqa: E402

UNIT = "IN-MH-PUNE"


def prepare(n: int, seed: int, database_url: str) -> Path:
    home = fresh_home("tipline-dispatch-", database_url)
    from tipline.accounts.services import system_user
    from tipline.demo.generator import generate_export
    from tipline.intake.ingest import ingest_paths
    from tipline.intake.models import Report
    from tipline.jurisdictions.models import Jurisdiction
    from tipline.routing.services import routing_run

    export, truth = home / "export.zip", home / "truth.csv"
    generate_export(out_zip=export, ground_truth_csv=truth, reports=n, seed=seed)
    ingest_paths(paths=[export], actor=system_user("bench"))
    routing_run(actor=system_user("bench"))
    unit = Jurisdiction.objects.get(code=UNIT)
    Report.objects.filter(is_current=True).update(jurisdiction=unit,
                                                  status=Report.Status.ROUTED)
    return home


def build(home: Path) -> None:
    """In a fresh process: time the packet build; print one JSON line."""
    os.environ["TIPLINE_HOME"] = str(home)  # DATABASE_URL as the parent set it (or none)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tipline.settings"
    import django

    django.setup()
    from tipline.accounts.services import system_user
    from tipline.dispatch.services import packet_build

    actor = system_user("bench")
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started, cpu = time.perf_counter(), time.process_time()
    built = packet_build(actor=actor, target_code=UNIT)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(json.dumps({
        "reports": built.packet.report_count, "seconds": elapsed, "cpu": cpu,
        "bytes": built.packet.size,
        "rss_before_mb": rss_before,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "worker_peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "worker_cpu": (lambda c: c.ru_utime + c.ru_stime)(
            resource.getrusage(resource.RUSAGE_CHILDREN))}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=10_000, help="reports in the packet")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the temporary TIPLINE_HOME")
    parser.add_argument("--build", help=argparse.SUPPRESS)  # the child process's home
    database_option(parser)
    args = parser.parse_args()
    if args.build:
        build(Path(args.build))
        return
    home = prepare(args.n, args.seed, args.database_url)
    child = subprocess.run([sys.executable, __file__, "--build", str(home)], check=True,  # noqa: S603
                           capture_output=True, text=True)
    result = json.loads(child.stdout.strip().splitlines()[-1])
    rate = result["reports"] / result["seconds"]
    print(f"reports={result['reports']} seconds={result['seconds']:.1f} "
          f"cpu_seconds={result['cpu']:.1f} zip_mb={result['bytes'] / 1024**2:.1f} "
          f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print(f"peak_rss_mb={result['peak_rss_mb']:.0f} (after start-up "
          f"{result['rss_before_mb']:.0f}); each PDF worker process at most "
          f"{result['worker_peak_rss_mb']:.0f} MB (forked: mostly shared with the builder), "
          f"{result['worker_cpu']:.1f} CPU seconds in all")
    if not args.keep:
        shutil.rmtree(home, ignore_errors=True)
    print(f"dispatch_reports_per_s={rate:.0f}")


if __name__ == "__main__":
    main()
