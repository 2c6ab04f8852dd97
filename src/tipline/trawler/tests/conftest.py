"""Fixtures of the trawler's tests: the local test site, and settings that keep a test fast.

`trawl_site` is a running `site.TestSite` on 127.0.0.1 (a fresh one per test, its request log
empty). Every trawler test starts with the per-host rate limit off (a test of the rate limit
turns it on), short timeouts, and this process's parsed robots.txt forgotten.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tipline.trawler.tests.site import TestSite


@pytest.fixture
def trawl_site() -> Iterator[TestSite]:
    with TestSite() as site:
        yield site


@pytest.fixture(autouse=True)
def _trawl_settings(settings: Any) -> Iterator[None]:
    from tipline.trawler.robots import robots_forget

    settings.TRAWL_HOST_INTERVAL_SECONDS = 0
    settings.TRAWL_CONNECT_TIMEOUT = 2
    settings.TRAWL_READ_TIMEOUT = 2
    settings.TRAWL_DEADLINE_SECONDS = 5
    robots_forget()
    yield
    robots_forget()
