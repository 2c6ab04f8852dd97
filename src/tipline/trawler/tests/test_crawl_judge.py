"""End to end: the crawler (crawl.py) crawls the local test site, and its judge finds every
banked image (by exact hash, or by PDQ of another copy) and no other, files each as a report
once, and keeps nothing of the rest; a crawl again files nothing twice."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from tipline.accounts.services import system_user
from tipline.core.blobs import blob_exists
from tipline.intake.models import Report
from tipline.trawler.crawl import crawl_run, host_ids_forget
from tipline.trawler.models import Finding, MediaSeen, Url
from tipline.trawler.services import source_add
from tipline.trawler.tests.judge_helpers import bank, bank_add
from tipline.trawler.tests.judge_helpers import fresh_index as fresh_index  # autouse
from tipline.trawler.tests.site import TestSite, image_bytes

pytestmark = pytest.mark.django_db

BANKED_EXACT = ("page-1-0", "page-6-1", "feed-media-0")
BANKED_PDQ = ("page-4-0",)  # the bank holds the PDQ of a JPEG copy; the site serves a PNG


def test_a_crawl_finds_every_banked_image_and_no_other(
        tree: None, trawl_site: TestSite, settings: Any, immediate_tasks: None,
        django_capture_on_commit_callbacks: Any) -> None:
    settings.TRAWL_CLASSIFY = False
    host_ids_forget()
    known = bank()
    for key in BANKED_EXACT:
        bank_add(known, image_bytes(key), pdq=False)
    for key in BANKED_PDQ:
        bank_add(known, image_bytes(key, fmt="JPEG"), exact=False)
    source_add(actor=system_user("test"), url=trawl_site.url("/"), depth=6)
    with django_capture_on_commit_callbacks(execute=True):
        crawl_run(until_idle=True)
    seen = list(MediaSeen.objects.select_related("url"))
    keys = {urlsplit(s.url.url).path.rsplit("/", 1)[-1].rsplit(".", 1)[0]: s for s in seen}
    # the crawl reached every banked image, and more that are not banked
    banked = set(BANKED_EXACT) | set(BANKED_PDQ)
    assert banked <= set(keys) and len(keys) > len(banked) + 5
    matched = {k for k, s in keys.items() if s.outcome == "match"}
    assert matched == banked
    assert all(s.outcome in ("match", "no_match", "error") for s in seen)
    findings = list(Finding.objects.select_related("report"))
    found = {urlsplit(f.media_url).path.rsplit("/", 1)[-1].rsplit(".", 1)[0] for f in findings}
    assert found == banked
    assert all(f.report is not None and f.report.source == "trawler" for f in findings)
    assert all(f.ip == "127.0.0.1" and f.http_status == 200 for f in findings)
    page_found = [f for f in findings if "page-" in f.media_url]
    assert all(f.page_url.startswith(trawl_site.url("/page/")) for f in page_found)
    reports = Report.objects.filter(source="trawler").count()
    assert reports == len({(f.media_url, f.sha256) for f in findings})
    kept = {s.sha256 for s in seen if s.outcome == "match"}
    assert all(blob_exists(sha) for sha in kept)
    assert not any(blob_exists(s.sha256) for s in seen if s.sha256 not in kept)

    # crawled again (everything due at once), nothing is filed twice
    Url.objects.update(due_at=Url.objects.values_list("fetched_at", flat=True).first(),
                       state=Url.State.QUEUED)
    with django_capture_on_commit_callbacks(execute=True):
        crawl_run(until_idle=True)
    assert MediaSeen.objects.filter(outcome="match").count() > len(matched)
    assert Finding.objects.count() == len(findings)
    assert Report.objects.filter(source="trawler").count() == reports
