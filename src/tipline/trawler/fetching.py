"""One polite HTTP fetch: robots.txt and the host's rate limit before every request,
redirects followed by hand (each hop checked again), the body streamed and cut at the size
cap, a wall-clock deadline over the whole fetch, the content type sniffed from the bytes and
the peer's address recorded.

Nothing here raises for a bad response: whatever went wrong is `Fetched.error`.
The crawler never executes JavaScript and never logs in: it sends no cookies it was given
(every fetch starts without them) and no credentials.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from http.cookiejar import CookieJar, DefaultCookiePolicy
from urllib.parse import urljoin, urlsplit

import httpx
from django.conf import settings

from tipline.media.hashing import looks_like_image
from tipline.media.video import looks_like_video
from tipline.trawler.agent import host_name, user_agent
from tipline.trawler.robots import host_slot_wait, robots_allowed
from tipline.trawler.types import Fetched

#: `Fetched.error` of a URL robots.txt refuses (the crawler marks such a URL blocked)
ROBOTS_BLOCKED = "blocked by robots.txt"

_REDIRECTS = (301, 302, 303, 307, 308)

_IMAGE_TYPES = ((b"\x89PNG", "image/png"), (b"\xff\xd8\xff", "image/jpeg"),
                (b"GIF8", "image/gif"), (b"BM", "image/bmp"), (b"II*\x00", "image/tiff"),
                (b"MM\x00*", "image/tiff"), (b"\x00\x00\x01\x00", "image/x-icon"))
_VIDEO_TYPES = ((b"\x1a\x45\xdf\xa3", "video/webm"), (b"FLV", "video/x-flv"),
                (b"\x00\x00\x01\xba", "video/mpeg"),
                (b"\x30\x26\xb2\x75\x8e\x66\xcf\x11", "video/x-ms-asf"))


def client_make() -> httpx.Client:
    """An HTTP client for the crawler: its user agent, timeouts, the configured proxy (and no
    proxy from the environment), redirects left to `fetch`, no cookie kept between fetches."""
    timeout = httpx.Timeout(connect=float(settings.TRAWL_CONNECT_TIMEOUT),
                            read=float(settings.TRAWL_READ_TIMEOUT),
                            write=float(settings.TRAWL_READ_TIMEOUT),
                            pool=float(settings.TRAWL_CONNECT_TIMEOUT))
    refuse_all = CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))
    return httpx.Client(
        headers={"User-Agent": user_agent(), "Accept-Encoding": "identity"},
        cookies=refuse_all,
        timeout=timeout, follow_redirects=False, trust_env=False,
        proxy=settings.TRAWL_PROXY or None,
        limits=httpx.Limits(max_connections=32, max_keepalive_connections=16),
    )


def url_check(url: str) -> str:
    """Why the crawler will not fetch `url` ('' if it will): only http(s) with a host."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        return "not a URL"
    if parts.scheme not in ("http", "https"):
        return f"not http(s): {parts.scheme or 'no scheme'}"
    if not parts.hostname:
        return "no host"
    return ""


def fetch(url: str, *, client: httpx.Client, max_bytes: int | None = None,
          obey_robots: bool = True, accept: str | None = None) -> Fetched:
    """Fetch `url` politely (robots.txt, the host's rate limit, caps, deadline); never raises.

    `accept`: the Accept header (ActivityPub asks for application/activity+json).
    """

    cap = int(max_bytes if max_bytes is not None else settings.TRAWL_MAX_BYTES)
    out = Fetched(url=url, final_url=url, fetched_at=datetime.now(UTC), status=None)
    why = url_check(url)
    if why:
        out.error = why
        return out
    deadline = time.monotonic() + float(settings.TRAWL_DEADLINE_SECONDS)
    seen = {url}
    current = url
    headers = {"Accept": accept} if accept else {}
    try:
        while True:
            if obey_robots and not robots_allowed(current, client=client, fetcher=fetch):
                out.error = ROBOTS_BLOCKED
                return out
            # waiting for the host's turn is politeness, not the response's slowness
            deadline += host_slot_wait(host_name(current))
            left = deadline - time.monotonic()
            if left <= 0:
                out.error = "deadline passed"
                return out
            out.fetched_at = datetime.now(UTC)
            request = client.build_request("GET", current, headers=headers,
                                           timeout=_timeout(left))
            response = client.send(request, stream=True)
            try:
                out.ip = _peer_ip(response)
                out.status = response.status_code
                out.headers = dict(response.headers.items())
                out.final_url = current
                if response.status_code in _REDIRECTS and "location" in response.headers:
                    target = urljoin(current, response.headers["location"])
                    why = url_check(target)
                    if why:
                        out.error = f"redirect to a URL not fetched ({why})"
                        return out
                    if target in seen:
                        out.error = "redirect loop"
                        return out
                    if len(out.redirects) >= int(settings.TRAWL_MAX_REDIRECTS):
                        out.error = "too many redirects"
                        return out
                    seen.add(target)
                    out.redirects.append(target)
                    current = target
                    continue
                _body_read(response, out, cap=cap, deadline=deadline)
            finally:
                response.close()
            out.content_type = sniff(out.content, out.headers.get("content-type", ""))
            return out
    except httpx.TimeoutException as exc:
        out.error = f"timeout ({type(exc).__name__})"
    except httpx.HTTPError as exc:
        out.error = f"{type(exc).__name__}: {exc}"[:300]
    except (ValueError, OSError) as exc:
        out.error = f"{type(exc).__name__}: {exc}"[:300]
    return out


def _timeout(left: float) -> httpx.Timeout:
    """The client's timeouts, none longer than what is left of the fetch's deadline."""
    connect = min(float(settings.TRAWL_CONNECT_TIMEOUT), left)
    read = min(float(settings.TRAWL_READ_TIMEOUT), left)
    return httpx.Timeout(connect=connect, read=read, write=read, pool=connect)


def _peer_ip(response: httpx.Response) -> str:
    """The address the connection went to (the proxy's, when crawling through one)."""
    stream = response.extensions.get("network_stream")
    if stream is None:
        return ""
    addr = stream.get_extra_info("server_addr")
    return str(addr[0]) if addr else ""


def _body_read(response: httpx.Response, out: Fetched, *, cap: int, deadline: float) -> None:
    """Read the body into `out`, stopping at `cap` bytes (truncated) or at the deadline
    (error: a slow drip or an endless body holds the crawler no longer than that)."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        out.truncated = True  # no need to read what would be thrown away
        return
    parts: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():  # as each read arrives (decoded, if compressed)
        if size + len(chunk) > cap:
            parts.append(chunk[:cap - size])
            out.truncated = True
            break
        parts.append(chunk)
        size += len(chunk)
        if time.monotonic() > deadline:
            out.error = "deadline passed while reading the body"
            break
    out.content = b"".join(parts)


def sniff(content: bytes, header: str) -> str:
    """What the bytes are: an image or a video by their own magic whatever the header says,
    a page or a feed by the header or their first bytes, otherwise the header's type (a
    header claiming an image or a video the bytes are not becomes octet-stream)."""
    declared = header.split(";")[0].strip().lower()
    if not content:  # nothing to sniff (a body too large to read at all): the header's
        return declared or "application/octet-stream"
    head = content[:16]
    if looks_like_video(content):
        if head[4:8] == b"ftyp":
            return "video/quicktime" if head[8:10] == b"qt" else "video/mp4"
        if head.startswith(b"RIFF"):
            return "video/x-msvideo"
        return next((kind for magic, kind in _VIDEO_TYPES if head.startswith(magic)),
                    "video/octet-stream")
    if looks_like_image(content):
        if head.startswith(b"RIFF"):
            return "image/webp"
        if head[4:8] == b"ftyp":
            return "image/avif" if head[8:12] == b"avif" else "image/heic"
        return next((kind for magic, kind in _IMAGE_TYPES if head.startswith(magic)),
                    declared if declared.startswith("image/") else "image/octet-stream")
    text = content[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if declared in ("application/activity+json", "application/ld+json") or (
            declared.endswith("json") and b"activitystreams" in content[:2048]):
        return "application/activity+json"
    if declared in ("application/rss+xml", "application/atom+xml"):
        return declared
    if declared.endswith("xml") or text.startswith(b"<?xml") or text.startswith(b"<rss") \
            or text.startswith(b"<feed"):
        if b"<rss" in text or b"<rdf:rdf" in text:
            return "application/rss+xml"
        if b"<feed" in text:
            return "application/atom+xml"
    if declared in ("text/html", "application/xhtml+xml") or text.startswith(b"<!doctype html") \
            or text.startswith(b"<html"):
        return "text/html"
    if declared.startswith(("image/", "video/")):
        return "application/octet-stream"
    return declared or "application/octet-stream"
