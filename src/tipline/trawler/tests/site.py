"""A small web site for the trawler's tests: an in-process HTTP server on 127.0.0.1 (a random
port) serving generated pages and benign generated images (shapes, patterns, text drawn with
Pillow), and every kind of bad answer a crawler meets. It logs every request.

    with TestSite() as site:
        site.url("/")            # http://127.0.0.1:<port>/
        site.url("/", host="localhost")   # the same server as another host (scope tests)
        site.paths()             # the paths requested, in order

What it serves (`pages` pages in a binary tree: /page/i links /page/2i+1 and /page/2i+2):

- `/` the index: links to /page/0, the feed, the outbox, a page robots.txt forbids, a page
  on the other host name, a script (never to be fetched), mailto: and javascript: links;
- `/page/<i>`: links to its children, `images` images `/img/page-<i>-<j>.png` (one through
  srcset), a video source, and a link to the page on the other host name (`localhost`);
- `/img/<key>.png|.jpg`: an image drawn from `key` (`image_bytes(key)`), the same bytes each
  time; tests put some of them in a hash bank;
- `/feed.xml`: RSS 2.0 with item links, enclosures and media:content;
- `/users/alice/outbox`: an ActivityPub outbox shaped like Mastodon's (OrderedCollection ->
  first -> OrderedCollectionPage with orderedItems of Create/Note with attachments, next);
- `/robots.txt`: `robots` (default: everything under /private/ is disallowed), or
  `robots_status` when set (e.g. 503);
- `/slow` (a byte every `slow_every` seconds), `/stall` (headers, then nothing), `/endless`
  (bytes without end), `/loop/a` <-> `/loop/b` (a redirect loop), `/chain/<n>` (n redirects
  then a page), `/big.png` (`big_bytes` bytes, a PNG header and padding, with a length),
  `/big-stream` (the same without a length), `/garbage` (random bytes claiming image/png);
- `/removed/<key>.png`: the image for `removed_after` requests, then `removed_status`;
- `/gen/<i>` and `/gen/img/<i>-<j>.png`: a generated site of `gen_pages` pages with 3
  unique small images each (the benchmark's site).

`routes[path] = (status, headers, body)` adds or overrides an answer; `delay` sleeps before
every answer.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import random
import threading
import time
from dataclasses import dataclass, field
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from PIL import Image, ImageDraw


@dataclass
class Hit:
    """One request the site answered."""

    path: str  # with its query
    host: str  # the Host header
    at: float  # time.monotonic() when it arrived
    user_agent: str
    accept: str
    cookie: str = ""


@lru_cache(maxsize=4096)
def image_bytes(key: str, *, size: int = 96, fmt: str = "PNG") -> bytes:
    """A benign image drawn from `key`: a background, shapes and a pattern placed by the
    key's hash, and the key written on it. The same key gives the same bytes."""
    seed = hashlib.sha256(key.encode()).digest()
    rng = random.Random(seed)
    image = Image.new("RGB", (size, size), tuple(seed[:3]))
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x0, y0 = rng.randrange(size), rng.randrange(size)
        x1, y1 = x0 + rng.randrange(8, size // 2), y0 + rng.randrange(8, size // 2)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        if rng.random() < 0.5:
            draw.rectangle((x0, y0, x1, y1), fill=colour)
        else:
            draw.ellipse((x0, y0, x1, y1), fill=colour)
    step = rng.randrange(4, 12)
    for x in range(0, size, step):
        draw.line((x, 0, size - x, size), fill=tuple(seed[3:6]), width=1)
    draw.text((4, size // 2 - 6), key[:14], fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


def gen_image(i: int, j: int) -> bytes:
    """The benchmark's small unique image j of page i: fast to make (a 32x32 PNG whose
    pixels spell out i and j over a gradient), unique per (i, j)."""
    size = 32
    base = bytearray(size * size * 3)
    for y in range(size):
        for x in range(size):
            o = (y * size + x) * 3
            base[o] = (x * 8 + j * 60) & 255
            base[o + 1] = (y * 8 + i) & 255
            base[o + 2] = ((x ^ y) * 4 + (i >> 8)) & 255
    for bit in range(24):  # the page number and image index in the first row
        value = 255 if (i * 4 + j) >> bit & 1 else 0
        o = bit * 3
        base[o] = base[o + 1] = base[o + 2] = value
    out = io.BytesIO()
    Image.frombytes("RGB", (size, size), bytes(base)).save(out, "PNG", compress_level=1)
    return out.getvalue()


@dataclass
class TestSite:
    """The site; `start()` (or `with`) serves it, `stop()` ends it. Attributes may be
    changed while it runs."""

    __test__ = False  # not a test class, whatever its name says to pytest

    pages: int = 7
    images: int = 2
    robots: str = "User-agent: *\nDisallow: /private/\n"
    robots_status: int | None = None
    slow_every: float = 0.5
    big_bytes: int = 2 * 1024 * 1024
    removed_after: int = 2
    removed_status: int = 404
    gen_pages: int = 0
    delay: float = 0.0
    log_hits: bool = True
    routes: dict[str, tuple[int, dict[str, str], bytes]] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    port: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, int] = {}
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- running ---------------------------------------------------------------------------
    def start(self, *, port: int = 0) -> TestSite:
        site = self

        class Handler(_Handler):
            pass

        Handler.site = site
        self._server = _Server(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(5)

    def __enter__(self) -> TestSite:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- what tests read -------------------------------------------------------------------
    def url(self, path: str, *, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def paths(self, *, host: str | None = None) -> list[str]:
        """The paths requested, in order (of one host name, when given)."""
        with self._lock:
            return [h.path for h in self.hits if host is None or h.host.startswith(host)]

    def times(self, *, host: str | None = None) -> list[float]:
        with self._lock:
            return [h.at for h in self.hits if host is None or h.host.startswith(host)]

    def count(self, path: str) -> int:
        return self.paths().count(path)

    def clear(self) -> None:
        with self._lock:
            self.hits.clear()
            self._counts.clear()

    def page_count(self) -> int:
        return self.pages

    def page_images(self, i: int) -> list[str]:
        """The image paths page i shows."""
        return [f"/img/page-{i}-{j}.png" for j in range(self.images)]

    def _hit(self, hit: Hit) -> int:
        with self._lock:
            if self.log_hits:
                self.hits.append(hit)
            self._counts[hit.path] = self._counts.get(hit.path, 0) + 1
            return self._counts[hit.path]

    # -- content ---------------------------------------------------------------------------
    def index_html(self) -> bytes:
        other = self.url("/page/0", host="localhost")
        return _html("Index", f"""
<link rel="alternate" type="application/rss+xml" href="/feed.xml">
<link rel="stylesheet" href="/style.css">
<script src="/js/app.js"></script>
<p><a href="/page/0">Start</a> <a href="/private/secret.html">Private</a>
<a href="{other}">Elsewhere</a> <a href="mailto:someone@example.org">Mail</a>
<a href="javascript:alert(1)">Script</a> <a href="/page/0#top">Again</a>
<a href="/users/alice/outbox">Outbox</a></p>""")

    def page_html(self, i: int) -> bytes:
        links = "".join(f'<a href="/page/{c}">Page {c}</a> '
                        for c in (2 * i + 1, 2 * i + 2) if c < self.pages)
        imgs = self.page_images(i)
        tags = "".join(f'<img src="{src}" alt="">' for src in imgs[:-1])
        if imgs:
            tags += f'<img srcset="{imgs[-1]} 1x, {imgs[-1]}?2x 2x" alt="">'
        video = f'<video><source src="/media/clip-{i}.webm" type="video/webm"></video>'
        other = self.url(f"/page/{i}", host="localhost")
        return _html(f"Page {i}", f"<p>{links}</p><p>{tags}</p>{video}"
                                  f'<p><a href="{other}">Mirror</a></p>')

    def feed_xml(self) -> bytes:
        items = "".join(f"""
<item><title>Post {k}</title><link>{self.url(f"/post/{k}.html")}</link>
<guid>{self.url(f"/post/{k}.html")}</guid>
<enclosure url="{self.url(f"/img/feed-enclosure-{k}.jpg")}" length="1000" type="image/jpeg"/>
<media:content url="{self.url(f"/img/feed-media-{k}.png")}" medium="image" type="image/png"/>
</item>""" for k in range(3))
        return (f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel>
<title>Test feed</title><link>{self.url("/")}</link><description>generated</description>
{items}</channel></rss>""").encode()

    def outbox(self, query: dict[str, list[str]]) -> dict[str, Any]:
        base = self.url("/users/alice/outbox")
        context = ["https://www.w3.org/ns/activitystreams"]
        if "page" not in query:
            return {"@context": context, "id": base, "type": "OrderedCollection",
                    "totalItems": 4, "first": f"{base}?page=true",
                    "last": f"{base}?min_id=0&page=true"}
        page = int(query.get("max_id", ["0"])[0])
        items = []
        for k in (2 * page, 2 * page + 1):
            note = self.url(f"/@alice/{k}")
            items.append({
                "id": f"{note}/activity", "type": "Create", "actor": self.url("/users/alice"),
                "object": {
                    "id": note, "type": "Note", "url": note, "content": f"<p>note {k}</p>",
                    "attachment": [{"type": "Document", "mediaType": "image/png",
                                    "url": self.url(f"/img/ap-{k}.png"), "name": None}],
                },
            })
        items.append({"id": self.url("/boost/activity"), "type": "Announce",
                      "object": "https://elsewhere.invalid/notes/1"})
        out: dict[str, Any] = {"@context": context, "id": f"{base}?page=true&max_id={page}",
                               "type": "OrderedCollectionPage", "partOf": base,
                               "orderedItems": items}
        if page < 1:
            out["next"] = f"{base}?max_id={page + 1}&page=true"
        return out

    def gen_html(self, i: int) -> bytes:
        links = "".join(f'<a href="/gen/{c}">{c}</a> '
                        for c in (2 * i + 1, 2 * i + 2) if c < self.gen_pages)
        imgs = "".join(f'<img src="/gen/img/{i}-{j}.png" alt="">' for j in range(3))
        return _html(f"Generated {i}", f"<p>{links}</p><p>{imgs}</p>")


def _html(title: str, body: str) -> bytes:
    return (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{title}</title>"
            f"</head><body><h1>{title}</h1>{body}</body></html>").encode()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        return None  # a crawler hanging up on an endless answer is expected, not news


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go at once (no 40 ms delayed ACK)
    wbufsize = 64 * 1024  # one write per answer (flushed after each request)
    site: TestSite

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        return None

    def do_GET(self) -> None:  # noqa: N802 - the base's name
        site = self.site
        n = site._hit(Hit(path=self.path, host=self.headers.get("Host", ""),
                          at=time.monotonic(), user_agent=self.headers.get("User-Agent", ""),
                          accept=self.headers.get("Accept", ""),
                          cookie=self.headers.get("Cookie", "")))
        if site.delay:
            time.sleep(site.delay)
        parts = urlsplit(self.path)
        path, query = parts.path, parse_qs(parts.query)
        try:
            self._answer(site, path, query, n)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _answer(self, site: TestSite, path: str, query: dict[str, list[str]], n: int) -> None:
        if self.path in site.routes:
            status, headers, body = site.routes[self.path]
            return self._send(status, body, headers.get("Content-Type", "text/html"), headers)
        if path == "/robots.txt":
            if site.robots_status:
                return self._send(site.robots_status, b"unavailable", "text/plain")
            return self._send(200, site.robots.encode(), "text/plain")
        if path == "/":
            return self._send(200, site.index_html(), "text/html; charset=utf-8")
        if path.startswith("/page/") and path[6:].isdigit() and int(path[6:]) < site.pages:
            return self._send(200, site.page_html(int(path[6:])), "text/html; charset=utf-8")
        if path.startswith("/img/") and path.endswith((".png", ".jpg")):
            key, fmt = path[5:-4], "PNG" if path.endswith(".png") else "JPEG"
            mime = "image/png" if fmt == "PNG" else "image/jpeg"
            return self._send(200, image_bytes(key, fmt=fmt), mime)
        if path.startswith("/media/clip-"):  # the start of a WebM (EBML) file, no more
            return self._send(200, b"\x1a\x45\xdf\xa3" + bytes(60), "video/webm")
        if path == "/feed.xml":
            return self._send(200, site.feed_xml(), "application/rss+xml")
        if path == "/users/alice/outbox":
            body = json.dumps(site.outbox(query)).encode()
            return self._send(200, body, "application/activity+json; charset=utf-8")
        if path.startswith(("/post/", "/@alice/", "/private/")):
            key = path.strip("/").replace("/", "-").replace("@", "").replace(".html", "")
            return self._send(200, _html(key, f'<img src="/img/{key}.png" alt="">'),
                              "text/html")
        if path == "/loop/a":
            return self._send(302, b"", "text/plain", {"Location": "/loop/b"})
        if path == "/loop/b":
            return self._send(302, b"", "text/plain", {"Location": site.url("/loop/a")})
        if path.startswith("/chain/") and path[7:].isdigit():
            left = int(path[7:])
            if left:
                return self._send(301, b"", "text/plain", {"Location": f"/chain/{left - 1}"})
            return self._send(200, _html("End of the chain", ""), "text/html")
        if path == "/big.png":
            body = image_bytes("big")[:64]
            return self._send(200, body + bytes(site.big_bytes - len(body)), "image/png")
        if path in ("/big-stream", "/endless"):
            return self._stream(site, total=None if path == "/endless" else site.big_bytes)
        if path == "/slow":
            return self._drip(site)
        if path == "/stall":
            return self._stall(site)
        if path == "/garbage":
            rng = random.Random(7)
            return self._send(200, bytes(rng.randrange(256) for _ in range(5000)), "image/png")
        if path.startswith("/removed/"):
            if n > site.removed_after:
                return self._send(site.removed_status, b"gone", "text/plain")
            return self._send(200, image_bytes(path[9:-4]), "image/png")
        if path.startswith("/gen/img/"):
            i, j = path[9:-4].split("-")
            return self._send(200, gen_image(int(i), int(j)), "image/png")
        if path.startswith("/gen/") and path[5:].isdigit() and int(path[5:]) < site.gen_pages:
            return self._send(200, site.gen_html(int(path[5:])), "text/html; charset=utf-8")
        return self._send(404, b"not here", "text/plain")

    def _send(self, status: int, body: bytes, mime: str,
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", mime)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            if name != "Content-Type":
                self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _stream(self, site: TestSite, *, total: int | None) -> None:
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        chunk, sent = bytes(64 * 1024), 0
        while not site._stopping.is_set() and (total is None or sent < total):
            self.wfile.write(chunk)
            self.wfile.flush()
            sent += len(chunk)

    def _drip(self, site: TestSite) -> None:
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", "100000")
        self.end_headers()
        self.wfile.flush()
        for _ in range(100000):
            if site._stopping.wait(site.slow_every):
                return
            self.wfile.write(b"<")
            self.wfile.flush()

    def _stall(self, site: TestSite) -> None:
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", "100")
        self.end_headers()
        self.wfile.flush()
        site._stopping.wait(120)


def main() -> None:
    """Serve the site until killed (the benchmark runs it in a process of its own and
    reads the port from the first line)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--gen", type=int, default=0, help="pages of the generated site")
    args = parser.parse_args()
    site = TestSite(gen_pages=args.gen, log_hits=False).start(port=args.port)
    print(site.port, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        site.stop()


if __name__ == "__main__":
    main()
