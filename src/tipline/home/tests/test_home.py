"""The home page: each role's sections, scoped to what they may see, and the inbox's unread
marker they lead to."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tipline.accounts.services import api_token_create
from tipline.cases.models import Case, ChecklistItem
from tipline.cases.services import cases_open
from tipline.dispatch.services import packet_build
from tipline.intake.models import Report, Source, Submission
from tipline.review.tests.helpers import report_with_images

pytestmark = pytest.mark.django_db
ROUTED = Report.Status.ROUTED


def _page(user: Any, url: str = "/") -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _tile(html: str, label: str) -> int:
    """The number on the home tile whose label starts with `label`."""
    head, _, _ = html.partition(f'<span class="tile-label">{label}')
    return int(head.rsplit('<span class="tile-n">', 1)[1].split("<", 1)[0])


def test_anonymous_visitors_are_sent_to_log_in(tree: None) -> None:
    response = Client().get("/")
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_user_without_a_grant_is_told_so_not_404(nobody: Any) -> None:
    assert "No work is given to you yet" in _page(nobody)


def test_unit_officer_sees_new_reports_until_the_inbox_is_read(
        make_report: Any, beed_officer: Any, pune_officer: Any) -> None:
    first = make_report("IN-MH-BEED", status=ROUTED)
    make_report("IN-MH-BEED", status=ROUTED)
    make_report("IN-MH-PUNE", status=ROUTED)
    home = _page(beed_officer)
    assert _tile(home, "new report") == 2
    assert _tile(_page(pune_officer), "new report") == 1  # Beed's are not Pune's

    client = Client()
    client.force_login(beed_officer)
    inbox = client.get(reverse("routing:inbox")).content.decode()
    assert inbox.count('<tr class="unread">') == 2
    assert _tile(_page(beed_officer), "new report") == 0
    assert '<tr class="unread">' not in client.get(reverse("routing:inbox")).content.decode()

    newer = make_report("IN-MH-BEED", status=ROUTED)
    assert _tile(_page(beed_officer), "new report") == 1
    inbox = client.get(reverse("routing:inbox")).content.decode()
    assert inbox.count('<tr class="unread">') == 1
    assert f'<tr class="unread">\n      <td><a class="mono" href="/reports/{newer.pk}/"' in inbox
    assert first.pk < newer.pk


def test_unit_officer_sees_packets_to_acknowledge_and_overdue_cases(
        make_report: Any, analyst: Any, beed_officer: Any, pune_officer: Any) -> None:
    report = make_report("IN-MH-BEED", status=ROUTED)
    cases_open(actor=None, report_ids=[report.pk])
    case = Case.objects.get(report=report)
    packet = packet_build(actor=analyst, target_code="IN-MH-BEED").packet
    ChecklistItem.objects.filter(case=case).update(due_at=timezone.now() - timedelta(days=2))
    home = _page(beed_officer)
    assert _tile(home, "packet") == 1
    assert f"Packet #{packet.pk}" in home
    assert _tile(home, "case") == 1
    assert reverse("cases:case_detail", args=[case.pk]) in home
    other = _page(pune_officer)
    assert _tile(other, "packet") == 0 and _tile(other, "case") == 0
    assert f"Case #{case.pk}" not in other


def test_nodal_officer_sees_the_state_queue_and_units_most_behind_first(
        make_report: Any, mh_nodal: Any, beed_officer: Any) -> None:
    make_report("IN-MH")  # waiting at the state for a person
    make_report("IN-KA")  # another state's
    late = make_report("IN-MH-BEED", status=ROUTED)
    make_report("IN-MH-PUNE", status=ROUTED)
    cases_open(actor=None, report_ids=[late.pk])
    ChecklistItem.objects.filter(case__report=late).update(
        due_at=timezone.now() - timedelta(days=1))
    home = _page(mh_nodal)
    assert 'id="state-IN-MH"' in home and 'id="state-IN-KA"' not in home
    assert _tile(home, "report waiting in the state queue") == 1
    ranking = home.split("Units, the most behind first", 1)[1]
    assert ranking.index("Beed") < ranking.index("Pune")
    assert 'id="unit"' not in home and 'id="hub"' not in home


def test_hub_analyst_sees_todays_intake_by_source_and_the_queues(
        make_report: Any, analyst: Any, django_assert_max_num_queries: Any) -> None:
    now = timezone.now()
    make_report("IN", imported_at=now)
    make_report("IN", imported_at=now)
    make_report("IN-MH-BEED", imported_at=now, source=Source.PUBLIC, status=ROUTED)
    make_report("IN", imported_at=now - timedelta(days=2))  # not today
    client = Client()
    client.force_login(analyst)
    with django_assert_max_num_queries(30):
        home = client.get("/").content.decode()
    assert _tile(home, "reports taken in today") == 3
    assert _tile(home, "in the national queue") == 3
    intake = home.split('id="intake"', 1)[1].split("</table>", 1)[0]
    assert "NCMEC" in intake and ">2<" in intake and ">1<" in intake
    assert reverse("cases:funnel") in home and 'id="audit"' not in home


def test_reviewer_sees_the_review_queue(make_report: Any, reviewer: Any) -> None:
    report, _ = report_with_images(make_report, "IN-MH-BEED", seeds=(1, 2), scan=False)
    home = _page(reviewer)
    assert _tile(home, "report awaiting your decision") == 1
    assert reverse("review:report", args=[report.pk]) in home
    assert 'id="hub"' not in home


def test_auditor_sees_the_trail_and_its_last_check(auditor: Any) -> None:
    home = _page(auditor)
    assert reverse("audit:event_list") in home
    assert "No checkpoint has been signed yet" in home
    assert 'id="unit"' not in home and 'id="hub"' not in home


def test_platform_sees_its_own_submissions_and_tokens(
        make_report: Any, platform_account: Any, analyst: Any) -> None:
    now = timezone.now()
    Submission.objects.create(account=platform_account, state=Submission.State.OPEN,
                              opened_at=now, changed_at=now)
    Submission.objects.create(account=analyst, state=Submission.State.OPEN,
                              opened_at=now, changed_at=now)
    token, secret = api_token_create(actor=None, user=platform_account, name="uploader")
    api_token_create(actor=None, user=analyst, name="someone else's")
    home = _page(platform_account)
    assert _tile(home, "Open") == 1
    page = _page(platform_account, reverse("home:api_access"))
    assert "uploader" in page and token.prefix in page
    assert secret not in page and token.digest not in page
    assert "someone else" not in page


def test_the_hub_funnel_totals_match_the_funnel(make_report: Any, analyst: Any,
                                                beed_officer: Any) -> None:
    from tipline.cases.selectors import case_funnel
    from tipline.cases.services import arrest_add, case_acknowledge, case_fir_register
    from tipline.home.selectors import funnel_totals

    reports = [make_report(node, status=ROUTED) for node in
               ("IN-MH-BEED", "IN-MH-BEED", "IN-MH-PUNE")]
    cases_open(actor=None, report_ids=[r.pk for r in reports])
    case = Case.objects.get(report=reports[0])
    case_acknowledge(actor=beed_officer, case_id=case.pk)
    from tipline.cases.models import LegalSection

    case_fir_register(actor=beed_officer, case_id=case.pk, number="1/26",
                      registered_on=timezone.localdate(), police_station="Beed",
                      section_ids=[LegalSection.objects.order_by("pk").first().pk])
    arrest_add(actor=beed_officer, case_id=case.pk, person="A",
               arrested_on=timezone.localdate())
    for user in (analyst, beed_officer):
        mine, theirs = funnel_totals(user=user), case_funnel(user=user).total
        stages = ("reports", "dispatched", "acknowledged", "firs", "arrests", "chargesheets",
                  "open")
        assert [getattr(mine, s) for s in stages] == [getattr(theirs, s) for s in stages]
        assert mine.firs == 1 and mine.arrests == 1
