"""What a fetched page, feed or ActivityPub collection points to: pure functions from bytes to
links, nothing fetched here and nothing executed.

- HTML (lxml.html): a[href] (pages), img[src], img[srcset], video[src], video/source[src],
  audio/source[src] (media), link[rel=alternate] with a feed type (feeds). Scripts, styles and
  everything a browser would run or load for layout are ignored.
- RSS and Atom (feedparser, on the bytes only: it is never given a URL to open): entry links
  (pages), enclosures and media:content / media:thumbnail (media).
- ActivityPub (Mastodon's outbox shape): OrderedCollection -> first -> OrderedCollectionPage
  -> orderedItems -> Create -> Note: attachment[].url (media), url (the note's page), next
  (the next page, a feed). Mastodon's public REST timelines (a JSON list of statuses:
  media_attachments[].url, url; the next page in the Link header) are read the same way.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urldefrag, urljoin

import feedparser
import lxml.html
from lxml import etree

#: the Accept header asked of an ActivityPub source
ACTIVITY_ACCEPT = ('application/activity+json, application/ld+json; '
                   'profile="https://www.w3.org/ns/activitystreams", application/json;q=0.8')

_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json",
               "application/activity+json")
_NEXT_LINK = re.compile(r'<([^>]+)>\s*;[^,]*\brel="?next"?', re.IGNORECASE)


@dataclass
class Links:
    """What one document points to, as absolute http(s) URLs without fragments, each once."""

    pages: list[str] = field(default_factory=list)
    media: list[str] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)

    def add(self, kind: str, base: str, href: Any) -> None:
        if not isinstance(href, str) or not href.strip():
            return
        url = url_clean(urljoin(base, href.strip()))
        if url:
            target = getattr(self, kind)
            if url not in target:
                target.append(url)


def url_clean(url: str) -> str:
    """`url` without its fragment, '' when it is not http(s) or too long to keep."""
    url = urldefrag(url)[0]
    if not url.lower().startswith(("http://", "https://")) or len(url) > 2083:
        return ""
    return url


def html_links(content: bytes, *, base: str) -> Links:
    """The links of an HTML page (never its scripts: nothing is run)."""
    out = Links()
    try:
        doc = lxml.html.document_fromstring(content)
    except (etree.ParserError, ValueError):
        return out
    for tag in doc.iter("base"):
        href = tag.get("href")
        if href:
            base = urljoin(base, href.strip())
            break
    for tag in doc.iter("a", "img", "video", "source", "audio", "link"):
        name = tag.tag
        if name == "a":
            out.add("pages", base, tag.get("href"))
        elif name == "img":
            out.add("media", base, tag.get("src"))
            for candidate in (tag.get("srcset") or "").split(","):
                parts = candidate.split()
                if parts:
                    out.add("media", base, parts[0])
        elif name in ("video", "audio", "source"):
            out.add("media", base, tag.get("src"))
            if name == "video":
                out.add("media", base, tag.get("poster"))
        elif name == "link":
            rel = (tag.get("rel") or "").lower().split()
            kind = (tag.get("type") or "").lower().split(";")[0].strip()
            if "alternate" in rel and kind in _FEED_TYPES:
                out.add("feeds", base, tag.get("href"))
    return out


def feed_links(content: bytes, *, base: str) -> Links:
    """The links of an RSS or Atom feed: its entries' pages and their media."""
    out = Links()
    parsed = feedparser.parse(io.BytesIO(content), resolve_relative_uris=False,
                              sanitize_html=False, response_headers={"content-location": base})
    for entry in parsed.entries:
        out.add("pages", base, entry.get("link"))
        for link in entry.get("links", []):
            if link.get("rel") == "enclosure":
                out.add("media", base, link.get("href"))
        for enclosure in entry.get("enclosures", []):
            out.add("media", base, enclosure.get("href") or enclosure.get("url"))
        for item in [*entry.get("media_content", []), *entry.get("media_thumbnail", [])]:
            out.add("media", base, item.get("url"))
    return out


def activity_links(content: bytes, *, base: str, headers: dict[str, str] | None = None) -> Links:
    """The links of an ActivityPub collection page (or of a Mastodon REST timeline)."""
    out = Links()
    try:
        data = json.loads(content)
    except (ValueError, UnicodeDecodeError):
        return out
    if isinstance(data, list):  # a Mastodon REST timeline: statuses, next page in Link
        for status in data:
            if isinstance(status, dict):
                _status(out, base, status.get("reblog") or status)
        match = _NEXT_LINK.search((headers or {}).get("link", ""))
        if match:
            out.add("feeds", base, match.group(1))
        return out
    if not isinstance(data, dict):
        return out
    first = data.get("first")
    if isinstance(first, dict):  # the first page embedded in the collection
        _page(out, base, first)
    elif first:
        out.add("feeds", base, first)
    _page(out, base, data)
    return out


def _page(out: Links, base: str, page: dict[str, Any]) -> None:
    for item in page.get("orderedItems") or page.get("items") or []:
        if not isinstance(item, dict):
            continue
        note = item.get("object") if item.get("type") == "Create" else item
        if isinstance(note, dict):
            for attachment in _list(note.get("attachment")):
                if isinstance(attachment, dict):
                    for url in _hrefs(attachment.get("url")):
                        out.add("media", base, url)
            for url in _hrefs(note.get("url")):
                out.add("pages", base, url)
    following = page.get("next")
    out.add("feeds", base, following.get("id") if isinstance(following, dict) else following)


def _status(out: Links, base: str, status: dict[str, Any]) -> None:
    for media in _list(status.get("media_attachments")):
        if isinstance(media, dict):
            out.add("media", base, media.get("url") or media.get("remote_url"))
    out.add("pages", base, status.get("url"))


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _hrefs(value: Any) -> Iterator[str]:
    """An ActivityStreams `url`: a string, a Link object, or a list of either."""
    for item in _list(value):
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict) and isinstance(item.get("href"), str):
            yield item["href"]
