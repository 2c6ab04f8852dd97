"""Fixtures of the trawler's tests: the local test site, and settings that keep a test fast.

`trawl_site` is a running `site.TestSite` on 127.0.0.1 (a fresh one per test, its request log
empty). Every trawler test starts with the per-host rate limit off (a test of the rate limit
turns it on), the classifiers off (the candidates' tests turn them on), short timeouts, and
this process's parsed robots.txt forgotten.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings as django_settings

from tipline.trawler.tests.site import TestSite

#: threads sharing the test database: on SQLite the tests' in-memory database (shared cache)
#: locks whole tables without waiting, which the real file database (WAL, busy timeout,
#: IMMEDIATE transactions) does not; such tests run on PostgreSQL (DATABASE_URL)
threads_need_server_db = pytest.mark.skipif(
    "sqlite" in django_settings.DATABASES["default"]["ENGINE"],
    reason="threads on the in-memory SQLite test database lock tables; run on PostgreSQL")


@pytest.fixture
def trawl_site() -> Iterator[TestSite]:
    with TestSite() as site:
        yield site


@pytest.fixture(autouse=True)
def _trawl_settings(settings: Any) -> Iterator[None]:
    from tipline.trawler.robots import robots_forget

    settings.TRAWL_HOST_INTERVAL_SECONDS = 0
    settings.TRAWL_CLASSIFY = False
    settings.TRAWL_CONNECT_TIMEOUT = 2
    settings.TRAWL_READ_TIMEOUT = 2
    settings.TRAWL_DEADLINE_SECONDS = 5
    robots_forget()
    yield
    robots_forget()
