"""The judge on media fetched over HTTP from the local test site (tests/site.py) with the
crawler's own fetch: every banked image is found, by exact hash or by PDQ, and no other."""

from __future__ import annotations

from typing import Any

import pytest

from tipline.core.blobs import blob_exists
from tipline.intake.models import Report
from tipline.media.content import file_hashes
from tipline.trawler.fetching import client_make, fetch
from tipline.trawler.judging import media_judge
from tipline.trawler.models import Finding, MediaSeen
from tipline.trawler.tests.judge_helpers import (
    bank,
    bank_add,
    fresh_index,  # noqa: F401 - autouse
    frontier_url,
)
from tipline.trawler.tests.site import TestSite, image_bytes
from tipline.trawler.types import FetchedMedia

pytestmark = pytest.mark.django_db


def test_every_banked_image_of_the_site_and_no_other(
        tree: None, trawl_site: TestSite, settings: Any, immediate_tasks: None,
        django_capture_on_commit_callbacks: Any) -> None:
    settings.TRAWL_CLASSIFY = False
    keys = [f"page-{i}-{j}" for i in range(trawl_site.pages) for j in range(trawl_site.images)]
    known = bank()
    bank_add(known, image_bytes("page-1-0"), pdq=False)  # exact
    bank_add(known, image_bytes("page-4-1"))  # exact and PDQ
    bank_add(known, image_bytes("page-5-0", fmt="JPEG"), exact=False)  # PDQ of another copy
    items = []
    with client_make() as client:
        for key in keys:
            url = trawl_site.url(f"/img/{key}.png")
            got = fetch(url, client=client)
            assert got.status == 200 and not got.error, got.error
            page = trawl_site.url(f"/page/{key.split('-')[1]}")
            items.append(FetchedMedia(url_id=frontier_url(url).pk,
                                      page_id=frontier_url(page, kind="page").pk,
                                      page_url=page, fetched=got,
                                      hashes=file_hashes(got.content)))
    with django_capture_on_commit_callbacks(execute=True):
        outcomes = media_judge(items)
    banked = {"page-1-0", "page-4-1", "page-5-0"}
    assert {k for k, o in zip(keys, outcomes, strict=True) if o == "match"} == banked
    assert all(o == "no_match" for k, o in zip(keys, outcomes, strict=True) if k not in banked)
    assert MediaSeen.objects.count() == len(keys)
    found = {f.media_url.rsplit("/", 1)[1][:-4]: f for f in Finding.objects.all()}
    assert set(found) == banked
    assert found["page-5-0"].match_how == "pdq"
    assert all(f.ip == "127.0.0.1" and f.http_status == 200 and f.report_id for f in
               found.values())
    assert Report.objects.filter(source="trawler").count() == 3
    for k in set(keys) - banked:
        assert not blob_exists(file_hashes(image_bytes(k)).sha256)
