"""Benchmark: takedown notices for N confirmed findings, then the per-host removal figures.

    .venv/bin/python bench/trawl_notices.py --n 10000

Creates N confirmed findings over 200 hosts (a contact for each host but the last) in a
fresh home (not timed), sends their notices through Django's locmem e-mail backend (one
e-mail each, timed), marks 70% of them removed after 1 to 200 hours, and times
`removals_by_host` (one query, one pass). Last line `removals_by_host_ms=<value>`.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _home import database_option, fresh_home  # noqa: E402

HOSTS = 200


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=10_000, help="confirmed findings")
    database_option(parser)
    args = parser.parse_args()
    os.environ["EMAIL_URL"] = "locmem://"
    home = fresh_home("tipline-trawl-notices-", args.database_url)
    from django.db import transaction

    from tipline.trawler.contacts import contacts_import
    from tipline.trawler.models import Finding, Host, MediaSeen, Notice, Source, Url
    from tipline.trawler.notices import notices_send
    from tipline.trawler.removals import removals_by_host

    now = datetime(2026, 6, 1, tzinfo=UTC)
    contacts_import(actor=None, text="host,email\n" + "".join(
        f"host{h}.example,abuse@host{h}.example\n" for h in range(HOSTS - 1)))
    with transaction.atomic():
        hosts = Host.objects.bulk_create([Host(name=f"cdn.host{h}.example")
                                          for h in range(HOSTS)])
        source = Source.objects.create(kind=Source.Kind.MANUAL, url="http://seed.example/",
                                       created_at=now)
        urls = Url.objects.bulk_create([
            Url(url=f"http://cdn.host{i % HOSTS}.example/{i}.jpg", host=hosts[i % HOSTS],
                source=source, due_at=now) for i in range(args.n)], batch_size=2000)
        sha = [hashlib.sha256(str(i).encode()).hexdigest() for i in range(args.n)]
        seen = MediaSeen.objects.bulk_create([
            MediaSeen(url=urls[i], fetched_at=now, size=1, media="image", md5="", sha1="",
                      sha256=sha[i], outcome="match") for i in range(args.n)], batch_size=2000)
        Finding.objects.bulk_create([
            Finding(seen=seen[i], host=hosts[i % HOSTS], kind="match", state="confirmed",
                    page_url=f"http://host{i % HOSTS}.example/p/{i}",
                    media_url=f"http://cdn.host{i % HOSTS}.example/{i}.jpg", fetched_at=now,
                    http_status=200, sha256=sha[i]) for i in range(args.n)], batch_size=2000)
    started = time.perf_counter()
    sent = no_contact = 0
    while True:
        done = notices_send(now=now, limit=2000)
        sent, no_contact = sent + done.sent, no_contact + done.no_contact
        if not done.sent and not done.no_contact:
            break
    send_s = time.perf_counter() - started
    print(f"notices: {sent} sent, {no_contact} without a contact in {send_s:.2f} s")
    rng = random.Random(5)
    removed = []
    for notice in Notice.objects.filter(state="sent").only("pk", "sent_at"):
        if rng.random() < 0.7 and notice.sent_at:
            notice.removed_at = notice.sent_at + timedelta(hours=rng.uniform(1, 200))
            notice.state = "removed"
            removed.append(notice)
    Notice.objects.bulk_update(removed, ["removed_at", "state"], batch_size=2000)
    started = time.perf_counter()
    rows = removals_by_host(now=now + timedelta(days=10))
    stats_ms = (time.perf_counter() - started) * 1000
    print(f"removals_by_host: {len(rows)} hosts, {sum(r.sent for r in rows)} notices; first: "
          f"{rows[0].host} median {rows[0].median} p90 {rows[0].p90}")
    shutil.rmtree(home, ignore_errors=True)
    print(f"notices_sent_per_s={sent / send_s:.0f}")
    print(f"removals_by_host_ms={stats_ms:.0f}")


if __name__ == "__main__":
    main()
