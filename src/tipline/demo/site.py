"""The demo's small web: three invented hosts serving generated pages and the demo's own
generated images (abstract shapes: DEMO ONLY), for the trawler to crawl during `tipline demo`.

Plain Python (no Django). One in-process HTTP server on 127.0.0.1 (a random port) plays all
three hosts. It is meant to be the crawler's HTTP proxy (`TIPLINE_TRAWL_PROXY`): a request
for `http://demo-host-2.invalid/feed.xml` arrives at it in absolute form and is answered
from host 2's pages; a request for any other host is answered 502, so a crawl through it
never leaves this machine. The host names use the reserved `.invalid` top-level domain.

    with DemoWeb(hosts=demo_hosts(banked=..., others=...)) as web:
        web.proxy_url          # http://127.0.0.1:<port>
        web.seeds()            # (host, URL, kind) to add as the trawler's sources
        web.notices_read(emails, at=...)   # the hosts read the takedown notices sent
        web.clock = later      # and act on them (or not) as the clock moves

Each host has an index page linking its pages, pages with three images each, and a
robots.txt; host 1 forbids /private/ (whose page carries a banked image the crawler must
never see), host 2 also publishes an RSS feed linking its posts. How a host answers a
takedown notice is its `policy`:

- "all": every noticed image is gone (404) half an hour after the notice;
- "some": every second noticed image (in URL order) is taken off its page five hours after
  the notice (the image file itself still answers: "off page"); the others stay;
- "none": nothing is ever removed.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from tipline.demo.images import PoolImage

#: the invented hosts (reserved .invalid domain) and how each answers a takedown notice
HOSTS = (("demo-host-1.invalid", "all"), ("demo-host-2.invalid", "some"),
         ("demo-host-3.invalid", "none"))
#: images per page
PER_PAGE = 3
#: how long after a notice a host that removes does it
REMOVE_AFTER = {"all": timedelta(minutes=30), "some": timedelta(hours=5)}
_MEDIA_URL = re.compile(r"Media URL:\s+(\S+)")


@dataclass
class DemoHost:
    """One invented host: its pages (each a list of images), a page robots.txt forbids, and
    how it answers takedown notices."""

    name: str
    policy: str  # "all", "some", "none"
    pages: list[list[PoolImage]]
    private: list[PoolImage] = field(default_factory=list)
    feed: bool = False

    @property
    def contact(self) -> str:
        return f"abuse@{self.name}"

    def url(self, path: str) -> str:
        return f"http://{self.name}{path}"


def image_path(image: PoolImage) -> str:
    return f"/media/demo-{image.number:03d}.{image.ext}"


def demo_hosts(*, banked: Sequence[PoolImage], others: Sequence[PoolImage],
               pages: int = 4) -> list[DemoHost]:
    """The demo's three hosts. Banked images go, in order: two on host 1, two on host 2,
    one on host 3, one on host 1's forbidden page; every other slot holds an image from
    `others` (each used once while they last)."""
    specs = [(*HOSTS[0], 2, True, False), (*HOSTS[1], 2, False, True),
             (*HOSTS[2], 1, False, False)]
    queue, forbidden = list(banked[:5]), list(banked[5:6])
    spare = list(others)

    def other(i: int) -> PoolImage:
        return spare.pop(0) if spare else others[i % len(others)]

    hosts = []
    for name, policy, count, private, feed in specs:
        mine, queue = queue[:count], queue[count:]
        slots = [other(i) for i in range(pages * PER_PAGE)]
        for k, image in enumerate(mine):  # banked ones on pages 1, 3, ... (second slot)
            slots[(2 * k % pages) * PER_PAGE + 1] = image
        hosts.append(DemoHost(
            name=name, policy=policy, feed=feed,
            pages=[slots[p * PER_PAGE:(p + 1) * PER_PAGE] for p in range(pages)],
            private=[other(0), *forbidden] if private else []))
    return hosts


class DemoWeb:
    """The running web of `hosts` (a context manager: started on entry, stopped on exit)."""

    def __init__(self, *, hosts: Sequence[DemoHost]) -> None:
        self.hosts = {h.name: h for h in hosts}
        self.clock: datetime | None = None
        self.noticed: dict[str, datetime] = {}  # media URL -> when its notice arrived
        self.requests = 0
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- running ----------------------------------------------------------------------

    def start(self) -> DemoWeb:
        web = self

        class Handler(_Handler):
            site = web

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        name="demo-web", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> DemoWeb:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    @property
    def proxy_url(self) -> str:
        assert self._server is not None, "not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # -- what the trawler is told -------------------------------------------------------

    def seeds(self) -> list[tuple[str, str, str]]:
        """(host, URL, "site" or "feed") for each host: its feed if it has one, else its
        index page."""
        return [(h.name, h.url("/feed.xml" if h.feed else "/"), "feed" if h.feed else "site")
                for h in self.hosts.values()]

    def banked_served(self, banked: Sequence[PoolImage]) -> list[str]:
        """The URLs of the banked images a polite crawler can see (not the forbidden ones)."""
        numbers = {b.number for b in banked}
        return sorted(h.url(image_path(i)) for h in self.hosts.values()
                      for page in h.pages for i in page if i.number in numbers)

    # -- notices and removal -----------------------------------------------------------

    def notices_read(self, bodies: Sequence[str], *, at: datetime) -> int:
        """The hosts receive these takedown e-mails at `at`; how many named a URL here."""
        read = 0
        with self._lock:
            for body in bodies:
                for url in _MEDIA_URL.findall(body):
                    if urlsplit(url).hostname in self.hosts:
                        self.noticed.setdefault(url, at)
                        read += 1
        return read

    def removed(self, host: DemoHost, path: str) -> bool:
        """Whether `host` has removed the image at `path` by the web's clock."""
        url = host.url(path)
        with self._lock:
            at = self.noticed.get(url)
            if at is None or self.clock is None or host.policy not in REMOVE_AFTER:
                return False
            if host.policy == "some":
                mine = sorted(u for u in self.noticed if urlsplit(u).hostname == host.name)
                if mine.index(url) % 2:
                    return False
            return self.clock >= at + REMOVE_AFTER[host.policy]

    # -- answers -----------------------------------------------------------------------

    def answer(self, host_name: str, path: str) -> tuple[int, str, bytes]:
        """(status, content type, body) for a request."""
        host = self.hosts.get(host_name)
        if host is None:
            return 502, "text/plain", (b"the demo web serves its own hosts only: nothing "
                                       b"leaves this machine\n")
        if path == "/robots.txt":
            rules = "User-agent: *\nDisallow: /private/\n" if host.private else \
                "User-agent: *\nDisallow:\n"
            return 200, "text/plain", rules.encode()
        if path == "/":
            return 200, "text/html", self._index(host)
        if path == "/feed.xml" and host.feed:
            return 200, "application/rss+xml", self._feed(host)
        match = re.fullmatch(r"/(?:page|post)/(\d+)", path)
        if match and int(match.group(1)) < len(host.pages):
            number = int(match.group(1))
            return 200, "text/html", self._page(host, number, host.pages[number])
        if path == "/private/" and host.private:
            return 200, "text/html", self._page(host, -1, host.private)
        for image in [i for page in host.pages for i in page] + host.private:
            if image_path(image) == path:
                if host.policy == "all" and self.removed(host, path):
                    return 404, "text/plain", b"removed after a takedown notice\n"
                kind = "image/png" if image.ext == "png" else "image/jpeg"
                return 200, kind, image.data
        return 404, "text/plain", b"not found\n"

    def _index(self, host: DemoHost) -> bytes:
        kind = "post" if host.feed else "page"
        links = "".join(f'<li><a href="/{kind}/{n}">{kind} {n}</a></li>'
                        for n in range(len(host.pages)))
        if host.private:
            links += '<li><a href="/private/">members only</a></li>'
        return _html(host, "DEMO ONLY: a generated site", f"<ul>{links}</ul>")

    def _page(self, host: DemoHost, number: int, images: Sequence[PoolImage]) -> bytes:
        shown = [i for i in images
                 if not (host.policy == "some" and self.removed(host, image_path(i)))]
        body = "".join(f'<figure><img src="{image_path(i)}" alt="demo image {i.number}" '
                       f'width="{i.width}" height="{i.height}"></figure>' for i in shown)
        title = "members only" if number < 0 else f"page {number}"
        return _html(host, f"DEMO ONLY: {title}", body + '<p><a href="/">home</a></p>')

    def _feed(self, host: DemoHost) -> bytes:
        when = format_datetime(datetime(2026, 1, 1, 12, 0), usegmt=False)
        items = "".join(
            f"<item><title>post {n}</title><link>{host.url(f'/post/{n}')}</link>"
            f"<guid>{host.url(f'/post/{n}')}</guid><pubDate>{when}</pubDate></item>"
            for n in range(len(host.pages)))
        return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                f"<title>{escape(host.name)} (DEMO ONLY)</title><link>{host.url('/')}</link>"
                f"<description>generated demo posts</description>{items}</channel></rss>"
                ).encode()


def _html(host: DemoHost, title: str, body: str) -> bytes:
    return (f"<!doctype html><html><head><meta charset=\"utf-8\"><title>{escape(title)}"
            f"</title></head><body><h1>{escape(host.name)}</h1><p>{escape(title)}</p>"
            f"{body}</body></html>").encode()


class _Handler(BaseHTTPRequestHandler):
    site: DemoWeb
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        target = self.path
        if target.startswith(("http://", "https://")):  # as a proxy: absolute form
            parts = urlsplit(target)
            host, path = (parts.hostname or "").lower(), parts.path or "/"
        else:
            host = (self.headers.get("Host") or "").split(":")[0].lower()
            path = urlsplit(target).path or "/"
        with self.site._lock:
            self.site.requests += 1
        status, kind, body = self.site.answer(host, path)
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        pass
