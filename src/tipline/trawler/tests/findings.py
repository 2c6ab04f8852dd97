"""Confirmed findings written directly (for the notice tests: no crawl needed)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from tipline.trawler.models import Finding, Host, MediaSeen, Source, Url

SEEN_AT = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def host_get(name: str, **fields: Any) -> Host:
    host, _ = Host.objects.get_or_create(name=name, defaults=fields)
    return host


def finding_make(media_url: str, *, page_url: str = "", content: bytes = b"banked image",
                 host: str = "", asn: int | None = None, ip: str = "",
                 state: str = Finding.State.CONFIRMED, report: Any = None,
                 fetched_at: datetime = SEEN_AT, country: str = "") -> Finding:
    """A finding of `media_url` (whose bytes were `content`) on `page_url`."""
    from urllib.parse import urlsplit

    name = host or (urlsplit(media_url).netloc.lower())
    where = host_get(name, asn=asn, ip=ip or None, country=country)
    source, _ = Source.objects.get_or_create(kind=Source.Kind.MANUAL, origin="tests",
                                             defaults={"url": page_url or media_url,
                                                       "created_at": fetched_at})
    index = Url._meta.get_field("url_index").index_for(Url(url=media_url))  # type: ignore[attr-defined]
    url = Url.objects.filter(url_index=index).first()
    if url is None:
        url = Url(url=media_url, host=where, source=source, due_at=fetched_at,
                  kind=Url.Kind.MEDIA, state=Url.State.DONE)
        url.save()
    sha256 = hashlib.sha256(content).hexdigest()
    seen = MediaSeen.objects.create(url=url, fetched_at=fetched_at, size=len(content),
                                    media="image", md5=hashlib.md5(content).hexdigest(),  # noqa: S324
                                    sha1=hashlib.sha1(content).hexdigest(),  # noqa: S324
                                    sha256=sha256, outcome=MediaSeen.Outcome.MATCH)
    return Finding.objects.create(
        seen=seen, host=where, kind=Finding.Kind.MATCH, state=state, page_url=page_url,
        media_url=media_url, fetched_at=fetched_at, http_status=200, ip=ip or None, asn=asn,
        sha256=sha256, report=report)
