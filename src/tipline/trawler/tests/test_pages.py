"""The trawler's page for the hub: the figures it shows are the database's, a source added
on it is queued and audited, bad input is refused with nothing written, the contacts go in
and out as CSV, and no one without trawl.manage opens it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tipline.audit.models import AuditEvent
from tipline.trawler.models import Contact, Notice, Source, Url
from tipline.trawler.tests.findings import SEEN_AT, finding_make

pytestmark = pytest.mark.django_db


def _page(client: Client, user: Any) -> str:
    client.force_login(user)
    response = client.get(reverse("trawler:home"))
    assert response.status_code == 200
    return response.content.decode()


def test_a_source_added_on_the_page_is_queued_and_audited(client: Client, analyst: Any) -> None:
    client.force_login(analyst)
    response = client.post(reverse("trawler:source_new"), {
        "url": "https://watched.example.org/board/", "kind": "site", "depth": "2",
        "scope": "same_host", "every_hours": "6"}, follow=True)
    assert response.status_code == 200
    source = Source.objects.get()
    assert (source.kind, source.depth, source.scope, source.every) == (
        "site", 2, "same_host", 6 * 3600)
    assert source.created_by == analyst
    url = Url.objects.get(source=source)
    assert url.url == "https://watched.example.org/board/" and url.state == Url.State.QUEUED
    assert AuditEvent.objects.filter(action="trawl.source_added", actor=analyst).count() == 1
    assert "watched.example.org/board/" in response.content.decode()


@pytest.mark.parametrize("post", [
    {"url": "ftp://files.example.org/x", "kind": "site", "depth": "0", "scope": "same_host",
     "every_hours": "0"},
    {"url": "https://ok.example.org/", "kind": "report", "depth": "0", "scope": "same_host",
     "every_hours": "0"},
    {"url": "https://ok.example.org/", "kind": "site", "depth": "9", "scope": "same_host",
     "every_hours": "0"},
    {"url": "https://ok.example.org/", "kind": "site", "depth": "1", "scope": "anywhere",
     "every_hours": "0"},
])
def test_bad_sources_are_refused_and_nothing_is_written(client: Client, hub_admin: Any,
                                                        post: dict[str, str]) -> None:
    client.force_login(hub_admin)
    response = client.post(reverse("trawler:source_new"), post, follow=True)
    assert response.status_code == 200
    assert any(m.level_tag == "error" for m in response.context["messages"])
    assert not Source.objects.exists() and not Url.objects.exists()


def test_the_page_shows_the_databases_figures(client: Client, hub_admin: Any) -> None:
    removed = finding_make("https://bad.example.net/a.jpg", content=b"a")
    up = finding_make("https://bad.example.net/b.jpg", content=b"b")
    for finding, hours in ((removed, 5), (up, None)):
        Notice.objects.create(
            finding=finding, host=finding.host, email="abuse@example.net",
            state=Notice.State.REMOVED if hours else Notice.State.SENT, sent_at=SEEN_AT,
            removed_at=SEEN_AT + timedelta(hours=hours) if hours else None)
    html = _page(client, hub_admin)
    assert "bad.example.net" in html
    # two notices sent, one removed after 5.0 hours: the median of the removed
    row = html[html.index('<td class="mono">bad.example.net</td>'):]
    row = row[:row.index("</tr>")]
    cells = [c.split(">", 1)[1] for c in row.split("</td>")[:5]]
    assert cells[1:5] == ["2", "1", "5.0", "5.0"]
    # the frontier by state: both media URLs are fetched
    assert Url.objects.filter(state=Url.State.DONE).count() == 2


def test_contacts_go_in_and_out_as_csv(client: Client, hub_admin: Any) -> None:
    client.force_login(hub_admin)
    text = "host,network,asn,email,name,origin\nexample.net,,,abuse@example.net,Example,hub\n"
    response = client.post(reverse("trawler:contacts_upload"), {
        "file": SimpleUploadedFile("c.csv", text.encode(), content_type="text/csv")},
        follow=True)
    assert response.status_code == 200
    assert Contact.objects.get().email == "abuse@example.net"
    out = client.get(reverse("trawler:contacts_download"))
    assert out.status_code == 200 and out["Content-Type"].startswith("text/csv")
    assert "example.net" in out.content.decode() and "abuse@example.net" in out.content.decode()


def test_a_bad_contacts_file_names_its_line_and_writes_nothing(client: Client,
                                                                hub_admin: Any) -> None:
    client.force_login(hub_admin)
    text = ("host,network,asn,email,name,origin\nexample.net,,,abuse@example.net,,hub\n"
            "example.org,,,not-an-address,,hub\n")
    response = client.post(reverse("trawler:contacts_upload"), {
        "file": SimpleUploadedFile("c.csv", text.encode(), content_type="text/csv")},
        follow=True)
    page = response.content.decode()
    assert "line 3" in page
    assert not Contact.objects.exists()


def test_no_one_without_trawl_manage_opens_it(client: Client, beed_officer: Any,
                                             reviewer: Any, auditor: Any) -> None:
    for user in (beed_officer, reviewer, auditor):
        client.force_login(user)
        assert client.get(reverse("trawler:home")).status_code == 404
        assert client.post(reverse("trawler:source_new"), {
            "url": "https://x.example.org/", "kind": "site", "depth": "0",
            "scope": "same_host", "every_hours": "0"}).status_code == 404
    assert not Source.objects.exists()


def test_a_paused_source_leaves_its_queue_until_it_is_resumed(client: Client,
                                                              analyst: Any) -> None:
    client.force_login(analyst)
    client.post(reverse("trawler:source_new"), {
        "url": "https://watched.example.org/", "kind": "site", "depth": "1",
        "scope": "same_host", "every_hours": "24"})
    source = Source.objects.get()
    url = Url.objects.get(source=source)
    client.post(reverse("trawler:source_enabled", args=[source.pk]), {"enabled": "0"})
    source.refresh_from_db()
    url.refresh_from_db()
    assert not source.enabled and url.state == Url.State.SKIPPED
    from tipline.trawler.crawl import urls_lease

    _token, leased = urls_lease(limit=10)
    assert leased == []  # a paused source's URL is not fetched
    client.post(reverse("trawler:source_enabled", args=[source.pk]), {"enabled": "1"})
    source.refresh_from_db()
    url.refresh_from_db()
    assert source.enabled and url.state == Url.State.QUEUED
    assert source.next_run_at is not None
    actions = list(AuditEvent.objects.filter(
        action__in=["trawl.source_paused", "trawl.source_resumed"]).order_by("pk")
        .values_list("action", flat=True))
    assert actions == ["trawl.source_paused", "trawl.source_resumed"]


def test_pausing_a_source_that_does_not_exist_is_a_404(client: Client, analyst: Any) -> None:
    client.force_login(analyst)
    assert client.post(reverse("trawler:source_enabled", args=[999]),
                       {"enabled": "0"}).status_code == 404
