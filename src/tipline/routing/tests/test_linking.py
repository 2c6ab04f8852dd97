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
    # 23 + media summary (media) + decisions (review) + the session's second-factor device
    # + the unread count in the menu (alerts)
    with django_assert_max_num_queries(27):
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


def _stored() -> dict[int, int]:
    return dict(ReportCluster.objects.values_list("report_id", "cluster"))


def test_relinking_new_reports_gives_the_clusters_of_a_full_rebuild(
    make_report: Any, settings: Any
) -> None:
    """Rounds of new reports drawn from small pools of values (so clusters join, merge and,
    when a value passes its limit, split; new versions replace old ones): after each round,
    relinking the new reports alone stores exactly what a full rebuild computes."""
    import random

    from tipline.routing.linking import clusters_link

    settings.LINK_MAX_SHARED, settings.LINK_MAX_SHARED_FILES = 4, 3
    settings.LINK_IP_WINDOW_SECONDS = 300
    rng = random.Random(11)
    actor = system_user("test")
    current: list[Report] = []
    for round_ in range(5):
        new: list[Report] = []
        for _ in range(12):
            old = rng.choice(current) if current and rng.random() < 0.15 else None
            if old is not None:  # a new version replaces the old one
                Report.objects.filter(pk=old.pk).update(is_current=False)
                current.remove(old)
            report = make_report(supersedes=old)
            new.append(report)
            for _ in range(rng.randint(0, 2)):
                kind = rng.choice(["email", "phone", "md5", "screen_name"])
                ident(report, kind, f"v{rng.randint(0, 14)}",
                      "Chat" if kind == "screen_name" else "")
            if rng.random() < 0.4:
                event(report, f"49.36.1.{rng.randint(1, 3)}", 4000 + rng.randint(0, 1),
                      T0 + timedelta(minutes=rng.randint(0, 40)))
        current += new
        clusters_link(report_ids=[r.pk for r in new], actor=actor)
        assert _stored() == clusters_compute(), f"round {round_}"
    assert len(set(_stored().values())) >= 3  # the data did make clusters


def test_a_new_report_that_makes_a_value_viral_splits_its_cluster(
    make_report: Any, settings: Any
) -> None:
    """a-b share a phone, b-x an email, x-y a device: when new reports make the phone
    viral, a leaves and the rest, as far as y, form a cluster under b."""
    from tipline.routing.linking import clusters_link

    settings.LINK_MAX_SHARED = 3
    a, b, x, y, c = (make_report() for _ in range(5))
    for r in (a, b):
        ident(r, "phone", "+919800000003")
    for r in (b, x):
        ident(r, "email", "b@example.in")
    for r in (x, y):
        ident(r, "device_id", "IMEI-1", "IMEI")
    ident(c, "email", "c@example.in")
    clusters_rebuild(actor=system_user("test"))
    assert set(_stored().values()) == {a.pk}
    d, e = make_report(), make_report()
    ident(d, "phone", "+919800000003")
    ident(e, "phone", "+919800000003")
    ident(e, "email", "c@example.in")
    assert clusters_link(report_ids=[d.pk, e.pk], actor=system_user("test")) == (5, 2)
    assert _stored() == {b.pk: b.pk, x.pk: b.pk, y.pk: b.pk, c.pk: c.pk, e.pk: c.pk}
    assert _stored() == clusters_compute()


def test_a_new_version_takes_its_old_one_out_of_its_cluster(make_report: Any) -> None:
    from tipline.routing.linking import clusters_link

    old, other = make_report(), make_report()
    for r in (old, other):
        ident(r, "email", "o@example.in")
    clusters_rebuild(actor=system_user("test"))
    Report.objects.filter(pk=old.pk).update(is_current=False)
    new = make_report(supersedes=old)  # the new version names no email
    assert clusters_link(report_ids=[new.pk], actor=system_user("test")) == (0, 0)
    assert _stored() == {} == clusters_compute()
