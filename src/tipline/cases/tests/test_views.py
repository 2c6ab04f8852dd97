"""Case pages, each tried anonymous, unpermitted, permitted and from another jurisdiction.

Bhim (unit officer, Beed) acts on Beed's cases; Prakash (Pune) must not see them (404);
Meera (Maharashtra nodal) sees them but may not act (403); Nikhil has no grants (404).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tipline.cases.models import Case, LegalSection, Notice
from tipline.cases.tests import scenario
from tipline.cases.tests.helpers import open_case

pytestmark = pytest.mark.django_db


def _get(client: Client, user: Any, url: str) -> Any:
    if user is not None:
        client.force_login(user)
    return client.get(url)


def test_case_page_by_persona(
    client: Client, make_report: Any, beed_officer: Any, pune_officer: Any, mh_nodal: Any,
    nobody: Any,
) -> None:
    case = open_case(make_report)
    url = reverse("cases:case_detail", args=[case.pk])
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    assert _get(Client(), nobody, url).status_code == 404
    assert _get(Client(), pune_officer, url).status_code == 404
    nodal = _get(Client(), mh_nodal, url)
    assert nodal.status_code == 200 and "Record FIR" not in nodal.content.decode()
    mine = _get(Client(), beed_officer, url)
    html = mine.content.decode()
    assert mine.status_code == 200
    assert case.reference in html and "Record FIR" in html and "Acknowledge receipt" in html
    assert "IT Act 67B" in html  # the catalogue in the FIR form


def test_transitions_through_the_page(client: Client, make_report: Any,
                                      beed_officer: Any) -> None:
    case = open_case(make_report)
    client.force_login(beed_officer)
    today = timezone.localdate().isoformat()

    def post(action: str, **data: Any) -> Any:
        return client.post(reverse("cases:case_action", args=[case.pk, action]), data,
                           follow=True)

    assert post("acknowledge").status_code == 200
    refused = post("fir", number="", registered_on=today, police_station="Beed",
                   sections=[LegalSection.objects.get(short="POCSO", section="15").pk])
    assert "an FIR needs its number" in refused.content.decode()
    assert Case.objects.get(pk=case.pk).status == Case.Status.ACKNOWLEDGED
    post("fir", number="12/2026", registered_on=today, police_station="Beed City",
         sections=[s.pk for s in LegalSection.objects.filter(short="POCSO")[:2]])
    post("arrest", person="Accused", arrested_on=today)
    post("notice", section="BNSS 94", recipient_kind="isp", recipient="Carrier",
         sent_on=today, due_on=today)
    page = post("chargesheet", number="CS-1", filed_on=today)
    html = page.content.decode()
    assert "12/2026" in html and "Accused" in html and "Carrier" in html
    case.refresh_from_db()
    assert case.status == Case.Status.CHARGESHEETED and case.arrests.count() == 1
    notice = Notice.objects.get(case=case)
    client.post(reverse("cases:notice_reply", args=[notice.pk]),
                {"replied_on": today, "reply": "logs"})
    assert Notice.objects.get(pk=notice.pk).reply == "logs"
    item = case.checklist.get(step="fir")
    client.post(reverse("cases:checklist_set", args=[item.pk]), {"done": "on", "note": "ok"})
    assert case.checklist.get(step="fir").done_by == beed_officer
    closed = post("close", reason="")
    assert "without a reason" in closed.content.decode()
    post("close", reason=Case.Closure.DISPOSED)
    assert Case.objects.get(pk=case.pk).status == Case.Status.CLOSED


def test_posts_are_scoped(
    client: Client, make_report: Any, pune_officer: Any, mh_nodal: Any, nobody: Any,
) -> None:
    case = open_case(make_report)
    url = reverse("cases:case_action", args=[case.pk, "acknowledge"])
    assert client.post(url).status_code == 302  # anonymous: to the login page
    for user, code in ((nobody, 404), (pune_officer, 404), (mh_nodal, 403)):
        c = Client()
        c.force_login(user)
        assert c.post(url).status_code == code
    item = case.checklist.first()
    assert item is not None
    c = Client()
    c.force_login(pune_officer)
    assert c.post(reverse("cases:checklist_set", args=[item.pk]), {"done": "on"}).status_code \
        == 404
    assert Case.objects.get(pk=case.pk).status == Case.Status.RECEIVED
    assert not case.checklist.filter(done_at__isnull=False).exists()


def test_funnel_page_by_persona(
    client: Client, make_report: Any, analyst: Any, beed_officer: Any, nobody: Any,
    auditor: Any,
) -> None:
    scenario.build(make_report, per_unit=5)
    url = reverse("cases:funnel")
    assert client.get(url).status_code == 302
    assert _get(Client(), nobody, url).status_code == 404
    assert _get(Client(), auditor, url).status_code == 404  # the audit trail only
    hub = _get(Client(), analyst, url).content.decode()
    assert "Maharashtra" in hub and "Karnataka" in hub and "Overdue notices" in hub
    assert hub.count('class="overdue-notice"') == 3
    beed = _get(Client(), beed_officer, url).content.decode()
    assert beed.count('class="unit-row"') == 1 and "Pune" not in beed
    assert beed.count('class="overdue-notice"') == 1
    state = _get(Client(), analyst, url + "?state=MH").content.decode()
    assert state.count('class="unit-row"') == 2 and "Bengaluru" not in state


def test_country_funnel_shows_the_units_with_most_reports_and_a_state_all_of_its_own(
    make_report: Any, analyst: Any, monkeypatch: Any,
) -> None:
    from tipline.cases import views

    scenario.build(make_report, per_unit=5)
    url = reverse("cases:funnel")
    every = _get(Client(), analyst, url).content.decode().count('class="unit-row"')
    assert every > 2
    monkeypatch.setattr(views, "UNITS_SHOWN", 2)
    hub = _get(Client(), analyst, url).content.decode()
    assert hub.count('class="unit-row"') == 2
    assert f"The 2 units with the most reports of {every} are shown" in hub
    state = _get(Client(), analyst, url + "?state=MH").content.decode()
    assert state.count('class="unit-row"') == 2 and "are shown" not in state


def test_unit_case_list_by_persona(
    client: Client, make_report: Any, beed_officer: Any, pune_officer: Any, mh_nodal: Any,
    nobody: Any,
) -> None:
    cases = [open_case(make_report) for _ in range(3)]
    url = reverse("cases:unit_cases", args=["IN-MH-BEED"])
    assert client.get(url).status_code == 302
    assert _get(Client(), nobody, url).status_code == 404
    assert _get(Client(), pune_officer, url).status_code == 404
    assert _get(Client(), mh_nodal, url).status_code == 200
    html = _get(Client(), beed_officer, url).content.decode()
    assert all(c.reference in html for c in cases)
    assert _get(Client(), beed_officer, reverse("cases:unit_cases", args=["NOPE"])
                ).status_code == 404


def test_list_pages_query_count_does_not_grow(
    client: Client, make_report: Any, analyst: Any, beed_officer: Any,
    django_assert_max_num_queries: Any,
) -> None:
    scenario.build(make_report, per_unit=4)
    client.force_login(analyst)
    funnel = reverse("cases:funnel")
    units = reverse("cases:unit_cases", args=["IN-MH-BEED"])
    client.get(funnel)
    client.get(units)
    # session, user, the session's second-factor device, grants (twice: header), funnel (2),
    # overdue (2), notices (1), the unread count in the menu (alerts); the unit's list fits
    # its old budget still
    with django_assert_max_num_queries(12):
        assert client.get(funnel).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(units).status_code == 200
    scenario.build(make_report, per_unit=20)
    with django_assert_max_num_queries(12):
        assert client.get(funnel).status_code == 200
    with django_assert_max_num_queries(8):
        response = client.get(units)
    assert response.content.decode().count('class="ref"') == 24


def test_case_page_query_count_does_not_grow(
    client: Client, make_report: Any, beed_officer: Any, django_assert_max_num_queries: Any,
) -> None:
    cases = scenario.build(make_report, per_unit=4)
    first = cases[0]  # Beed's first: FIR, two arrests, chargesheet
    client.force_login(scenario.officer("IN-MH-BEED"))
    url = reverse("cases:case_detail", args=[first.pk])
    client.get(url)
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


def test_sections_catalogue_page(
    client: Client, hub_admin: Any, analyst: Any, mh_nodal: Any, nobody: Any,
    django_assert_max_num_queries: Any,
) -> None:
    url = reverse("cases:sections")
    assert client.get(url).status_code == 302
    for outsider in (nobody, analyst, mh_nodal):  # only the hub's sop.edit
        assert _get(Client(), outsider, url).status_code == 404
        c = Client()
        c.force_login(outsider)
        assert c.post(reverse("cases:section_add"), {"short": "BNS", "act": "BNS",
                                                     "section": "77"}).status_code == 404
    client.force_login(hub_admin)
    client.get(url)
    with django_assert_max_num_queries(7):  # + the unread count in the menu (alerts)
        page = client.get(url)
    assert page.content.decode().count('class="section-row"') == LegalSection.objects.count()
    client.post(reverse("cases:section_add"), {"short": "BNS", "act": "Bharatiya Nyaya Sanhita",
                                               "section": "77", "about": "voyeurism"})
    added = LegalSection.objects.get(short="BNS", section="77")
    client.post(reverse("cases:section_active", args=[added.pk]))
    assert not LegalSection.objects.get(pk=added.pk).active
    assert "BNS 77" in client.get(url).content.decode()
    assert "Sections of law offered" in client.get(reverse("cases:funnel")).content.decode()


def test_report_page_links_to_its_case(client: Client, make_report: Any,
                                       beed_officer: Any) -> None:
    case = open_case(make_report)
    client.force_login(beed_officer)
    page = client.get(reverse("intake:report_detail", args=[case.report_id])).content.decode()
    assert f'href="{reverse("cases:case_detail", args=[case.pk])}"' in page
    assert "case: Received" in page
