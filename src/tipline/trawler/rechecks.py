"""Re-checks of noticed URLs: is the material still up?

Each notice sent is checked again TIPLINE_TRAWL_RECHECK_FIRST_MINUTES after it went, then
after twice as long each time, never more than TIPLINE_TRAWL_RECHECK_MAX_HOURS apart
(notices.recheck_delay), until the material is gone or TIPLINE_TRAWL_RECHECK_DAYS have
passed. A check fetches the media URL with the crawler's own `fetching.fetch` (politely:
robots.txt and the host's rate limit) and, if it is still there, the page it was found on:

- the media URL answers 404, 410 (or 451, unavailable for legal reasons): removed, "gone";
- it answers 200 with other bytes (another SHA-256): removed, "changed";
- the page answers 200 and no longer links the media URL: removed, "off page".

Anything else (a timeout, a refused connection, a 5xx, robots.txt refusing, a body cut at the
size cap, a page that is itself gone while the media still answers) is not a removal: the
URL is checked again later. A removed URL is never checked again; its `removed_at` is the
time of the check that found it gone, so the time to removal is at most one interval late.
The re-check fetches, compares and forgets: the bytes are never kept.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit, urlunsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tipline.accounts.services import system_user
from tipline.audit.services import audit_record
from tipline.trawler import fetching
from tipline.trawler.models import Notice
from tipline.trawler.notices import OPEN, notice_reference, recheck_delay
from tipline.trawler.types import Fetched

log = logging.getLogger("tipline.trawler")

#: notices one run re-checks at most (the rest are due in the next run)
BATCH = 200
GONE_STATUSES = (404, 410, 451)

GONE, CHANGED, OFF_PAGE = "gone", "changed", "off page"


def url_normal(url: str) -> str:
    """A URL as the re-check compares them: no fragment, scheme and host lower-case, the
    scheme's default port left out, an empty path as "/"."""
    url = urldefrag(url.strip())[0]
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    scheme = parts.scheme.lower()
    if port and not (scheme == "http" and port == 80 or scheme == "https" and port == 443):
        host = f"{host}:{port}"
    return urlunsplit((scheme, host, parts.path or "/", parts.query, ""))


class _Links(HTMLParser):
    """Every URL a page points at: href, src, srcset, data-src, poster, and meta content."""

    ATTRIBUTES = {"href", "src", "data-src", "data-original", "poster", "content"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if not value:
                continue
            if name in ("srcset", "data-srcset"):
                self.found.extend(part.strip().split(" ")[0] for part in value.split(",")
                                  if part.strip())
            elif name in self.ATTRIBUTES:
                self.found.append(value)


def page_links(content: bytes, *, base: str) -> set[str]:
    """The URLs an HTML page links to, absolute and normalised (url_normal)."""
    parser = _Links()
    try:
        parser.feed(content.decode("utf-8", errors="replace"))
        parser.close()
    except AssertionError:  # html.parser gives up on some broken markup
        pass
    return {url_normal(urljoin(base, link)) for link in parser.found}


def still_linked(page: Fetched, media_url: str) -> bool:
    """Whether the fetched page still points at `media_url`: as a link of its HTML, or its
    text anywhere in the body (a feed, an ActivityPub JSON, a script's string)."""
    if url_normal(media_url) in page_links(page.content, base=page.final_url or page.url):
        return True
    body = page.content.decode("utf-8", errors="replace")
    return any(form in body for form in (media_url, media_url.replace("&", "&amp;"),
                                         media_url.replace("/", "\\/")))


def removal_judge(*, media: Fetched, page: Fetched | None, sha256: str,
                  media_url: str) -> str:
    """How the material was removed ("gone", "changed", "off page"), or "" while it is up or
    the fetches cannot tell."""
    if media.status in GONE_STATUSES and not media.error:
        return GONE
    if media.error or media.status != 200 or media.truncated:
        return ""
    if hashlib.sha256(media.content).hexdigest() != sha256.lower():
        return CHANGED
    page_read = (page is not None and page.status == 200 and not page.error
                 and not page.truncated)
    if page_read and page is not None and not still_linked(page, media_url):
        return OFF_PAGE
    return ""


@dataclass(frozen=True)
class Rechecked:
    checked: int
    removed: int


def _next_check(notice: Notice, *, now: datetime) -> datetime | None:
    days = settings.TRAWL_RECHECK_DAYS
    if days and notice.sent_at and now - notice.sent_at >= timedelta(days=days):
        return None  # checked long enough: the hub has been told (escalation)
    return now + recheck_delay(notice.checks + 1)


def notice_recheck(*, notice: Notice, client: Any, now: datetime | None = None) -> str:
    """Check one noticed URL now and record what was found; how it was removed ("" while
    it is still up or the check could not tell)."""
    now = now or timezone.now()
    finding = notice.finding
    media = fetching.fetch(finding.media_url, client=client)
    page = None
    if (not media.error and media.status == 200 and finding.page_url
            and url_normal(finding.page_url) != url_normal(finding.media_url)):
        page = fetching.fetch(finding.page_url, client=client)
    how = removal_judge(media=media, page=page, sha256=finding.sha256,
                        media_url=finding.media_url)
    with transaction.atomic():
        if how:
            changed = Notice.objects.filter(pk=notice.pk, removed_at__isnull=True).update(
                state=Notice.State.REMOVED, removed_at=now, removed_how=how,
                checks=notice.checks + 1, checked_at=now, next_check_at=None)
            if changed:
                audit_record(actor=system_user("trawler"), action="trawl.notice_removed",
                             obj=notice, data={
                                 "reference": notice_reference(notice), "how": how,
                                 "status": media.status, "host": notice.host.name,
                                 "hours": round((now - notice.sent_at).total_seconds() / 3600,
                                                2) if notice.sent_at else None})
        else:
            Notice.objects.filter(pk=notice.pk, removed_at__isnull=True).update(
                checks=notice.checks + 1, checked_at=now,
                next_check_at=_next_check(notice, now=now))
            if media.error or (page is not None and page.error):
                log.info("notice %s: re-check inconclusive: %s", notice.pk,
                         media.error or (page.error if page else ""))
    return how


def rechecks_run(*, now: datetime | None = None, client: Any = None,
                 limit: int = BATCH) -> Rechecked:
    """Re-check every noticed URL that is due (oldest due first, at most `limit`)."""
    now = now or timezone.now()
    due = list(Notice.objects.filter(state__in=OPEN, removed_at__isnull=True,
                                     next_check_at__lte=now)
               .select_related("finding", "host").order_by("next_check_at", "pk")[:limit])
    if not due:
        return Rechecked(0, 0)
    own = client is None
    client = client or fetching.client_make()
    removed = 0
    try:
        for notice in due:
            removed += bool(notice_recheck(notice=notice, client=client, now=now))
    finally:
        if own:
            client.close()
    return Rechecked(checked=len(due), removed=removed)
