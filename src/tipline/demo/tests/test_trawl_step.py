"""The demo's trawl (demo/steps/trawl.py) on a fresh database holding the demo bank: the
generated local web is crawled, its banked images (and no other) become findings filed as
trawler reports, one notice goes per URL, and the hosts' removals are measured from real
re-fetches on the moved clock; a second run adds nothing."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path
from typing import Any

import pytest
from django.core import mail

from tipline.accounts.services import system_user
from tipline.demo.images import make_pool
from tipline.demo.report import IMAGE_POOL
from tipline.demo.site import DemoWeb, demo_hosts
from tipline.demo.steps.scan import DEMO_BANK, DEMO_BANK_SIZE
from tipline.demo.steps.trawl import DEMO_ORIGIN, demo_images, trawl_demo
from tipline.intake.models import Report
from tipline.intake.selectors import ReportFilters, report_list_rows
from tipline.media.hashing import pdq_bytes
from tipline.media.services import bank_create, bank_import
from tipline.trawler.models import Finding, Notice, Source, Url
from tipline.trawler.removals import removals_by_host
from tipline.trawler.services import source_add

pytestmark = pytest.mark.django_db

SEED = 7


def _demo_bank() -> list[int]:
    """The demo bank as the scan step makes it: PDQ hashes of the first few pool images by
    SHA-256 (there: the stored files'); the banked images' numbers."""
    pool = sorted(make_pool(IMAGE_POOL, SEED), key=lambda i: hashlib.sha256(i.data).hexdigest())
    chosen = pool[:DEMO_BANK_SIZE]
    scanner = system_user("scanner")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "demo-known-hashes.txt"
        path.write_text("# DEMO ONLY\n" + "".join(pdq_bytes(i.data).hash + "\n"
                                                   for i in chosen), encoding="utf-8")
        bank = bank_create(actor=scanner, name=DEMO_BANK, confirmed=True)
        bank_import(actor=scanner, bank=bank, path=path, format_name="pdq-list")
    return [i.number for i in chosen]


def test_the_demo_trawl_finds_reports_notices_and_measures_removal(
        hub_admin: Any) -> None:
    numbers = _demo_bank()
    banked, others = demo_images(seed=SEED)
    assert sorted(b.number for b in banked) == sorted(numbers)
    expected = DemoWeb(hosts=demo_hosts(banked=banked, others=others)).banked_served(banked)
    assert len(expected) == 5  # the sixth sits on a page robots.txt forbids
    # a reported URL already in the frontier: the demo's crawl reaches no other host
    elsewhere = source_add(actor=None, url="https://chat.example/p/1", kind=Source.Kind.REPORT)

    done = trawl_demo(actor=hub_admin, seed=SEED)

    findings = list(Finding.objects.order_by("pk"))
    assert sorted(f.media_url for f in findings) == expected
    assert {f.state for f in findings} == {Finding.State.CONFIRMED}
    reports = Report.objects.filter(source="trawler")
    assert reports.count() == len(expected) == done.reports == done.findings
    listed = list(report_list_rows(user=hub_admin, filters=ReportFilters(source="trawler"),
                                   limit=100))
    assert sorted(r.pk for r in listed) == sorted(reports.values_list("pk", flat=True))

    notices = list(Notice.objects.select_related("finding", "host"))
    assert sorted(n.finding.media_url for n in notices) == expected
    assert all(n.email == f"abuse@{n.host.name}" for n in notices)
    sent = [m for m in mail.outbox if m.to[0].startswith("abuse@demo-host-")]
    assert len(sent) == len(expected) == done.notices == done.emails
    by_host: dict[str, list[Notice]] = {}
    for n in notices:
        by_host.setdefault(n.host.name, []).append(n)
    one, two, three = (by_host[f"demo-host-{i}.invalid"] for i in (1, 2, 3))
    assert [n.removed_how for n in one] == ["gone"] * 2
    assert sorted(n.removed_how for n in two) == ["", "off page"]
    assert [(n.removed_at, n.state) for n in three] == [(None, Notice.State.ESCALATED)]
    assert all(n.escalated_at is None for n in one)

    rows = {r.host: r for r in removals_by_host()}
    assert (rows["demo-host-1.invalid"].sent, rows["demo-host-1.invalid"].removed) == (2, 2)
    assert rows["demo-host-1.invalid"].median is not None
    assert rows["demo-host-1.invalid"].median.total_seconds() == 3600  # the first re-check
    assert (rows["demo-host-2.invalid"].sent, rows["demo-host-2.invalid"].removed) == (2, 1)
    # removed five hours after its notice: seen gone at the re-check after 1 + 2 + 4 hours
    assert rows["demo-host-2.invalid"].median == 7 * rows["demo-host-1.invalid"].median
    assert (rows["demo-host-3.invalid"].sent, rows["demo-host-3.invalid"].removed) == (1, 0)
    assert rows["demo-host-3.invalid"].median is None
    assert [(h.host, h.sent, h.removed, h.escalated) for h in done.hosts] == [
        ("demo-host-1.invalid", 2, 2, 0), ("demo-host-2.invalid", 2, 1, 1),
        ("demo-host-3.invalid", 1, 0, 1)]
    assert elsewhere.urls.get().state == Url.State.BLOCKED and done.elsewhere == 1
    text = done.summary()
    assert "clock moved forward" in text and "5 findings" in text

    # a second run adds nothing and says so
    again = trawl_demo(actor=hub_admin, seed=SEED)
    assert again.already and "done already" in again.summary()
    assert (Finding.objects.count(), Notice.objects.count(), reports.count()) == (5, 5, 5)
    assert Source.objects.filter(origin=DEMO_ORIGIN).count() == 3
