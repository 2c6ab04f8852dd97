"""Politeness per host: its robots.txt (RFC 9309, through protego) and its rate limit.

robots.txt is fetched once per `TIPLINE_TRAWL_ROBOTS_TTL_SECONDS` and kept on the `Host`
row (text, status, when), so every worker and every restart shares it:

- 2xx: its rules apply to the crawler's product token (`agent.robots_agent`);
- 4xx (and a redirect chain that ends nowhere): "unavailable", everything is allowed;
- 5xx, 429, or no answer at all: "unreachable", everything is disallowed for now, and it is
  asked again after `_UNREACHABLE_RETRY` seconds (RFC 9309 section 2.3.1.4).

The rate limit is `Host.next_fetch_at`: before each request a worker claims the host's next
slot with one conditional UPDATE (`next_fetch_at` is null or past -> now + interval), which
only one of several workers can win; the others wait for the slot after it. The interval is
`TIPLINE_TRAWL_HOST_INTERVAL_SECONDS`, raised by the host's Crawl-delay.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.db.models import Q
from protego import Protego

from tipline.trawler.agent import host_name, robots_agent
from tipline.trawler.models import Host
from tipline.trawler.types import Fetched

#: how robots.py fetches a robots.txt: fetching.fetch, given by the caller (fetching imports
#: this module, so this one cannot import it)
Fetcher = Callable[..., Fetched]

#: seconds before an unreachable robots.txt (5xx, 429, no answer) is asked again
_UNREACHABLE_RETRY = 600
#: the longest Crawl-delay honoured (seconds); a longer one is taken as this
_CRAWL_DELAY_MAX = 3600.0
#: bytes of robots.txt read (RFC 9309 asks for at least 500 KiB)
_ROBOTS_MAX_BYTES = 512 * 1024
#: hosts whose parsed robots.txt this process keeps
_CACHED_HOSTS = 2048


@dataclass
class _Rules:
    """One host's robots.txt as this process holds it, until `until` (monotonic)."""

    until: float
    allow_all: bool
    disallow_all: bool
    parser: Protego | None
    delay: float


_CACHE: OrderedDict[str, _Rules] = OrderedDict()


def host_get(name: str) -> Host:
    """The `Host` row of `name` (host[:port]), made on first sight."""
    host, _ = Host.objects.get_or_create(name=name)
    return host


def robots_allowed(url: str, *, client: httpx.Client, fetcher: Fetcher) -> bool:
    """Whether robots.txt lets the crawler fetch `url` (robots.txt itself always may)."""
    parts = urlsplit(url)
    if parts.path == "/robots.txt":
        return True
    rules = _rules(host_name(url), scheme=parts.scheme, client=client, fetcher=fetcher)
    if rules.allow_all:
        return True
    if rules.disallow_all or rules.parser is None:
        return False
    return bool(rules.parser.can_fetch(url, robots_agent()))


def host_interval(name: str) -> float:
    """Least seconds between two requests to host `name`: the setting, raised by the
    Crawl-delay of its robots.txt as last read."""
    base = float(settings.TRAWL_HOST_INTERVAL_SECONDS)
    rules = _CACHE.get(name)
    return max(base, rules.delay) if rules else base


def host_slot_wait(name: str) -> float:
    """Wait until this worker holds host `name`'s next request slot; the seconds waited."""
    interval = host_interval(name)
    if interval <= 0:
        return 0.0
    started = time.monotonic()
    while True:
        now = datetime.now(UTC)
        claimed = Host.objects.filter(name=name).filter(
            Q(next_fetch_at__isnull=True) | Q(next_fetch_at__lte=now),
        ).update(next_fetch_at=now + timedelta(seconds=interval))
        if claimed:
            return time.monotonic() - started
        taken = list(Host.objects.filter(name=name).values_list("next_fetch_at", flat=True))
        if not taken:
            host_get(name)
            continue
        wait = (taken[0] - now).total_seconds() if taken[0] else 0.0
        time.sleep(min(max(wait, 0.005), interval))


def robots_forget() -> None:
    """Drop this process's parsed robots.txt (tests, after changing a host's rules)."""
    _CACHE.clear()


def _rules(name: str, *, scheme: str, client: httpx.Client, fetcher: Fetcher) -> _Rules:
    """Host `name`'s rules: from this process's cache, the `Host` row, or a fresh fetch."""
    cached = _CACHE.get(name)
    if cached is not None and cached.until > time.monotonic():
        _CACHE.move_to_end(name)
        return cached
    host = host_get(name)
    now = datetime.now(UTC)
    ttl = float(settings.TRAWL_ROBOTS_TTL_SECONDS)
    if host.robots_fetched_at is not None:
        age = (now - host.robots_fetched_at).total_seconds()
        if age < _ttl(host.robots_status, ttl):
            return _remember(name, host.robots_status, host.robots_txt,
                             left=_ttl(host.robots_status, ttl) - age)
    status, text = _robots_fetch(name, scheme=scheme, client=client, fetcher=fetcher)
    Host.objects.filter(pk=host.pk).update(robots_txt=text, robots_status=status,
                                           robots_fetched_at=datetime.now(UTC))
    return _remember(name, status, text, left=_ttl(status, ttl))


def _ttl(status: int | None, ttl: float) -> float:
    """How long a robots.txt answer is kept: an unreachable one is asked again sooner."""
    return ttl if _reachable(status) else min(ttl, _UNREACHABLE_RETRY)


def _reachable(status: int | None) -> bool:
    return status is not None and status < 500 and status != 429


def _robots_fetch(name: str, *, scheme: str, client: httpx.Client,
                  fetcher: Fetcher) -> tuple[int | None, str]:
    """Fetch host `name`'s robots.txt: (its status, None when unreachable; its text when 2xx)."""
    got = fetcher(f"{scheme}://{name}/robots.txt", client=client, max_bytes=_ROBOTS_MAX_BYTES,
                obey_robots=False)
    if got.status is None:
        return None, ""
    if 200 <= got.status < 300 and not got.error:
        return got.status, got.content.decode("utf-8", errors="replace")
    return got.status, ""


def _remember(name: str, status: int | None, text: str, *, left: float) -> _Rules:
    """Parse and cache host `name`'s robots.txt answer for `left` seconds."""
    if not _reachable(status):
        rules = _Rules(until=0, allow_all=False, disallow_all=True, parser=None, delay=0.0)
    elif status is not None and 200 <= status < 300:
        parser = Protego.parse(text)
        delay = parser.crawl_delay(robots_agent()) or 0.0
        rules = _Rules(until=0, allow_all=False, disallow_all=False, parser=parser,
                       delay=min(float(delay), _CRAWL_DELAY_MAX))
    else:  # 3xx left over, 4xx: unavailable, no rules
        rules = _Rules(until=0, allow_all=True, disallow_all=False, parser=None, delay=0.0)
    rules.until = time.monotonic() + max(left, 0.0)
    _CACHE[name] = rules
    _CACHE.move_to_end(name)
    while len(_CACHE) > _CACHED_HOSTS:
        _CACHE.popitem(last=False)
    return rules
