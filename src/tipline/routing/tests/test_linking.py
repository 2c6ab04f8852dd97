"""Linking: each identifier kind and IP + port + time link reports; viral values don't;
the report page lists linked reports the viewer may see, and why."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tipline.accounts.services import system_user
from tipline.intake.models import Identifier, IpEvent, Report
from tipline.routing.linking import UnionFind, clusters_compute, clusters_rebuild
from tipline.routing.models import ReportCluster

pytestmark = pytest.mark.django_db
T0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)


def ident(report: Report, kind: str, value: str, service: str = "") -> None:
    Identifier.objects.create(report=report, kind=kind, value=value, service=service,
                              origin=f"suspect.{kind}")


def event(report: Report, ip: str, port: int, at: datetime) -> None:
    IpEvent.objects.create(report=report, ip=ip, port=port, occurred_at=at)


def test_union_find_roots_at_smallest_id() -> None:
    uf = UnionFind()
    uf.union(9, 4)
    uf.union(4, 7)
    uf.union(20, 21)
    assert uf.groups() == {4: 4, 7: 4, 9: 4, 20: 20, 21: 20}


@pytest.mark.parametrize(("kind", "service"), [
    ("email", ""), ("phone", ""), ("device_id", "IMEI"), ("md5", ""), ("sha256", ""),
    ("screen_name", "Chat"), ("esp_user_id", "Chat"),
])
def test_each_identifier_kind_links(make_report: Any, kind: str, service: str) -> None:
    a, b, c = make_report("IN-MH-BEED"), make_report("IN-MH-PUNE"), make_report("IN-DL")
    ident(a, kind, "shared", service)
    ident(b, kind, "shared", service)
    ident(c, kind, "other", service)
    groups = clusters_compute()
    assert groups == {a.pk: a.pk, b.pk: a.pk}


def test_same_screen_name_on_another_service_does_not_link(make_report: Any) -> None:
    a, b = make_report(), make_report()
    ident(a, "screen_name", "neo", "Chat")
    ident(b, "screen_name", "neo", "Photos")
    assert clusters_compute() == {}


def test_ip_port_and_time_window(make_report: Any, settings: Any) -> None:
    settings.LINK_IP_WINDOW_SECONDS = 300
    a, b, c, d = (make_report() for _ in range(4))
    event(a, "49.36.10.20", 4431, T0)
    event(b, "49.36.10.20", 4431, T0 + timedelta(minutes=4))  # same port, in the window
    event(c, "49.36.10.20", 5555, T0)  # same address, another port: another subscriber
    event(d, "49.36.10.20", 4431, T0 + timedelta(hours=2))  # too late
    assert clusters_compute() == {a.pk: a.pk, b.pk: a.pk}


def test_chains_merge_and_viral_values_link_nothing(make_report: Any, settings: Any) -> None:
    settings.LINK_MAX_SHARED, settings.LINK_MAX_SHARED_FILES = 3, 3
    a, b, c = make_report(), make_report(), make_report()
    ident(a, "email", "x@example.in")
    ident(b, "email", "x@example.in")
    ident(b, "phone", "+919800000001")
    ident(c, "phone", "+919800000001")
    viral = [make_report() for _ in range(4)]
    for r in viral:
        ident(r, "md5", "d41d8cd98f00b204e9800998ecf8427e")
    groups = clusters_compute()
    assert groups == {a.pk: a.pk, b.pk: a.pk, c.pk: a.pk}


def test_superseded_versions_do_not_link(make_report: Any) -> None:
    a, b = make_report(), make_report(is_current=False)
    ident(a, "email", "x@example.in")
    ident(b, "email", "x@example.in")
    assert clusters_compute() == {}


def test_rebuild_stores_clusters_and_the_page_says_why(
    make_report: Any, client: Any, beed_officer: Any
) -> None:
    beed, beed2, pune = (make_report("IN-MH-BEED"), make_report("IN-MH-BEED"),
                         make_report("IN-MH-PUNE"))
    for r in (beed, beed2, pune):
        ident(r, "email", "same@example.in")
    event(beed, "49.36.1.1", 4000, T0)
    event(beed2, "49.36.1.1", 4000, T0 + timedelta(minutes=1))
    assert clusters_rebuild(actor=system_user("test")) == (3, 1)
    assert set(ReportCluster.objects.values_list("cluster", flat=True)) == {beed.pk}
    client.force_login(beed_officer)
    page = client.get(f"/reports/{beed.pk}/").content.decode()
    assert beed2.reference in page and "same@example.in" in page
    assert "IP 49.36.1.1:4000 within 5 min" in page
    assert pune.reference not in page  # another district's report stays invisible


def test_linked_section_is_a_fixed_number_of_queries(
    make_report: Any, client: Any, hub_admin: Any, django_assert_max_num_queries: Any
) -> None:
    reports = [make_report("IN-MH-BEED") for _ in range(6)]
    for i, r in enumerate(reports):
        ident(r, "email", "same@example.in")
        for k in range(3):
            event(r, "49.36.1.1", 4000 + k, T0 + timedelta(minutes=i))
    clusters_rebuild(actor=system_user("test"))
    client.force_login(hub_admin)
    url = f"/reports/{reports[0].pk}/"
    client.get(url)
    with django_assert_max_num_queries(25):  # 23 + media summary (media) + decisions (review)
        page = client.get(url).content.decode()
    assert all(r.reference in page for r in reports[1:])


def test_files_have_a_tighter_limit_than_accounts(make_report: Any, settings: Any) -> None:
    settings.LINK_MAX_SHARED, settings.LINK_MAX_SHARED_FILES = 50, 2
    three = [make_report() for _ in range(3)]
    for r in three:
        ident(r, "md5", "0" * 32)
        ident(r, "phone", "+919800000002")
    assert set(clusters_compute()) == {r.pk for r in three}  # linked by the phone
    Identifier.objects.filter(kind="phone").delete()
    assert clusters_compute() == {}  # the file alone is in too many reports
