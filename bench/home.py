"""Benchmark: the home page of each role, at the server, over N reports.

    .venv/bin/python bench/home.py --n 25000

Creates N reports in a fresh home (not timed): a tenth waiting in the national queue, a
tenth at Maharashtra, the rest routed to four units with their cases open (a third of them
with SOP steps overdue) and one packet to Beed. Then opens `/` as a hub admin, a hub
analyst, a reviewer, Maharashtra's nodal officer, Beed's unit officer, an auditor and a
platform account through Django's whole request stack (middleware, session, second factor,
template), `--runs` times each after one warm-up, and prints each role's median and 95th
percentile. Last line `home_p95_ms=<value>`: the slowest role's 95th percentile.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _home import database_option, fresh_home  # noqa: E402

UNITS = ("IN-MH-BEED", "IN-MH-PUNE", "IN-KA-BENGALURU-URBAN", "IN-DL-NEW-DELHI")
ROLES = (("admin", "hub_admin", "IN"), ("analyst", "hub_analyst", "IN"),
         ("reviewer", "reviewer", "IN"), ("mh.nodal", "state_nodal", "IN-MH"),
         ("beed.officer", "unit_officer", "IN-MH-BEED"), ("auditor", "auditor", "IN"),
         ("platform", "platform", "IN"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=25_000, help="reports")
    parser.add_argument("--runs", type=int, default=20, help="requests per role")
    database_option(parser)
    args = parser.parse_args()
    home = fresh_home("tipline-home-", args.database_url)
    from django.db import transaction
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tipline.accounts.policies import mfa_required
    from tipline.accounts.services import grant_add, system_user, user_create
    from tipline.cases.models import ChecklistItem
    from tipline.cases.services import cases_open
    from tipline.dispatch.services import packet_build
    from tipline.intake.models import Report, Source
    from tipline.jurisdictions.models import Jurisdiction

    actor = system_user("bench")
    units = list(Jurisdiction.objects.filter(code__in=UNITS))
    country = Jurisdiction.objects.get(code="IN")
    state = Jurisdiction.objects.get(code="IN-MH")
    now = datetime.now(UTC)
    sources = [Source.NCMEC, Source.NCMEC, Source.NCMEC, Source.PUBLIC]

    def place(i: int) -> tuple[Jurisdiction, str]:
        if i % 10 == 0:
            return country, Report.Status.NEW
        if i % 10 == 1:
            return state, Report.Status.NEW
        return units[i % len(units)], Report.Status.ROUTED

    started = time.perf_counter()
    with transaction.atomic():
        Report.objects.bulk_create([
            Report(source=sources[i % len(sources)], external_id=f"H{i}",
                   content_sha256=f"{i:064x}", imported_at=now - timedelta(hours=i % 72),
                   received_at=now - timedelta(days=i % 400),
                   jurisdiction=place(i)[0], status=place(i)[1])
            for i in range(args.n)], batch_size=2000)
    routed = list(Report.objects.filter(status=Report.Status.ROUTED)
                  .values_list("id", flat=True))
    cases_open(actor=actor, report_ids=routed)
    ChecklistItem.objects.filter(case__report_id__in=routed[::3], step="integrity").update(
        due_at=now - timedelta(days=3))
    beed = list(Report.objects.filter(jurisdiction__code="IN-MH-BEED")
                .values_list("id", flat=True)[:50])
    packet_build(actor=actor, target_code="IN-MH-BEED", report_ids=beed)
    print(f"made {args.n} reports, {len(routed)} cases in {time.perf_counter() - started:.1f} s")

    worst = 0.0
    for username, role, node in ROLES:
        user = user_create(actor=None, username=username, password=None)
        grant_add(actor=None, user=user, role_code=role, jurisdiction_code=node)
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        if mfa_required(user):
            device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        first = client.get("/")
        if first.status_code != 200:
            raise SystemExit(f"{username}: {first.status_code}")
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            response = client.get("/")
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        p95 = sorted(times)[max(0, int(len(times) * 0.95) - 1)]
        worst = max(worst, p95)
        print(f"{role:12} median {statistics.median(times):7.1f} ms  p95 {p95:7.1f} ms")
    shutil.rmtree(home, ignore_errors=True)
    print(f"home_p95_ms={worst:.1f}")


if __name__ == "__main__":
    main()
