"""One fetch against the local test site: redirects, caps, deadline, sniffing, peer address,
and bad answers that become errors, never exceptions."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tipline.trawler.agent import host_name
from tipline.trawler.fetching import ROBOTS_BLOCKED, client_make, fetch, sniff
from tipline.trawler.tests.site import TestSite, image_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with client_make() as made:
        yield made


def test_a_page_is_fetched_with_its_address_type_and_our_user_agent(
        trawl_site: TestSite, client: httpx.Client, settings: Any) -> None:
    settings.TRAWL_CONTACT_URL = "https://hub.example/trawler"
    with client_make() as named:
        got = fetch(trawl_site.url("/page/0"), client=named)
    assert got.error == ""
    assert got.status == 200
    assert got.content_type == "text/html"
    assert b"Page 0" in got.content
    assert got.ip == "127.0.0.1"
    assert got.final_url == trawl_site.url("/page/0")
    agents = {hit.user_agent for hit in trawl_site.hits}
    assert agents == {"TiplineTrawler/1.0 (+https://hub.example/trawler)"}


def test_the_configured_user_agent_is_sent(trawl_site: TestSite, settings: Any) -> None:
    settings.TRAWL_USER_AGENT = "HubCrawler/2 (+https://hub.example/about)"
    with client_make() as named:
        fetch(trawl_site.url("/page/0"), client=named)
    assert {hit.user_agent for hit in trawl_site.hits} == {settings.TRAWL_USER_AGENT}


def test_an_image_is_sniffed_from_its_bytes_whatever_the_header_says(
        trawl_site: TestSite, client: httpx.Client) -> None:
    png = image_bytes("sniffed")
    trawl_site.routes["/lying"] = (200, {"Content-Type": "text/html"}, png)
    trawl_site.routes["/claims-image"] = (200, {"Content-Type": "image/png"}, b"<p>text</p>")
    got = fetch(trawl_site.url("/lying"), client=client)
    assert got.content == png
    assert got.content_type == "image/png"
    got = fetch(trawl_site.url("/claims-image"), client=client)
    assert got.content_type == "application/octet-stream"
    jpeg = fetch(trawl_site.url("/img/x.jpg"), client=client)
    assert jpeg.content_type == "image/jpeg"
    video = fetch(trawl_site.url("/media/clip-1.webm"), client=client)
    assert video.content_type == "video/webm"


def test_sniff_tells_pages_and_feeds() -> None:
    assert sniff(b"<!DOCTYPE html><html>", "") == "text/html"
    assert sniff(b"  <html><body>", "application/octet-stream") == "text/html"
    assert sniff(b'<?xml version="1.0"?><rss version="2.0">', "text/xml") == \
        "application/rss+xml"
    assert sniff(b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">', "") == \
        "application/atom+xml"
    assert sniff(b'{"@context": "https://www.w3.org/ns/activitystreams"}',
                 "application/json") == "application/activity+json"
    assert sniff(b"plain", "text/plain; charset=utf-8") == "text/plain"


def test_redirects_are_followed_up_to_the_limit(
        trawl_site: TestSite, client: httpx.Client, settings: Any) -> None:
    settings.TRAWL_MAX_REDIRECTS = 3
    got = fetch(trawl_site.url("/chain/3"), client=client)
    assert got.error == ""
    assert got.status == 200
    assert got.final_url == trawl_site.url("/chain/0")
    assert got.redirects == [trawl_site.url(f"/chain/{n}") for n in (2, 1, 0)]
    got = fetch(trawl_site.url("/chain/4"), client=client)
    assert got.error == "too many redirects"
    assert got.content == b""
    assert trawl_site.count("/chain/0") == 1  # the fifth hop was never asked for


def test_a_redirect_loop_is_caught(trawl_site: TestSite, client: httpx.Client) -> None:
    got = fetch(trawl_site.url("/loop/a"), client=client)
    assert got.error == "redirect loop"
    assert trawl_site.paths() == ["/robots.txt", "/loop/a", "/loop/b"]


def test_a_redirect_into_a_disallowed_path_is_refused(
        trawl_site: TestSite, client: httpx.Client) -> None:
    trawl_site.routes["/to-private"] = (302, {"Location": "/private/secret.html"}, b"")
    got = fetch(trawl_site.url("/to-private"), client=client)
    assert got.error == ROBOTS_BLOCKED
    assert "/private/secret.html" not in trawl_site.paths()


def test_a_redirect_to_another_scheme_is_not_followed(
        trawl_site: TestSite, client: httpx.Client) -> None:
    trawl_site.routes["/to-ftp"] = (302, {"Location": "ftp://127.0.0.1/file"}, b"")
    got = fetch(trawl_site.url("/to-ftp"), client=client)
    assert got.error.startswith("redirect to a URL not fetched")


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/x", "file:///etc/passwd", "javascript:1",
                                 "http:///nohost", "mailto:a@b.c"])
def test_only_http_urls_are_fetched(url: str, client: httpx.Client) -> None:
    got = fetch(url, client=client)
    assert got.error
    assert got.status is None


def test_an_oversized_body_is_cut_and_marked(trawl_site: TestSite,
                                             client: httpx.Client) -> None:
    got = fetch(trawl_site.url("/big.png"), client=client, max_bytes=100_000)
    assert got.truncated
    assert len(got.content) <= 100_000
    streamed = fetch(trawl_site.url("/big-stream"), client=client, max_bytes=100_000)
    assert streamed.truncated
    assert len(streamed.content) == 100_000
    whole = fetch(trawl_site.url("/big.png"), client=client, max_bytes=3 * 1024 * 1024)
    assert not whole.truncated
    assert len(whole.content) == trawl_site.big_bytes


def test_the_size_cap_setting_applies(trawl_site: TestSite, client: httpx.Client,
                                      settings: Any) -> None:
    settings.TRAWL_MAX_BYTES = 1000
    got = fetch(trawl_site.url("/endless"), client=client)
    assert got.truncated
    assert len(got.content) == 1000


def test_a_slow_drip_is_cut_at_the_deadline(trawl_site: TestSite, client: httpx.Client,
                                            settings: Any) -> None:
    settings.TRAWL_DEADLINE_SECONDS = 2
    trawl_site.slow_every = 0.2  # each byte comes well within the read timeout
    started = time.monotonic()
    got = fetch(trawl_site.url("/slow"), client=client)
    assert got.error
    assert 0 < len(got.content) < 100
    # bounded: the deadline plus at most one read timeout, not the 20,000 s of the drip
    assert time.monotonic() - started < settings.TRAWL_DEADLINE_SECONDS + \
        settings.TRAWL_READ_TIMEOUT + 1


def test_a_stalled_response_times_out(trawl_site: TestSite, client: httpx.Client) -> None:
    got = fetch(trawl_site.url("/stall"), client=client)
    assert got.error.startswith("timeout")


def test_an_endless_body_ends_at_the_cap(trawl_site: TestSite, client: httpx.Client) -> None:
    got = fetch(trawl_site.url("/endless"), client=client, max_bytes=300_000)
    assert got.truncated
    assert len(got.content) == 300_000


def test_garbage_claiming_to_be_an_image_is_not_one(trawl_site: TestSite,
                                                   client: httpx.Client) -> None:
    got = fetch(trawl_site.url("/garbage"), client=client)
    assert got.error == ""
    assert got.content_type == "application/octet-stream"


def test_a_refused_connection_is_an_error(client: httpx.Client) -> None:
    with TestSite() as gone:
        url = gone.url("/page/0")
    got = fetch(url, client=client, obey_robots=False)
    assert got.status is None
    assert got.error.startswith("ConnectError")


def test_the_accept_header_is_sent(trawl_site: TestSite, client: httpx.Client) -> None:
    fetch(trawl_site.url("/users/alice/outbox"), client=client,
          accept="application/activity+json")
    assert trawl_site.hits[-1].accept == "application/activity+json"


def test_host_names_keep_a_port_but_not_the_default_one() -> None:
    assert host_name("http://Example.ORG/x") == "example.org"
    assert host_name("https://example.org:443/x") == "example.org"
    assert host_name("http://127.0.0.1:8080/x") == "127.0.0.1:8080"
    assert host_name("http://user:pw@example.org:81/") == "example.org:81"


def test_the_proxy_setting_is_used(trawl_site: TestSite, settings: Any) -> None:
    # the test site as the "proxy": a proxied request asks the proxy for the absolute URL
    settings.TRAWL_PROXY = trawl_site.url("")
    with client_make() as proxied:
        fetch("http://far.example.invalid/page/0", client=proxied, obey_robots=False)
    assert trawl_site.hits[-1].path == "http://far.example.invalid/page/0"
    assert trawl_site.hits[-1].host == "far.example.invalid"


def test_cookies_are_never_sent_back(trawl_site: TestSite, client: httpx.Client) -> None:
    trawl_site.routes["/sets-cookie"] = (200, {"Content-Type": "text/html",
                                               "Set-Cookie": "session=abc; Path=/"}, b"<p>")
    fetch(trawl_site.url("/sets-cookie"), client=client)
    fetch(trawl_site.url("/page/0"), client=client)
    assert [hit.cookie for hit in trawl_site.hits] == ["", "", ""]
