"""Re-checks of noticed URLs against the local test site (tests/site.py): removal by 404 or
410, by another hash, by leaving the page; not by a network error; the backoff; the time to
removal measured on the clock the test gives."""

from __future__ import annotations

import hashlib
import socket
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from tipline.audit.models import AuditEvent
from tipline.trawler.contacts import contacts_import
from tipline.trawler.fetching import client_make
from tipline.trawler.models import Finding, Notice
from tipline.trawler.notices import notices_escalate, notices_send
from tipline.trawler.rechecks import page_links, rechecks_run, url_normal
from tipline.trawler.removals import removals_by_host
from tipline.trawler.sweep import notices_sweep
from tipline.trawler.tests.findings import SEEN_AT, finding_make
from tipline.trawler.tests.site import TestSite, image_bytes

pytestmark = pytest.mark.django_db

T0 = SEEN_AT + timedelta(hours=1)
H = timedelta(hours=1)


@pytest.fixture
def client() -> Iterator[Any]:
    with client_make() as made:
        yield made


@pytest.fixture
def recheck_settings(settings: Any) -> Any:
    settings.TRAWL_RECHECK_FIRST_MINUTES = 60
    settings.TRAWL_RECHECK_MAX_HOURS = 24
    settings.TRAWL_RECHECK_DAYS = 90
    settings.TRAWL_ESCALATE_HOURS = 72
    contacts_import(actor=None, text="host,email\n127.0.0.1,abuse@local.test\n")
    return settings


def _page(site: TestSite, path: str, *media: str) -> str:
    """A page at `path` showing the images `media` (paths), served from now on."""
    body = "".join(f'<p><img src="{m}" alt=""></p>' for m in media)
    site.routes[path] = (200, {"Content-Type": "text/html; charset=utf-8"},
                         f"<!doctype html><title>t</title>{body}".encode())
    return site.url(path)


def _noticed(site: TestSite, media_path: str, page_path: str = "/watch") -> Finding:
    """A confirmed finding of the site's image at `media_path` on a page that shows it,
    noticed at T0."""
    key = media_path.rsplit("/", 1)[1][:-4]
    finding = finding_make(site.url(media_path), page_url=_page(site, page_path, media_path),
                           content=image_bytes(key))
    assert notices_send(now=T0).sent == 1
    return finding


def _notice(finding: Finding) -> Notice:
    return Notice.objects.get(finding=finding)


@pytest.mark.parametrize("status", [404, 410])
def test_gone_by_404_or_410_after_the_backoff_with_the_time_to_removal_measured(
        status: int, trawl_site: TestSite, client: Any, recheck_settings: Any,
        mailoutbox: list[Any]) -> None:
    trawl_site.removed_status = status
    trawl_site.removed_after = 2  # the image answers twice, then `status`
    finding = _noticed(trawl_site, "/removed/r1.png")
    assert len(mailoutbox) == 1
    assert _notice(finding).next_check_at == T0 + H

    assert rechecks_run(now=T0 + 59 * timedelta(minutes=1), client=client).checked == 0
    assert trawl_site.count("/removed/r1.png") == 0
    # check 1 at 1 h: still up (and still on its page); the next waits 2 h
    done = rechecks_run(now=T0 + H, client=client)
    assert (done.checked, done.removed) == (1, 0)
    notice = _notice(finding)
    assert (notice.state, notice.checks, notice.next_check_at) == ("sent", 1, T0 + 3 * H)
    assert rechecks_run(now=T0 + 2 * H, client=client).checked == 0
    # check 2 at 3 h: still up; the next waits 4 h
    rechecks_run(now=T0 + 3 * H, client=client)
    notice = _notice(finding)
    assert (notice.state, notice.checks, notice.next_check_at) == ("sent", 2, T0 + 7 * H)
    # check 3 at 7 h: the site now answers `status`
    done = rechecks_run(now=T0 + 7 * H, client=client)
    assert (done.checked, done.removed) == (1, 1)
    notice = _notice(finding)
    assert (notice.state, notice.removed_how, notice.checks) == ("removed", "gone", 3)
    assert notice.removed_at is not None and notice.sent_at is not None
    assert notice.removed_at - notice.sent_at == 7 * H
    assert notice.next_check_at is None
    assert trawl_site.count("/removed/r1.png") == 3
    (event,) = AuditEvent.objects.filter(action="trawl.notice_removed")
    assert event.data["how"] == "gone" and event.data["status"] == status

    # a removed URL is never fetched again, and is not escalated
    assert rechecks_run(now=T0 + 30 * 24 * H, client=client).checked == 0
    assert trawl_site.count("/removed/r1.png") == 3
    assert notices_escalate(now=T0 + 30 * 24 * H) == 0
    (row,) = removals_by_host(now=T0 + 30 * 24 * H)
    assert (row.sent, row.removed, row.median, row.up_24h) == (1, 1, 7 * H, (0, 1))


def test_changed_bytes_at_the_url_count_as_removed(
        trawl_site: TestSite, client: Any, recheck_settings: Any) -> None:
    finding = _noticed(trawl_site, "/img/c1.png")
    rechecks_run(now=T0 + H, client=client)
    assert _notice(finding).state == "sent"
    replacement = image_bytes("a placeholder")
    assert hashlib.sha256(replacement).hexdigest() != finding.sha256
    trawl_site.routes["/img/c1.png"] = (200, {"Content-Type": "image/png"}, replacement)
    assert rechecks_run(now=T0 + 3 * H, client=client).removed == 1
    notice = _notice(finding)
    assert (notice.state, notice.removed_how, notice.removed_at) == (
        "removed", "changed", T0 + 3 * H)


def test_leaving_the_page_counts_as_removed_but_a_page_that_is_gone_does_not(
        trawl_site: TestSite, client: Any, recheck_settings: Any) -> None:
    finding = _noticed(trawl_site, "/img/p1.png", page_path="/thread")
    # the page is gone but the image still answers at its URL: still up
    trawl_site.routes["/thread"] = (404, {"Content-Type": "text/plain"}, b"no thread")
    rechecks_run(now=T0 + H, client=client)
    assert _notice(finding).state == "sent"
    # the page is back, showing other images only: the material left it
    _page(trawl_site, "/thread", "/img/other-1.png", "/img/other-2.png")
    rechecks_run(now=T0 + 3 * H, client=client)
    notice = _notice(finding)
    assert (notice.state, notice.removed_how, notice.removed_at) == (
        "removed", "off page", T0 + 3 * H)
    assert trawl_site.count("/img/p1.png") == 2  # the image itself was still there


def test_network_errors_and_server_errors_are_not_removal(
        trawl_site: TestSite, client: Any, recheck_settings: Any) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    refused = finding_make(f"http://127.0.0.1:{closed}/img/x.png",
                           page_url=f"http://127.0.0.1:{closed}/", content=b"x")
    failing = finding_make(trawl_site.url("/img/e1.png"),
                           page_url=_page(trawl_site, "/e", "/img/e1.png"),
                           content=image_bytes("e1"))
    trawl_site.routes["/img/e1.png"] = (503, {"Content-Type": "text/plain"}, b"busy")
    assert notices_send(now=T0).sent == 2
    for n, at in enumerate([T0 + H, T0 + 3 * H, T0 + 7 * H], start=1):
        done = rechecks_run(now=at, client=client)
        assert (done.checked, done.removed) == (2, 0)
        for finding in (refused, failing):
            notice = _notice(finding)
            assert (notice.state, notice.removed_at, notice.checks) == ("sent", None, n)
    assert _notice(refused).next_check_at == T0 + 15 * H  # 7 h + 8 h: the backoff goes on


def test_checks_stop_after_the_recheck_days(
        trawl_site: TestSite, client: Any, recheck_settings: Any) -> None:
    recheck_settings.TRAWL_RECHECK_DAYS = 1
    finding = _noticed(trawl_site, "/img/s1.png")
    Notice.objects.filter(finding=finding).update(next_check_at=T0 + 25 * H)
    rechecks_run(now=T0 + 25 * H, client=client)
    notice = _notice(finding)
    assert (notice.state, notice.checks, notice.next_check_at) == ("sent", 1, None)


def test_one_sweep_sends_checks_and_escalates(
        trawl_site: TestSite, client: Any, recheck_settings: Any,
        mailoutbox: list[Any], analyst: Any) -> None:
    trawl_site.removed_after = 0  # already gone at the first re-check
    gone = finding_make(trawl_site.url("/removed/w1.png"),
                        page_url=_page(trawl_site, "/w", "/removed/w1.png"),
                        content=image_bytes("w1"))
    stays = finding_make(trawl_site.url("/img/w2.png"),
                         page_url=_page(trawl_site, "/w2", "/img/w2.png"),
                         content=image_bytes("w2"))
    first = notices_sweep(now=T0, client=client)
    assert (first.sent, first.checked, first.escalated) == (2, 0, 0)
    # the sweep at 1 h finds the first one gone
    second = notices_sweep(now=T0 + H, client=client)
    assert (second.sent, second.checked, second.removed) == (0, 2, 1)
    assert _notice(gone).state == "removed"
    late = notices_sweep(now=T0 + 72 * H, client=client)
    assert late.escalated == 1
    assert _notice(stays).state == "escalated"
    # an escalated notice is still re-checked, and its removal recorded
    trawl_site.routes["/img/w2.png"] = (410, {"Content-Type": "text/plain"}, b"gone")
    notice = _notice(stays)
    assert notice.next_check_at is not None
    after = notices_sweep(now=notice.next_check_at, client=client)
    assert after.removed == 1
    notice = _notice(stays)
    assert (notice.state, notice.removed_how, notice.escalated_at) == (
        "removed", "gone", T0 + 72 * H)


def test_links_are_read_from_src_srcset_href_and_compared_normalised() -> None:
    html = (b'<a href="/a.jpg#x">a</a><img srcset="b.png 1x, /c.png 2x" src="HTTP://Host:80/d">'
            b'<meta property="og:image" content="https://host/e.png">')
    found = page_links(html, base="http://host/dir/page")
    assert found == {"http://host/a.jpg", "http://host/dir/b.png", "http://host/c.png",
                     "http://host/d", "https://host/e.png"}
    assert url_normal("HTTPS://Example.COM:443") == "https://example.com/"


def test_the_periodic_task_is_registered_on_the_trawl_queue_and_runs_the_sweep(
        recheck_settings: Any, mailoutbox: list[Any]) -> None:
    from tipline.core.tasks import periodic_paths
    from tipline.trawler.tasks import trawl_notices_task

    assert trawl_notices_task.module_path in periodic_paths()
    assert trawl_notices_task.queue_name == "trawl"
    finding_make("http://127.0.0.1/task.png", content=b"t")
    assert trawl_notices_task.call() == 1
    assert [m.to for m in mailoutbox] == [["abuse@local.test"]]
    assert trawl_notices_task.call() == 0
