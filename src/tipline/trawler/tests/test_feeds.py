"""What documents point to: HTML, RSS/Atom, ActivityPub and Mastodon timelines (no fetching)."""

from __future__ import annotations

import json

from tipline.trawler.feeds import activity_links, feed_links, html_links

BASE = "http://site.test/dir/page.html"


def test_html_links_resolve_against_the_base_and_skip_what_is_not_http() -> None:
    page = b"""<html><head><base href="http://cdn.test/b/">
<script src="/app.js"></script><link rel="stylesheet" href="/s.css">
<link rel="alternate" type="application/atom+xml" href="atom.xml"></head><body>
<a href="next.html#part">n</a><a href="mailto:x@y.z">m</a><a href="javascript:void(0)">j</a>
<a href="ftp://files.test/x">f</a><img src="a.png" srcset="b.png 1x, /c.png 2x">
<video poster="p.jpg" src="v.mp4"><source src="w.webm"></video></body></html>"""
    links = html_links(page, base=BASE)
    assert links.pages == ["http://cdn.test/b/next.html"]
    assert links.media == ["http://cdn.test/b/a.png", "http://cdn.test/b/b.png",
                           "http://cdn.test/c.png", "http://cdn.test/b/v.mp4",
                           "http://cdn.test/b/p.jpg", "http://cdn.test/b/w.webm"]
    assert links.feeds == ["http://cdn.test/b/atom.xml"]


def test_garbage_and_empty_html_give_no_links() -> None:
    assert html_links(b"", base=BASE).pages == []
    assert html_links(bytes(range(256)) * 4, base=BASE).media == []


def test_an_atom_feed() -> None:
    atom = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
<entry><title>e</title><link href="http://site.test/e1"/>
<link rel="enclosure" type="image/png" href="http://site.test/e1.png"/></entry></feed>"""
    links = feed_links(atom, base=BASE)
    assert links.pages == ["http://site.test/e1"]
    assert links.media == ["http://site.test/e1.png"]


def test_an_outbox_with_its_first_page_embedded() -> None:
    outbox = {"type": "OrderedCollection", "first": {
        "type": "OrderedCollectionPage", "next": "http://site.test/outbox?page=2",
        "orderedItems": [{"type": "Create", "object": {
            "type": "Note", "url": [{"type": "Link", "href": "http://site.test/@a/1"}],
            "attachment": [{"type": "Document", "url": "http://media.test/1.jpg"}]}}]}}
    links = activity_links(json.dumps(outbox).encode(), base=BASE)
    assert links.media == ["http://media.test/1.jpg"]
    assert links.pages == ["http://site.test/@a/1"]
    assert links.feeds == ["http://site.test/outbox?page=2"]


def test_a_mastodon_timeline() -> None:
    statuses = [{"url": "http://m.test/@a/1", "media_attachments": [
        {"type": "image", "url": "http://files.m.test/1.png"}]},
        {"url": "http://m.test/@b/2", "reblog": {"url": "http://m.test/@c/3",
                                                 "media_attachments": []}}]
    links = activity_links(json.dumps(statuses).encode(), base=BASE, headers={
        "link": '<http://m.test/api/v1/timelines/tag/x?max_id=9>; rel="next", '
                '<http://m.test/api/v1/timelines/tag/x?min_id=11>; rel="prev"'})
    assert links.media == ["http://files.m.test/1.png"]
    assert links.pages == ["http://m.test/@a/1", "http://m.test/@c/3"]
    assert links.feeds == ["http://m.test/api/v1/timelines/tag/x?max_id=9"]


def test_json_that_is_not_a_collection_gives_nothing() -> None:
    assert activity_links(b"not json", base=BASE).pages == []
    assert activity_links(b"42", base=BASE).media == []
