"""Benchmark: open cases for N routed reports at once, dispatch and acknowledge them.

    .venv/bin/python bench/cases.py --n 25000

Creates N routed reports spread over a few units in a fresh SQLite home (not timed), then
times `cases_open` (with each case's SOP checklist and audit events), a second idempotent
`cases_open`, `cases_mark_dispatched`, `cases_acknowledge` and the funnel. Last line
`cases_open_reports_per_s=<value>`.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _home import database_option, fresh_home  # noqa: E402

UNITS = ("IN-MH-BEED", "IN-MH-PUNE", "IN-KA-BENGALURU-URBAN", "IN-DL-NEW-DELHI")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=25_000, help="routed reports")
    database_option(parser)
    args = parser.parse_args()
    home = fresh_home("tipline-cases-", args.database_url)
    from django.db import transaction

    from tipline.accounts.services import system_user
    from tipline.cases.selectors import case_funnel
    from tipline.cases.services import cases_acknowledge, cases_mark_dispatched, cases_open
    from tipline.intake.models import Report, Source
    from tipline.jurisdictions.models import Jurisdiction

    actor = system_user("bench")
    units = list(Jurisdiction.objects.filter(code__in=UNITS)) or list(
        Jurisdiction.objects.filter(kind=Jurisdiction.Kind.DISTRICT)[:4])
    now = datetime.now(UTC)
    with transaction.atomic():
        Report.objects.bulk_create([
            Report(source=Source.NCMEC, external_id=f"B{i}", content_sha256=f"{i:064x}",
                   imported_at=now, jurisdiction=units[i % len(units)],
                   status=Report.Status.ROUTED)
            for i in range(args.n)], batch_size=2000)
    ids = list(Report.objects.values_list("id", flat=True))
    timings = {}
    for name, call in [
        ("open", lambda: cases_open(actor=actor, report_ids=ids)),
        ("open again", lambda: cases_open(actor=actor, report_ids=ids)),
        ("dispatched", lambda: cases_mark_dispatched(actor=actor, report_ids=ids, packet_id=1)),
        ("acknowledge", lambda: cases_acknowledge(actor=actor, report_ids=ids)),
    ]:
        started = time.perf_counter()
        count = call()
        timings[name] = time.perf_counter() - started
        print(f"{name}: {count} cases in {timings[name]:.2f} s")
    from tipline.accounts.services import grant_add, user_create

    hub = user_create(actor=None, username="bench-hub", password=None)
    grant_add(actor=None, user=hub, role_code="hub_admin", jurisdiction_code="IN")
    started = time.perf_counter()
    total = case_funnel(user=hub).total
    print(f"funnel: {total.reports} reports, {total.acknowledged} acknowledged in "
          f"{time.perf_counter() - started:.2f} s")
    shutil.rmtree(home, ignore_errors=True)
    print(f"cases_open_reports_per_s={args.n / timings['open']:.0f}")


if __name__ == "__main__":
    main()
