"""The frontier: seeds -> leased URLs -> fetch -> links and media -> more URLs.

Every URL ever seen is one `Url` row (unique by the blind index of its text), and the crawl's
whole state is in those rows, so a crawl killed at any moment resumes where it stopped and
two workers share one frontier:

1. A worker leases a batch of due URLs (`state` queued -> leased, `leased_until` a token
   unique to this lease: each row is claimed by one conditional UPDATE, so of two workers
   racing for a row one wins).
2. Just before fetching one URL it marks it in flight (`error` = IN_FLIGHT, `attempts` + 1,
   committed on its own). Then it fetches, and every few URLs it writes what it learnt (the
   URLs' states, their children, the media's judgement) in one transaction.
3. A lease that ran out belongs to a worker that died. Its URLs that were never in flight go
   back to the queue. The ones in flight may have been fetched already (the request may
   well have reached the host, and its answer was lost with the worker), so they are NOT
   fetched again: they are marked failed ("interrupted") with their recrawl interval before
   them, like a URL that was fetched. That is the choice "at most once within the recrawl
   interval" over "at least once": the trawler promises hosts it does not ask twice, and a
   response that kills the worker (a parser bomb) cannot kill it again and again. The cost is
   that those few URLs (at most the ones fetched since the last write, `_WRITE_EVERY`) and
   whatever only they linked to wait for their next recrawl. docs/trawler.md says so.

Depth and scope: links to pages and feeds are followed while the document is less than its
source's depth away from the seed, and (scope "same host") only on the seed's host. Media a
document shows are fetched whatever their host (an image on a CDN is part of the page) as
long as the document itself is within the depth. A URL fetched is not fetched again within its
recrawl interval (`TIPLINE_TRAWL_RECRAWL_SECONDS`; a source's seed: its own `every`).

Memory stays flat in the size of the crawl: a batch of URLs at a time, children written per
batch, and the one in-process cache (parsed robots.txt, robots.py) bounded.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q

from tipline.core.fields import index_of
from tipline.core.progress import NullProgress, Progress
from tipline.media.content import file_hashes
from tipline.trawler import feeds
from tipline.trawler.agent import host_name
from tipline.trawler.fetching import ROBOTS_BLOCKED, client_make, fetch, url_check
from tipline.trawler.models import Host, Source, Url
from tipline.trawler.robots import host_get
from tipline.trawler.types import Fetched, FetchedMedia

#: `Url.error` while a worker fetches the URL
IN_FLIGHT = "in flight"
#: `Url.error` of a URL whose worker died while fetching it (see the module's docstring)
INTERRUPTED = "interrupted: its worker stopped while fetching it"
#: URLs fetched between two writes of what was learnt (the most a killed worker loses)
_WRITE_EVERY = 10

_FINAL = (Url.State.DONE, Url.State.FAILED, Url.State.BLOCKED, Url.State.SKIPPED)


@dataclass
class CrawlStats:
    """What one crawl run did."""

    fetched: int = 0
    pages: int = 0
    media: int = 0
    failed: int = 0
    blocked: int = 0
    added: int = 0
    lost: int = 0  # URLs of this run's lease another worker took over

    def note(self) -> str:
        return (f"{self.pages} pages, {self.media} media, {self.failed} failed, "
                f"{self.blocked} blocked, {self.added} new URLs")


@dataclass
class _Child:
    url: str
    kind: str  # Url.Kind: UNKNOWN (a page or media, not fetched yet) or FEED


def url_normal(url: str) -> str:
    """The form a URL is kept and compared in: no fragment, lower-case scheme and host;
    '' when the crawler will not fetch it."""
    url = feeds.url_clean(url.strip())
    if not url or url_check(url):
        return ""
    scheme, rest = url.split("://", 1)
    netloc, slash, path = rest.partition("/")
    return f"{scheme.lower()}://{netloc.lower()}{slash}{path}"


def url_index(url: str) -> str:
    """The blind index `Url.url_index` and `Source.url_index` keep of a (normal) URL."""
    return index_of(url, purpose="trawl.url")


def recrawl_seconds(*, depth: int, source: Source) -> float:
    """How long a fetched URL is left alone: a seed by its source's `every`, others by the
    setting."""
    if depth == 0 and source.every:
        return float(source.every)
    return float(settings.TRAWL_RECRAWL_SECONDS)


# -- adding to the frontier ----------------------------------------------------------------

def frontier_add(*, source: Source, urls: Iterable[str | _Child], depth: int,
                 parent_id: int | None = None, now: datetime | None = None,
                 recrawl: float | None = None) -> int:
    """Queue `urls` (found `depth` links from `source`'s seed): new ones are added, ones
    fetched longer ago than their recrawl interval are queued again; the rest are left
    alone. How many were (re)queued."""
    now = now or datetime.now(UTC)
    wanted: dict[str, _Child] = {}
    for item in urls:
        child = item if isinstance(item, _Child) else _Child(item, Url.Kind.UNKNOWN)
        clean = url_normal(child.url)
        if clean:
            wanted.setdefault(url_index(clean), _Child(clean, child.kind))
    if not wanted:
        return 0
    stale_before = now - timedelta(seconds=recrawl if recrawl is not None else
                                   float(settings.TRAWL_RECRAWL_SECONDS))
    stale: list[int] = []
    for pk, index, state, fetched_at in Url.objects.filter(url_index__in=list(wanted)) \
            .values_list("pk", "url_index", "state", "fetched_at"):
        wanted.pop(index, None)
        if state in _FINAL and (fetched_at is None or fetched_at <= stale_before):
            stale.append(pk)
    hosts = _host_ids(host_name(child.url) for child in wanted.values())
    rows = [Url(url=child.url, url_index=index, host_id=hosts[host_name(child.url)],
                source=source, parent_id=parent_id, depth=depth, kind=child.kind,
                state=Url.State.QUEUED, due_at=now)
            for index, child in wanted.items()]
    made = len(Url.objects.bulk_create(rows, ignore_conflicts=True)) if rows else 0
    requeued = Url.objects.filter(pk__in=stale, state__in=_FINAL).update(
        state=Url.State.QUEUED, due_at=now, error="", attempts=0) if stale else 0
    return made + requeued


def source_seed(*, source: Source, now: datetime | None = None) -> int:
    """Queue a source's own URL (again, if its recrawl interval has passed)."""
    kind = Url.Kind.FEED if source.kind in (Source.Kind.FEED, Source.Kind.ACTIVITYPUB) \
        else Url.Kind.UNKNOWN
    return frontier_add(source=source, urls=[_Child(source.url, kind)], depth=0, now=now,
                        recrawl=recrawl_seconds(depth=0, source=source))


def frontier_seed_many(*, sources: Sequence[Source], now: datetime) -> int:
    """Queue the URLs of many new sources at once (the seeds of a chunk of reports): new URLs
    are added in one insert; one already in the frontier is left to its own schedule."""
    by_index = {url_index(source.url): source for source in sources if source.pk}
    if not by_index:
        return 0
    for index in Url.objects.filter(url_index__in=list(by_index)).values_list(
            "url_index", flat=True):
        by_index.pop(index, None)
    hosts = _host_ids(host_name(source.url) for source in by_index.values())
    rows = [Url(url=source.url, url_index=index, host_id=hosts[host_name(source.url)],
                source=source, depth=0, state=Url.State.QUEUED, due_at=now)
            for index, source in by_index.items()]
    return len(Url.objects.bulk_create(rows, ignore_conflicts=True))


def sources_seed_due(*, now: datetime | None = None) -> int:
    """Queue the seeds of the sources whose schedule (`every`) has come round."""
    now = now or datetime.now(UTC)
    done = 0
    due = Source.objects.filter(enabled=True, every__gt=0, next_run_at__lte=now)
    for source in due.iterator(chunk_size=200):
        done += source_seed(source=source, now=now)
        Source.objects.filter(pk=source.pk).update(
            last_run_at=now, next_run_at=now + timedelta(seconds=source.every))
    return done


def _host_ids(names: Iterable[str]) -> dict[str, int]:
    """The `Host` row ids of host `names`, made on first sight. Asked of the database each
    time (one query): a process-wide cache would outlive a rolled-back transaction."""
    wanted = set(names)
    found = dict(Host.objects.filter(name__in=wanted).values_list("name", "pk"))
    for name in wanted - set(found):
        found[name] = host_get(name).pk
    return found


def host_ids_forget() -> None:
    """Nothing to forget any more (kept for the tests' fixture)."""


# -- leasing -------------------------------------------------------------------------------

def _lease_token(now: datetime) -> datetime:
    """A `leased_until` unique to one lease: the lease's end with random microseconds."""
    end = now + timedelta(seconds=float(settings.TRAWL_LEASE_SECONDS))
    return end.replace(microsecond=random.randrange(1_000_000))  # noqa: S311 - not a secret


def leases_recover(*, now: datetime | None = None) -> int:
    """Take back the URLs of leases that ran out (their worker died): never-started ones
    are queued again; in-flight ones are marked interrupted and left until their recrawl
    interval (see the module's docstring). How many were taken back."""
    now = now or datetime.now(UTC)
    expired = Url.objects.filter(state=Url.State.LEASED, leased_until__lt=now)
    interrupted = expired.filter(error=IN_FLIGHT).update(
        state=Url.State.FAILED, error=INTERRUPTED, leased_until=None, fetched_at=now,
        due_at=now + timedelta(seconds=float(settings.TRAWL_RECRAWL_SECONDS)))
    queued = expired.update(state=Url.State.QUEUED, leased_until=None)
    return interrupted + queued


def urls_lease(*, limit: int, now: datetime | None = None) -> tuple[datetime, list[Url]]:
    """Claim up to `limit` due URLs for this worker: (the lease's token, the URLs), those of
    hosts whose turn it is first."""
    now = now or datetime.now(UTC)
    leases_recover(now=now)
    token = _lease_token(now)
    due = Url.objects.filter(state=Url.State.QUEUED, due_at__lte=now)
    mine: list[int] = []
    with transaction.atomic():
        for query in (due.filter(Q(host__next_fetch_at__isnull=True) |
                                 Q(host__next_fetch_at__lte=now)), due):
            if connection.features.has_select_for_update_skip_locked:
                query = query.select_for_update(skip_locked=True, of=("self",))
            ids = list(query.order_by("due_at", "pk").values_list("pk", flat=True)[:limit])
            for pk in ids:  # one conditional UPDATE each: of two workers, one wins a row
                if Url.objects.filter(pk=pk, state=Url.State.QUEUED).update(
                        state=Url.State.LEASED, leased_until=token):
                    mine.append(pk)
            if mine:
                break
    urls = list(Url.objects.filter(pk__in=mine, leased_until=token)
                .select_related("source", "parent").order_by("due_at", "pk"))
    return token, urls


# -- crawling ------------------------------------------------------------------------------

def crawl_run(*, limit: int | None = None, until_idle: bool = False,
              seconds: float | None = None, progress: Progress | None = None) -> CrawlStats:
    """Crawl what is due: until nothing is (with `until_idle`: until no other worker's
    lease is pending either), `limit` fetches, or `seconds`."""
    progress = progress or NullProgress()
    stats = CrawlStats()
    started = time.monotonic()
    sources_seed_due()
    with client_make() as client:
        while True:
            if seconds is not None and time.monotonic() - started >= seconds:
                break
            left = settings.TRAWL_BATCH if limit is None else min(
                settings.TRAWL_BATCH, limit - stats.fetched)
            if left <= 0:
                break
            token, urls = urls_lease(limit=left)
            if not urls:
                if until_idle and Url.objects.filter(state=Url.State.LEASED).exists():
                    time.sleep(0.5)
                    continue
                if until_idle and sources_seed_due():
                    continue
                break
            crawl_batch(urls=urls, token=token, client=client, stats=stats,
                        progress=progress)
    progress.update(done=stats.fetched, note=stats.note())
    return stats


def crawl_batch(*, urls: Sequence[Url], token: datetime, client: httpx.Client,
                stats: CrawlStats, progress: Progress) -> None:
    """Fetch one leased batch, writing what was learnt every `_WRITE_EVERY` URLs."""
    lease_started = time.monotonic()
    for start in range(0, len(urls), _WRITE_EVERY):
        done: list[tuple[Url, Fetched]] = []
        for url in urls[start:start + _WRITE_EVERY]:
            if time.monotonic() - lease_started > float(settings.TRAWL_LEASE_SECONDS) / 2:
                token = _lease_renew(token)
                lease_started = time.monotonic()
            # in flight from here: committed before the request leaves (module docstring)
            if not Url.objects.filter(pk=url.pk, state=Url.State.LEASED,
                                      leased_until=token).update(
                    error=IN_FLIGHT, attempts=F("attempts") + 1):
                stats.lost += 1
                continue
            url.attempts += 1
            done.append((url, _fetch(url, client=client)))
        _write(done, stats=stats)
        progress.update(done=stats.fetched, note=stats.note())


def _lease_renew(token: datetime) -> datetime:
    """Move this worker's lease on (all its URLs, the one in flight included)."""
    renewed = _lease_token(datetime.now(UTC))
    Url.objects.filter(state=Url.State.LEASED, leased_until=token).update(leased_until=renewed)
    return renewed


def _fetch(url: Url, *, client: httpx.Client) -> Fetched:
    accept = feeds.ACTIVITY_ACCEPT if (url.kind == Url.Kind.FEED and
                                       url.source.kind == Source.Kind.ACTIVITYPUB) else None
    return fetch(url.url, client=client, accept=accept)


def _write(done: list[tuple[Url, Fetched]], *, stats: CrawlStats) -> None:
    """Record a few fetches in one transaction: each URL's state, the URLs its document
    points to, and its media's judgement (imported late: T2's judge loads the banks)."""
    from tipline.trawler.judging import media_judge

    media: list[FetchedMedia] = []
    children: list[tuple[Url, list[_Child]]] = []
    now = datetime.now(UTC)
    updates: list[tuple[Url, dict[str, object]]] = []
    for url, got in done:
        fields, kids, item = _outcome(url, got, now=now, stats=stats)
        updates.append((url, fields))
        if kids:
            children.append((url, kids))
        if item is not None:
            media.append(item)
    with transaction.atomic():
        for url, fields in updates:
            Url.objects.filter(pk=url.pk).update(**fields)
        for url, kids in children:
            stats.added += frontier_add(source=url.source, urls=kids, depth=url.depth + 1,
                                        parent_id=url.pk, now=now)
        if media:
            media_judge(media)


def _outcome(url: Url, got: Fetched, *, now: datetime, stats: CrawlStats,
             ) -> tuple[dict[str, object], list[_Child], FetchedMedia | None]:
    """What one fetch makes of its URL: the row's new fields, its children, its media."""
    stats.fetched += 1
    fields: dict[str, object] = {
        "leased_until": None, "fetched_at": got.fetched_at, "status": got.status,
        "content_type": got.content_type[:100], "size": len(got.content),
        "error": got.error[:300],
        "due_at": now + timedelta(seconds=recrawl_seconds(depth=url.depth, source=url.source)),
    }
    if got.error == ROBOTS_BLOCKED:
        stats.blocked += 1
        fields["state"] = Url.State.BLOCKED
        return fields, [], None
    transient = (got.status is None or got.status >= 500 or got.status == 429
                 or got.error.startswith(("timeout", "deadline")))
    if transient:
        if url.attempts < int(settings.TRAWL_MAX_ATTEMPTS):
            fields.update(state=Url.State.QUEUED, due_at=now + timedelta(
                seconds=min(3600, 30 * 2 ** url.attempts)), fetched_at=None)
        else:
            stats.failed += 1
            fields["state"] = Url.State.FAILED
        return fields, [], None
    fields["state"] = Url.State.DONE
    if got.error or not (200 <= (got.status or 0) < 300):
        stats.failed += got.error != ""
        fields["kind"] = Url.Kind.OTHER if url.kind == Url.Kind.UNKNOWN else url.kind
        return fields, [], None
    kind = got.content_type.split("/")[0]
    if kind in ("image", "video"):
        stats.media += 1
        fields["kind"] = Url.Kind.MEDIA
        if got.truncated:
            fields["error"] = f"larger than {settings.TRAWL_MAX_BYTES} bytes: not hashed"
            return fields, [], None
        page = url.parent
        item = FetchedMedia(url_id=url.pk, page_id=page.pk if page else None,
                            page_url=page.url if page else "", fetched=got,
                            hashes=file_hashes(got.content))
        return fields, [], item
    links = _links(got)
    if links is None:
        fields["kind"] = Url.Kind.OTHER
        if got.truncated:
            fields["error"] = f"larger than {settings.TRAWL_MAX_BYTES} bytes: cut"
        return fields, [], None
    fields["kind"] = Url.Kind.PAGE if got.content_type == "text/html" else Url.Kind.FEED
    stats.pages += 1
    if got.truncated:
        fields["error"] = f"larger than {settings.TRAWL_MAX_BYTES} bytes: links of the part read"
    return fields, _children(url, links), None


def _links(got: Fetched) -> feeds.Links | None:
    base = got.final_url
    if got.content_type == "text/html":
        return feeds.html_links(got.content, base=base)
    if got.content_type in ("application/rss+xml", "application/atom+xml"):
        return feeds.feed_links(got.content, base=base)
    if got.content_type == "application/activity+json" or (
            got.content_type == "application/json" and got.content[:1] in (b"[", b"{")):
        return feeds.activity_links(got.content, base=base, headers=got.headers)
    return None


def _children(url: Url, links: feeds.Links) -> list[_Child]:
    """The links worth queueing from a document at `url` (depth and scope)."""
    source = url.source
    if url.depth > source.depth:  # reached as media, turned out a document: go no further
        return []
    out = [_Child(media, Url.Kind.UNKNOWN) for media in links.media]
    if url.depth < source.depth:
        home = host_name(source.url)
        same = source.scope == Source.Scope.SAME_HOST
        out += [_Child(page, Url.Kind.UNKNOWN) for page in links.pages
                if not same or host_name(page) == home]
        out += [_Child(feed, Url.Kind.FEED) for feed in links.feeds
                if not same or host_name(feed) == home]
    return out


def frontier_due(*, now: datetime | None = None) -> bool:
    """Whether any URL is due now (queued and its time come)."""
    now = now or datetime.now(UTC)
    return Url.objects.filter(state=Url.State.QUEUED, due_at__lte=now).exists()
