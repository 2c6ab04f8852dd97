"""What the trawler's parts hand each other: a fetch, and a piece of media to judge.

The crawler (crawl.py, fetching.py) fetches; the judge (judging.py) decides what a piece of
media is (bank match, classifier candidate, nothing) and files findings; notices.py re-fetches
noticed URLs to see whether the material is gone. They meet only through these two types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from tipline.media.content import FileHashes


@dataclass
class Fetched:
    """One HTTP fetch as the trawler made it (never with JavaScript, never logged in).

    `content` is at most the configured size cap; `truncated` says the body was longer and
    was cut (such a body is never hashed or kept). `error` is set, and `status` may be None,
    when the fetch failed (timeout, refused, too many redirects, blocked by robots.txt).
    """

    url: str  # the URL asked for
    final_url: str  # after redirects
    fetched_at: datetime
    status: int | None
    headers: dict[str, str] = field(default_factory=dict)
    content: bytes = b""
    content_type: str = ""  # sniffed from the bytes where they say more than the header
    ip: str = ""  # the address the connection went to
    redirects: list[str] = field(default_factory=list)
    truncated: bool = False
    error: str = ""


@dataclass
class FetchedMedia:
    """An image or video the crawler fetched and hashed, for the judge."""

    url_id: int  # trawler.Url of the media
    page_id: int | None  # trawler.Url of the page that linked it (None: the seed itself)
    page_url: str
    fetched: Fetched
    hashes: FileHashes
