"""robots.txt (RFC 9309) and the per-host rate limit, against the local test site."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tipline.trawler.agent import host_name
from tipline.trawler.fetching import ROBOTS_BLOCKED, client_make, fetch
from tipline.trawler.models import Host
from tipline.trawler.robots import robots_allowed, robots_forget
from tipline.trawler.tests.conftest import threads_need_server_db
from tipline.trawler.tests.site import TestSite

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with client_make() as made:
        yield made


def gaps(times: list[float]) -> list[float]:
    return [later - earlier for earlier, later in zip(times, times[1:], strict=False)]


def test_a_disallowed_path_is_never_fetched(trawl_site: TestSite,
                                            client: httpx.Client) -> None:
    got = fetch(trawl_site.url("/private/secret.html"), client=client)
    assert got.error == ROBOTS_BLOCKED
    assert got.status is None
    assert trawl_site.paths() == ["/robots.txt"]
    assert fetch(trawl_site.url("/page/0"), client=client).status == 200


def test_robots_txt_is_kept_on_the_host_and_asked_once(trawl_site: TestSite,
                                                       client: httpx.Client) -> None:
    for i in range(3):
        fetch(trawl_site.url(f"/page/{i}"), client=client)
    robots_forget()  # another process: it reads the Host row, not the site
    fetch(trawl_site.url("/page/3"), client=client)
    assert trawl_site.count("/robots.txt") == 1
    host = Host.objects.get(name=host_name(trawl_site.url("/")))
    assert host.robots_status == 200
    assert "Disallow: /private/" in host.robots_txt
    assert host.robots_fetched_at is not None


def test_robots_txt_is_asked_again_after_its_ttl(trawl_site: TestSite, client: httpx.Client,
                                                 settings: Any) -> None:
    fetch(trawl_site.url("/page/0"), client=client)
    Host.objects.update(robots_fetched_at=datetime.now(UTC) - timedelta(
        seconds=settings.TRAWL_ROBOTS_TTL_SECONDS + 1))
    robots_forget()
    trawl_site.robots = "User-agent: *\nDisallow: /page/\n"
    assert fetch(trawl_site.url("/page/1"), client=client).error == ROBOTS_BLOCKED
    assert trawl_site.count("/robots.txt") == 2


def test_rules_for_our_agent_are_matched_by_its_product_token(
        trawl_site: TestSite, client: httpx.Client) -> None:
    trawl_site.robots = ("User-agent: TiplineTrawler\nDisallow: /page/1\n\n"
                         "User-agent: *\nDisallow: /\n")
    assert robots_allowed(trawl_site.url("/page/0"), client=client, fetcher=fetch)
    assert not robots_allowed(trawl_site.url("/page/1"), client=client, fetcher=fetch)


def test_a_missing_robots_txt_allows_everything(trawl_site: TestSite,
                                                client: httpx.Client) -> None:
    trawl_site.robots_status = 404
    assert fetch(trawl_site.url("/private/secret.html"), client=client).status == 200


@pytest.mark.parametrize("status", [500, 503, 429])
def test_an_unreachable_robots_txt_disallows_everything(
        trawl_site: TestSite, client: httpx.Client, status: int) -> None:
    trawl_site.robots_status = status
    assert fetch(trawl_site.url("/page/0"), client=client).error == ROBOTS_BLOCKED
    assert trawl_site.paths() == ["/robots.txt"]
    assert Host.objects.get().robots_status == status


def test_no_answer_at_all_disallows_everything(client: httpx.Client) -> None:
    with TestSite() as gone:
        url = gone.url("/page/0")
    got = fetch(url, client=client)
    assert got.error == ROBOTS_BLOCKED
    assert Host.objects.get().robots_status is None


def test_fetches_from_one_host_keep_the_interval(trawl_site: TestSite, client: httpx.Client,
                                                 settings: Any) -> None:
    settings.TRAWL_HOST_INTERVAL_SECONDS = 1
    for i in range(3):
        fetch(trawl_site.url(f"/page/{i}"), client=client)
    times = trawl_site.times()
    assert len(times) == 4  # robots.txt and three pages
    assert min(gaps(times)) >= 1.0 - 0.02  # the server's clock against ours: 20 ms slack


def test_crawl_delay_raises_the_interval(trawl_site: TestSite, client: httpx.Client,
                                         settings: Any) -> None:
    settings.TRAWL_HOST_INTERVAL_SECONDS = 0
    trawl_site.robots = "User-agent: *\nCrawl-delay: 1\n"
    for i in range(3):
        fetch(trawl_site.url(f"/page/{i}"), client=client)
    assert min(gaps(trawl_site.times()[1:])) >= 1.0 - 0.02


@threads_need_server_db
@pytest.mark.django_db(transaction=True)
def test_two_workers_share_the_interval(trawl_site: TestSite, settings: Any) -> None:
    settings.TRAWL_HOST_INTERVAL_SECONDS = 1
    errors: list[str] = []

    def worker(first: int) -> None:
        from django.db import connection
        try:
            with client_make() as own:
                for i in range(first, first + 2):
                    got = fetch(trawl_site.url(f"/page/{i}"), client=own)
                    errors.append(got.error)
        finally:
            connection.close()

    Host.objects.create(name=host_name(trawl_site.url("/")), robots_status=404,
                        robots_fetched_at=datetime.now(UTC))
    threads = [threading.Thread(target=worker, args=(n,)) for n in (0, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == ["", "", "", ""]
    times = trawl_site.times()
    assert len(times) == 4
    assert min(gaps(sorted(times))) >= 1.0 - 0.02
