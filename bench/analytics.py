"""Benchmark: the chart pages (and the funnel table) at the server for N reports.

    .venv/bin/python bench/analytics.py --n 25000

Builds N reports over many units of several states, received over the last year, opens a
case for each (with its SOP steps), marks most dispatched and acknowledged, registers FIRs on
one in ten, closes some as not pursued, and makes acknowledged and waiting packets (not
timed). Then asks each chart page, as the hub analyst would, through Django's request
handler in this process (the server's time: middleware, views, queries, templates; no
network), `--repeat` times each, and prints each page's 95th percentile. Last line
`analytics_p95_ms=<the slowest page's 95th percentile>`.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _home import database_option, fresh_home  # noqa: E402

STATES = ("MH", "KA", "DL", "UP", "TN", "WB")


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * 95 // 100) - 1)]


def build(n: int) -> None:
    """N reports, their cases and packets, written in bulk."""
    from django.db import transaction

    from tipline.accounts.services import system_user
    from tipline.cases.models import FIR, Case
    from tipline.cases.services import cases_open, cases_tally_rebuild
    from tipline.dispatch.models import Packet
    from tipline.intake.models import Report, Source
    from tipline.jurisdictions.models import Jurisdiction

    rng = random.Random(13)
    actor = system_user("bench")
    units = [u for s in STATES for u in Jurisdiction.objects.filter(
        path__startswith=f"IN/{s}/", kind__in=["district", "unit"])[:20]]
    now = datetime.now(UTC)
    sources = [Source.NCMEC] * 8 + [Source.PLATFORM, Source.PUBLIC]
    with transaction.atomic():
        Report.objects.bulk_create([
            Report(source=rng.choice(sources), external_id=f"B{i}", content_sha256=f"{i:064x}",
                   imported_at=now, received_at=now - timedelta(minutes=rng.randrange(525600)),
                   jurisdiction=units[i % len(units)], status=Report.Status.ROUTED)
            for i in range(n)], batch_size=2000)
    ids = list(Report.objects.values_list("id", flat=True))
    cases_open(actor=actor, report_ids=ids)
    cases = list(Case.objects.values_list("id", "unit_id"))
    fir_rows, updates = [], []
    for cid, _unit in cases:
        opened = now - timedelta(days=rng.randrange(365))
        roll = rng.random()
        dispatched = opened + timedelta(hours=2) if roll < 0.9 else None
        acked = opened + timedelta(hours=rng.randrange(1, 200)) if roll < 0.8 else None
        status = "acknowledged" if acked else "received"
        closure = ""
        if roll < 0.1:
            status = "fir"
            fir_rows.append(FIR(case_id=cid, number=f"{cid}/2026", police_station="PS",
                                registered_on=(opened + timedelta(days=rng.randrange(30))).date(),
                                recorded_at=now))
        elif roll > 0.95:
            status, closure = "closed", "false_positive"
        updates.append(Case(id=cid, opened_at=opened, dispatched_at=dispatched,
                            acknowledged_at=acked, status=status, closure_reason=closure))
    with transaction.atomic():
        Case.objects.bulk_update(updates, ["opened_at", "dispatched_at", "acknowledged_at",
                                           "status", "closure_reason"], batch_size=2000)
        FIR.objects.bulk_create(fir_rows, batch_size=2000)
        Packet.objects.bulk_create([
            Packet(target=u, created_at=now - timedelta(days=w * 7),
                   ack_due_at=now - timedelta(days=w * 7 - 3),
                   acknowledged_at=(now - timedelta(days=w * 7 - rng.random() * 5)
                                    if w else None), report_count=10)
            for u in units for w in range(52)], batch_size=2000)
    cases_tally_rebuild()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=25_000, help="reports")
    parser.add_argument("--repeat", type=int, default=10, help="requests per page")
    database_option(parser)
    args = parser.parse_args()
    home = fresh_home("tipline-analytics-", args.database_url)
    started = time.perf_counter()
    build(args.n)
    print(f"built {args.n} reports in {time.perf_counter() - started:.1f} s")

    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from tipline.accounts.services import grant_add, user_create

    settings.ALLOWED_HOSTS = ["*"]
    hub = user_create(actor=None, username="bench-analyst", password=None)
    grant_add(actor=None, user=hub, role_code="hub_analyst", jurisdiction_code="IN")
    client = Client()
    client.force_login(hub)
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=hub, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    pages = {
        "cases funnel table": reverse("cases:funnel"),
        "funnel chart": reverse("analytics:funnel"),
        "funnel chart, 90 days": reverse("analytics:funnel") + "?start="
        + (datetime.now(UTC).date() - timedelta(days=89)).isoformat(),
        "funnel xlsx": reverse("analytics:funnel") + "?format=xlsx",
        "intake 30 days": reverse("analytics:intake"),
        "intake a year by week": reverse("analytics:intake") + "?start="
        + (datetime.now(UTC).date() - timedelta(days=364)).isoformat(),
        "times per state": reverse("analytics:times"),
        "times per unit": reverse("analytics:times") + "?by=unit",
        "map reports": reverse("analytics:map"),
        "map open cases": reverse("analytics:map") + "?measure=open",
        "map overdue": reverse("analytics:map") + "?measure=overdue",
        "Maharashtra overdue": reverse("analytics:map_state", args=["MH"]) + "?measure=overdue",
    }
    worst = 0.0
    for name, url in pages.items():
        took = []
        for _ in range(args.repeat + 1):
            t = time.perf_counter()
            response = client.get(url)
            took.append((time.perf_counter() - t) * 1000)
            if response.status_code != 200:
                sys.exit(f"{name}: {response.status_code}")
        took = took[1:]  # the first warms the process's caches
        worst = max(worst, p95(took))
        print(f"{name}: median {statistics.median(took):.0f} ms, p95 {p95(took):.0f} ms")
    shutil.rmtree(home, ignore_errors=True)
    print(f"analytics_p95_ms={worst:.0f}")


if __name__ == "__main__":
    main()
