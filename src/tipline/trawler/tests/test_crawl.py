"""The frontier against the local test site: depth, scope, robots.txt, media judged, bad
answers survived, feeds and outboxes, recrawl interval, seeds from reports, leases."""

from __future__ import annotations

import hashlib
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core.management import call_command

from tipline.accounts.services import system_user
from tipline.audit.models import AuditEvent
from tipline.core.errors import NotPermitted, RejectedInput
from tipline.intake.records import FileRec, PersonRec, ReportRec
from tipline.intake.services import report_receive
from tipline.trawler.crawl import (
    IN_FLIGHT,
    INTERRUPTED,
    crawl_run,
    host_ids_forget,
    leases_recover,
    url_index,
    urls_lease,
)
from tipline.trawler.models import MediaSeen, Source, Url
from tipline.trawler.services import source_add
from tipline.trawler.tests.conftest import threads_need_server_db
from tipline.trawler.tests.site import TestSite, image_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_host_ids() -> Any:
    host_ids_forget()
    yield
    host_ids_forget()


def add(site: TestSite, path: str, **kw: Any) -> Source:
    return source_add(actor=system_user("test"), url=site.url(path), **kw)


def fetched(site: TestSite, host: str = "127.0.0.1") -> set[str]:
    return set(site.paths(host=host)) - {"/robots.txt"}


def test_depth_and_same_host_scope(trawl_site: TestSite) -> None:
    add(trawl_site, "/page/0", depth=1)
    stats = crawl_run()
    pages = {"/page/0", "/page/1", "/page/2"}
    media = {img for i in (0, 1, 2) for img in trawl_site.page_images(i)}
    media |= {f"{trawl_site.page_images(i)[-1]}?2x" for i in (0, 1, 2)}
    media |= {f"/media/clip-{i}.webm" for i in (0, 1, 2)}
    assert fetched(trawl_site) == pages | media
    assert fetched(trawl_site, host="localhost") == set()  # the mirror is another host
    assert stats.pages == 3
    assert stats.media == len(media)
    # every image was hashed and judged; the bytes were not kept anywhere
    png = image_bytes("page-1-0")
    seen = MediaSeen.objects.get(sha256=hashlib.sha256(png).hexdigest())
    assert seen.outcome == MediaSeen.Outcome.NO_MATCH
    assert seen.page is not None and seen.page.url == trawl_site.url("/page/1")
    assert seen.pdq
    assert MediaSeen.objects.count() == len(media)
    # nothing was fetched twice, and the frontier is settled
    assert len(trawl_site.paths()) == len(set(trawl_site.paths()))
    assert set(Url.objects.values_list("state", flat=True)) == {Url.State.DONE}
    assert Url.objects.filter(url_index=url_index(trawl_site.url("/page/3"))).exists() is False


def test_any_host_scope_follows_the_mirror(trawl_site: TestSite) -> None:
    add(trawl_site, "/page/0", depth=1, scope=Source.Scope.ANY_HOST)
    crawl_run()
    assert {"/page/0"} <= fetched(trawl_site, host="localhost")
    assert "/page/3" not in fetched(trawl_site, host="localhost")  # depth 2 from the seed


def test_depth_zero_is_the_seed_and_its_media(trawl_site: TestSite) -> None:
    add(trawl_site, "/page/1")
    crawl_run()
    assert fetched(trawl_site) == {"/page/1", *trawl_site.page_images(1),
                                   f"{trawl_site.page_images(1)[-1]}?2x", "/media/clip-1.webm"}


def test_robots_txt_is_obeyed_and_scripts_never_fetched(trawl_site: TestSite) -> None:
    add(trawl_site, "/", depth=1)
    crawl_run()
    assert "/private/secret.html" not in trawl_site.paths()
    blocked = Url.objects.get(url_index=url_index(trawl_site.url("/private/secret.html")))
    assert blocked.state == Url.State.BLOCKED
    assert "/js/app.js" not in trawl_site.paths()
    assert "/style.css" not in trawl_site.paths()
    assert "/feed.xml" in trawl_site.paths()  # link rel=alternate


def test_the_rate_limit_holds_through_a_crawl(trawl_site: TestSite, settings: Any) -> None:
    settings.TRAWL_HOST_INTERVAL_SECONDS = 1
    add(trawl_site, "/page/1")
    crawl_run(limit=3)
    times = trawl_site.times()
    assert len(times) == 4  # robots.txt, the page, two images
    assert min(b - a for a, b in zip(times, times[1:], strict=False)) >= 1.0 - 0.02


def test_bad_answers_are_survived(trawl_site: TestSite, settings: Any) -> None:
    settings.TRAWL_MAX_BYTES = 500_000
    settings.TRAWL_DEADLINE_SECONDS = 2
    settings.TRAWL_MAX_ATTEMPTS = 1
    trawl_site.slow_every = 0.3
    body = "".join(f'<a href="{p}">x</a>' for p in (
        "/slow", "/stall", "/loop/a", "/chain/9", "/big-stream", "/garbage", "/nothing"))
    body += '<img src="/big.png"><img src="/endless">'
    trawl_site.routes["/bad"] = (200, {"Content-Type": "text/html"},
                                 f"<html><body>{body}</body></html>".encode())
    add(trawl_site, "/bad", depth=1)
    crawl_run()
    states = {u.url.rsplit("/", 1)[-1]: (u.state, u.error, u.status)
              for u in Url.objects.all()}
    assert states["bad"][0] == Url.State.DONE
    assert states["a"][1] == "redirect loop"
    assert states["9"][1] == "too many redirects"
    assert states["big.png"][1].startswith("larger than")
    assert states["endless"][1].startswith("larger than")
    assert states["nothing"][2] == 404
    assert states["slow"][1].startswith("deadline")
    assert states["stall"][0] == Url.State.FAILED
    assert not MediaSeen.objects.exists()  # nothing cut or garbled was hashed as media
    assert not Url.objects.filter(state__in=[Url.State.QUEUED, Url.State.LEASED]).exists()


def test_a_failed_fetch_is_tried_again_later(trawl_site: TestSite, settings: Any) -> None:
    trawl_site.routes["/flaky"] = (503, {}, b"busy")
    add(trawl_site, "/flaky")
    crawl_run()
    url = Url.objects.get()
    assert url.state == Url.State.QUEUED
    assert url.attempts == 1
    assert url.due_at > datetime.now(UTC)
    crawl_run()
    assert trawl_site.count("/flaky") == 1  # not before its time


def test_nothing_is_fetched_again_within_the_recrawl_interval(trawl_site: TestSite) -> None:
    add(trawl_site, "/page/1")
    crawl_run()
    first = len(trawl_site.paths())
    add(trawl_site, "/page/1")  # the same source again: nothing new
    add(trawl_site, "/page/1", kind=Source.Kind.MANUAL)  # another source of the same URL
    add(trawl_site, "/page/0", depth=1)  # links to /page/1 again
    crawl_run()
    assert trawl_site.count("/page/1") == 1
    assert trawl_site.count("/page/0") == 1
    assert len(trawl_site.paths()) > first
    # once the interval has passed, the seed's next visit fetches it again
    Url.objects.update(fetched_at=datetime.now(UTC) - timedelta(days=8))
    source = Source.objects.get(url_index=url_index(trawl_site.url("/page/1")),
                                kind=Source.Kind.SITE)
    Source.objects.filter(pk=source.pk).update(every=3600, next_run_at=datetime.now(UTC))
    crawl_run()
    assert trawl_site.count("/page/1") == 2


def test_a_source_comes_round_on_its_schedule(trawl_site: TestSite) -> None:
    source = add(trawl_site, "/feed.xml", kind=Source.Kind.FEED, every=60)
    crawl_run()
    assert trawl_site.count("/feed.xml") == 1
    crawl_run()  # not due yet
    assert trawl_site.count("/feed.xml") == 1
    Source.objects.filter(pk=source.pk).update(
        next_run_at=datetime.now(UTC) - timedelta(seconds=1))
    Url.objects.filter(depth=0).update(fetched_at=datetime.now(UTC) - timedelta(seconds=61))
    crawl_run()
    assert trawl_site.count("/feed.xml") == 2
    source.refresh_from_db()
    assert source.next_run_at is not None and source.next_run_at > datetime.now(UTC)


def test_an_rss_feed(trawl_site: TestSite) -> None:
    add(trawl_site, "/feed.xml", kind=Source.Kind.FEED, depth=1)
    crawl_run()
    for k in range(3):
        assert f"/post/{k}.html" in trawl_site.paths()
        assert f"/img/feed-enclosure-{k}.jpg" in trawl_site.paths()
        assert f"/img/feed-media-{k}.png" in trawl_site.paths()
        assert f"/img/post-{k}.png" in trawl_site.paths()  # the media a post shows
    feed = Url.objects.get(depth=0)
    assert feed.kind == Url.Kind.FEED


def test_an_activitypub_outbox(trawl_site: TestSite) -> None:
    add(trawl_site, "/users/alice/outbox", kind=Source.Kind.ACTIVITYPUB, depth=2)
    crawl_run()
    pages = [h for h in trawl_site.hits if h.path.startswith("/users/alice/outbox")]
    assert [h.path for h in pages] == ["/users/alice/outbox", "/users/alice/outbox?page=true",
                                       "/users/alice/outbox?max_id=1&page=true"]
    assert all("application/activity+json" in h.accept for h in pages)
    for k in range(4):
        assert f"/img/ap-{k}.png" in trawl_site.paths()
    assert "/@alice/0" in trawl_site.paths()  # a note's page, one link from the first page
    assert "/@alice/2" not in trawl_site.paths()  # three links from the seed: too deep
    assert not any("elsewhere.invalid" in h.host for h in trawl_site.hits)


def test_activitypub_depth_bounds_the_pages_followed(trawl_site: TestSite) -> None:
    add(trawl_site, "/users/alice/outbox", kind=Source.Kind.ACTIVITYPUB, depth=1)
    crawl_run()
    assert "/users/alice/outbox?max_id=1&page=true" not in trawl_site.paths()
    assert {"/img/ap-0.png", "/img/ap-1.png"} <= set(trawl_site.paths())


def test_a_person_needs_trawl_manage_and_is_audited(trawl_site: TestSite, hub_admin: Any,
                                                     reviewer: Any) -> None:
    with pytest.raises(NotPermitted):
        source_add(actor=reviewer, url=trawl_site.url("/"))
    source = source_add(actor=hub_admin, url=trawl_site.url("/"), depth=1)
    event = AuditEvent.objects.get(action="trawl.source_added")
    assert event.object_id == str(source.pk)
    assert event.data["host"] == f"127.0.0.1:{trawl_site.port}"
    assert source.created_by == hub_admin


@pytest.mark.parametrize("url", ["ftp://example.org/", "javascript:alert(1)", "example.org"])
def test_only_http_sources(url: str) -> None:
    with pytest.raises(RejectedInput):
        source_add(actor=None, url=url)


def test_the_urls_of_a_report_become_seeds(trawl_site: TestSite, tree: None,
                                           django_capture_on_commit_callbacks: Any) -> None:
    rec = ReportRec(
        source="public", external_id="T-1", content_sha256="a" * 64, position="test",
        urls=[trawl_site.url("/page/1"), "mailto:someone@example.org",
              trawl_site.url("/page/1#again")],
        subjects=[PersonRec(role="suspect", profile_urls=[trawl_site.url("/@alice/7")])],
        files=[FileRec(filename="x.png", location_url=trawl_site.url("/img/found.png"))])
    with django_capture_on_commit_callbacks(execute=True):
        report = report_receive(actor=system_user("test"), rec=rec, label="test tip")
    sources = {s.url: s for s in Source.objects.filter(kind=Source.Kind.REPORT)}
    assert set(sources) == {trawl_site.url("/page/1"), trawl_site.url("/@alice/7"),
                            trawl_site.url("/img/found.png")}
    assert all(s.report_id == report.pk for s in sources.values())
    assert sources[trawl_site.url("/page/1")].origin == f"TL-{report.pk:08d} webPageIncident"
    crawl_run()
    assert {"/page/1", "/@alice/7", "/img/found.png", "/page/3"} <= set(trawl_site.paths())
    # another report with the same URL adds no second seed
    again = ReportRec(source="public", external_id="T-2", content_sha256="b" * 64,
                      position="test", urls=[trawl_site.url("/page/1")])
    with django_capture_on_commit_callbacks(execute=True):
        report_receive(actor=system_user("test"), rec=again, label="test tip")
    assert Source.objects.filter(kind=Source.Kind.REPORT).count() == 3


def test_the_trawlers_own_reports_add_no_seeds(tree: None,
                                               django_capture_on_commit_callbacks: Any) -> None:
    """A trawler report's URLs are where the trawler found the material: not seeds again."""
    rec = ReportRec(source="trawler", external_id="trawl-x", content_sha256="c" * 64,
                    position="test", urls=["https://found.example.org/page",
                                           "https://found.example.org/a.jpg"])
    with django_capture_on_commit_callbacks(execute=True):
        report_receive(actor=system_user("trawler"), rec=rec, label="trawler finding")
    assert not Source.objects.filter(kind=Source.Kind.REPORT).exists()


def test_the_command(trawl_site: TestSite, capsys: Any) -> None:
    call_command("trawl", "add", trawl_site.url("/page/0"), "--depth", "1", "--every", "600")
    call_command("trawl", "list")
    call_command("trawl", "run", "--limit", "2")
    out = capsys.readouterr()
    assert f"{trawl_site.url('/page/0')}\tdepth 1\tsame_host\tevery 600" in out.out
    assert "fetched 2:" in out.out
    assert "trawl" in out.err  # the progress line
    call_command("trawl", "run", "--until-idle", "--quiet")
    call_command("trawl", "status")
    out = capsys.readouterr()
    assert "urls: done 15" in out.out  # 3 pages, 12 media (9 images, 3 clips)
    assert "media seen: error 3, no_match 9" in out.out  # a clip of 64 bytes has no frame
    assert Source.objects.get().every == 600


def test_an_expired_lease_requeues_what_was_not_started(trawl_site: TestSite) -> None:
    for i in range(3):
        add(trawl_site, f"/page/{i}")
    token, urls = urls_lease(limit=3)
    assert len(urls) == 3
    assert urls_lease(limit=3)[1] == []  # all leased
    Url.objects.filter(pk=urls[0].pk).update(error=IN_FLIGHT)
    Url.objects.update(leased_until=datetime.now(UTC) - timedelta(seconds=1))
    assert leases_recover() == 3
    first = Url.objects.get(pk=urls[0].pk)
    assert (first.state, first.error) == (Url.State.FAILED, INTERRUPTED)
    assert first.due_at > datetime.now(UTC) + timedelta(days=6)
    assert Url.objects.filter(state=Url.State.QUEUED).count() == 2
    crawl_run()
    assert "/page/0" not in trawl_site.paths()  # it may have been fetched: not again
    assert {"/page/1", "/page/2"} <= set(trawl_site.paths())


@threads_need_server_db
@pytest.mark.django_db(transaction=True)
def test_two_workers_never_lease_the_same_url(trawl_site: TestSite) -> None:
    for i in range(40):
        source_add(actor=None, url=trawl_site.url(f"/page/{i}?n"))
    got: list[list[int]] = [[], []]
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        from django.db import connection
        try:
            while True:
                _, urls = urls_lease(limit=3)
                if not urls:
                    return
                got[n] += [u.pk for u in urls]
        except BaseException as exc:  # noqa: BLE001 - the test reports it
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sorted(got[0] + got[1]) == sorted(Url.objects.values_list("pk", flat=True))
    assert not set(got[0]) & set(got[1])


def test_the_crawl_task_crawls_what_is_due(trawl_site: TestSite) -> None:
    from tipline.trawler.tasks import trawl_crawl_task

    add(trawl_site, "/page/1")
    assert trawl_crawl_task.call() == 5  # the page, its 3 images (one twice sized), a clip
    assert "/page/1" in trawl_site.paths()
