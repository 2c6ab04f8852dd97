"""Every page's gate, generated (the NetBox way): each named URL pattern of the project is
opened by every persona, and the answer must be what the table below says.

- anonymous visitors are sent to log in, from every page but the public ones;
- a persona the page is not for gets 404, exactly like a page that does not exist (a form
  target is tried with a POST, so the refusal comes before anything is done);
- a persona it is for gets the page (200; a form target, tried with a GET, answers 405,
  which it only reaches once its gate has let the persona through).

Personas: one per built-in role at its natural node (conftest.py), Prakash (`pune_officer`),
a unit officer of another district, for the pages of Beed's records, and Nikhil (`nobody`),
logged in without a grant. Every record the pages need is in Beed.

A new URL pattern fails this test until it is added to PAGES (or PUBLIC) with who may open
it, and a new role fails it until it has a persona here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tipline.accounts.actions import ROLES
from tipline.alerts.models import Notification, UrgentReport
from tipline.cases.models import Case, LegalSection
from tipline.cases.services import cases_open, notice_add
from tipline.dispatch.services import packet_build
from tipline.intake.models import ImportBatch, Report
from tipline.review.tests.helpers import report_with_images
from tipline.trawler.services import source_add
from tipline.trawler.tests.judge_helpers import candidate_finding

pytestmark = pytest.mark.django_db

#: the persona holding each built-in role, at its natural node (conftest.py)
ROLE_PERSONAS: dict[str, str] = {
    "hub_admin": "hub_admin",  # IN
    "hub_analyst": "analyst",  # IN
    "reviewer": "reviewer",  # IN
    "state_nodal": "mh_nodal",  # IN-MH
    "unit_officer": "beed_officer",  # IN-MH-BEED
    "auditor": "auditor",  # IN
    "platform": "platform_account",  # IN: the CyberTipline API only, no page
}
PERSONAS = [*ROLE_PERSONAS.values(), "pune_officer", "nobody"]

# Who holds each action where the pages' records are (accounts/actions.py ROLES at the
# personas' nodes); a page's row below names the action its view requires.
VIEW = frozenset({"hub_admin", "analyst", "reviewer", "mh_nodal", "beed_officer",
                  "pune_officer"})  # report.view, somewhere
VIEW_BEED = VIEW - {"pune_officer"}  # report.view over Beed
VIEW_MH = VIEW_BEED - {"beed_officer"}  # report.view over the whole of Maharashtra
IMPORT = frozenset({"hub_admin", "analyst"})  # report.import over the country
ASSIGN = frozenset({"hub_admin", "analyst", "mh_nodal"})  # report.assign
CREATE = frozenset({"hub_admin", "analyst", "mh_nodal"})  # packet.create
RECEIVE = frozenset({"hub_admin", "mh_nodal", "beed_officer", "pune_officer"})  # packet.receive
RECEIVE_BEED = RECEIVE - {"pune_officer"}  # packet.receive over Beed
SOP = frozenset({"hub_admin"})  # sop.edit over the country
MEDIA = frozenset({"hub_admin", "analyst", "reviewer"})  # media.view (over Beed, and all)
DECIDE = frozenset({"hub_admin", "analyst", "reviewer"})  # review.decide (over the country)
AUDIT = frozenset({"hub_admin", "auditor"})  # audit.view over the country
TRAWL = frozenset({"hub_admin", "analyst"})  # trawl.manage over the country
EVERYONE = frozenset(PERSONAS)  # logged in (and past the second factor), whatever the grants


@dataclass(frozen=True)
class Page:
    """Who may open a page, on which of the records built below, and how it answers them."""

    who: frozenset[str]
    record: str | None = None  # the URL's kwargs: a key of `records`
    form: bool = False  # POST only: the permitted get 405 on a GET, the others 404 on a POST
    also: Mapping[str, int] = field(default_factory=dict)  # persona -> another status


PAGES: dict[str, Page] = {
    "intake:report_list": Page(VIEW),
    "intake:report_list_export": Page(VIEW),  # the list as Excel
    # the first page after login: every role's own sections (a user without a grant is told
    # so), and one's own API access (read-only)
    "home": Page(EVERYONE),
    "home:api_access": Page(EVERYONE),
    "accounts:otp_codes": Page(EVERYONE),  # one's own recovery codes
    "intake:report_detail": Page(VIEW_BEED, "report"),
    "intake:batch_list": Page(IMPORT),
    "intake:batch_detail": Page(IMPORT, "batch"),
    "intake:batch_progress": Page(IMPORT, "batch"),
    "intake:batch_retry": Page(IMPORT, "batch", form=True),
    "audit:event_list": Page(AUDIT),
    "dispatch:packet_list": Page(RECEIVE | CREATE),  # either
    "dispatch:packet_new": Page(CREATE),
    "dispatch:packet_download": Page(RECEIVE_BEED, "packet"),
    "dispatch:packet_acknowledge": Page(RECEIVE_BEED, "packet", form=True),
    "dispatch:packet_correct": Page(CREATE, "packet", form=True),
    "dispatch:sop_edit": Page(SOP),
    "cases:funnel": Page(VIEW),
    "cases:sections": Page(SOP),
    "cases:section_add": Page(SOP, form=True),
    "cases:section_active": Page(SOP, "section", form=True),
    "cases:unit_cases": Page(VIEW_BEED, "unit"),
    "cases:register_export": Page(VIEW),
    "cases:case_detail": Page(VIEW_BEED, "case"),
    "cases:case_action": Page(VIEW_BEED, "case_action", form=True),
    "cases:notice_reply": Page(VIEW_BEED, "notice", form=True),
    "cases:checklist_set": Page(VIEW_BEED, "checklist", form=True),
    "review:queue": Page(DECIDE),
    "review:settings": Page(MEDIA),
    "review:throughput": Page(DECIDE),
    "review:report": Page(MEDIA, "report"),
    "review:decide": Page(DECIDE, "report", form=True),
    "review:protected": Page(MEDIA, "file"),
    "review:reveal": Page(MEDIA, "file", form=True),
    # the trawler's candidates belong to no jurisdiction yet: reviewers over the country
    "trawler:home": Page(TRAWL),
    "trawler:source_new": Page(TRAWL, form=True),
    "trawler:source_enabled": Page(TRAWL, "source", form=True),
    "trawler:contacts_upload": Page(TRAWL, form=True),
    "trawler:contacts_download": Page(TRAWL),
    "trawler:candidates": Page(DECIDE),
    "trawler:candidate": Page(DECIDE, "finding"),
    "trawler:candidate_decide": Page(DECIDE, "finding", form=True),
    "trawler:candidate_protected": Page(DECIDE, "finding"),
    "trawler:candidate_reveal": Page(DECIDE, "finding", form=True),
    "routing:transfer": Page(ASSIGN, "report", form=True),
    "routing:queue": Page(ASSIGN),
    "routing:bulk_assign": Page(ASSIGN, form=True),
    "routing:inbox": Page(VIEW),
    # a nodal officer sees one state: sent straight to it
    "routing:states": Page(VIEW_MH, also={"mh_nodal": 302}),
    "routing:state": Page(VIEW_MH, "state"),
    "routing:units": Page(VIEW),
    # a unit's packet language: the form is the hub's, but its target opens to whoever sees
    # the unit, and refuses all but the hub (403, routing/tests/test_unit_language.py)
    "routing:unit_language": Page(VIEW_BEED, "unit", form=True),
    # the charts (analytics): scoped by their selectors; a state's grid to those who see
    # some of it (Prakash sees Pune's part of Maharashtra)
    "analytics:funnel": Page(VIEW),
    "analytics:intake": Page(VIEW),
    "analytics:times": Page(VIEW),
    "analytics:map": Page(VIEW),
    "analytics:map_state": Page(VIEW, "state"),
    "search:results": Page(VIEW),
    # one's own notifications (alerts): anyone logged in; another's notification is a 404
    # (alerts/tests/test_views.py), a form target here tried as a GET
    "alerts:notifications": Page(EVERYONE),
    "alerts:read": Page(EVERYONE, "notification", form=True),
    "alerts:read_all": Page(EVERYONE, form=True),
    "alerts:preferences": Page(EVERYONE),
    # an urgent report's acknowledgement: whoever receives packets where it is
    "alerts:urgent_acknowledge": Page(RECEIVE_BEED, "urgent", form=True),
}

#: pages without a gate, and what they answer anyone (logged in or not)
PUBLIC: dict[str, int] = {
    "login": 200,
    "logout": 405,  # POST only
    # the second factor's steps: anonymous visitors to the login page, a user past the second
    # factor (every persona here) on to where they were going
    "accounts:otp_verify": 302,
    "accounts:otp_enrol": 302,
    "source_archive": 200,  # the Corresponding Source (AGPL-3.0, section 13)
    # the CyberTipline API checks HTTP Basic credentials itself, not the session: without
    # them every call is refused (2000, HTTP 401); its calls but `status` and `xsd` are POST
    # only
    "ispws:status": 401,
    "ispws:xsd": 401,
    "ispws:submit": 405,
    "ispws:upload": 405,
    "ispws:fileinfo": 405,
    "ispws:finish": 405,
    "ispws:retract": 405,
    # the public tip form and status look-up (tips app), and their language switch (Django's
    # set_language: back to the page, or home, on a GET)
    "tips:form": 200,
    "tips:status": 200,
    "set_language": 302,
    # the JSON API for hub tools checks its bearer token itself, not the session: without
    # one every endpoint answers 401 (api/tests try each persona with a token); its OpenAPI
    # document and docs page are open; the case move is POST only
    "api:api-root": 404,  # django-ninja's anchor for its paths: nothing there
    "api:openapi-json": 200,
    "api:openapi-view": 200,
    "api:report_list": 401,
    "api:report_detail": 401,
    "api:report_location": 401,
    "api:cluster_list": 401,
    "api:cluster_detail": 401,
    "api:unit_list": 401,
    "api:case_list": 401,
    "api:case_detail": 401,
    "api:case_status": 405,
    "api:funnel": 401,
    "api:packet_list": 401,
    "api:packet_detail": 401,
}
#: the public pages that name a record: which of `records` (below)
PUBLIC_RECORDS: dict[str, str] = {
    "api:report_detail": "api_report", "api:report_location": "api_report",
    "api:cluster_detail": "api_cluster", "api:case_detail": "api_case",
    "api:case_status": "api_case", "api:packet_detail": "api_packet",
}


def url_patterns(resolver: URLResolver | None = None, namespace: str = "",
                 prefix: str = "") -> Iterator[tuple[str | None, str]]:
    """(name with its namespaces, or None; route) for every URL pattern of the project."""
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_patterns(pattern, inner, route)
        elif isinstance(pattern, URLPattern):
            yield (f"{namespace}{pattern.name}" if pattern.name else None), route


@pytest.fixture
def records(make_report: Callable[..., Report], analyst: Any,
            beed_officer: Any) -> dict[str, dict[str, Any]]:
    """One of each record a page shows, all in Beed, as each page's URL kwargs."""
    report, files = report_with_images(make_report, "IN-MH-BEED", seeds=(1,), scan=False,
                                       status=Report.Status.ROUTED)
    cases_open(actor=None, report_ids=[report.pk])
    case = Case.objects.get(report=report)
    today = timezone.localdate()
    notice = notice_add(actor=beed_officer, case_id=case.pk, recipient_kind="platform",
                        recipient="ExampleChat", sent_on=today, due_on=today + timedelta(7))
    packet = packet_build(actor=analyst, target_code="IN-MH-BEED").packet
    batch = ImportBatch.objects.create(created_by=analyst, label="export.zip")
    section = LegalSection.objects.order_by("pk").first()
    item = case.checklist.order_by("pk").first()
    assert section is not None and item is not None
    note = Notification.objects.create(recipient=beed_officer, kind="packet", text="a packet",
                                       created=timezone.now())
    UrgentReport.objects.create(report=report, unit=report.jurisdiction, reasons=["priority_1"],
                                created_at=timezone.now(),
                                due_at=timezone.now() + timedelta(hours=4))
    finding = candidate_finding(1)
    source = source_add(actor=analyst, url="https://watched.example.org/", depth=1)
    return {
        "report": {"pk": report.pk}, "file": {"pk": files[0].pk}, "batch": {"pk": batch.pk},
        "finding": {"pk": finding.pk}, "source": {"pk": source.pk},
        "case": {"pk": case.pk}, "case_action": {"pk": case.pk, "action": "acknowledge"},
        "notice": {"pk": notice.pk}, "checklist": {"pk": item.pk},
        "packet": {"pk": packet.pk}, "section": {"pk": section.pk},
        "notification": {"pk": note.pk}, "urgent": {"report_id": report.pk},
        "unit": {"code": "IN-MH-BEED"}, "state": {"code": "MH"},
        "api_report": {"key": report.reference}, "api_cluster": {"cluster_id": report.pk},
        "api_case": {"case_id": case.pk}, "api_packet": {"packet_id": packet.pk},
    }


def test_every_role_has_a_persona() -> None:
    assert set(ROLE_PERSONAS) == set(ROLES), "give each built-in role a persona here"


def test_every_url_pattern_is_in_the_table() -> None:
    patterns = list(url_patterns())
    unnamed = [route for name, route in patterns if name is None]
    names = {name for name, _ in patterns if name is not None}
    assert unnamed == [], "name every URL pattern, so its gate can be tested"
    assert sorted(names - set(PAGES) - set(PUBLIC)) == [], (
        "a new page: add it to PAGES with who may open it (or to PUBLIC)")
    assert sorted((set(PAGES) | set(PUBLIC)) - names) == [], "a page the table still names"
    assert not set(PAGES) & set(PUBLIC)


def _answer(client: Client, url: str, *, post: bool = False) -> tuple[int, str]:
    response = client.post(url) if post else client.get(url)
    # The test client closes a response as a server would (a streamed one once it is read to
    # the end). Closing it again would send request_finished, which closes the database
    # connection under the test's transaction on PostgreSQL.
    if response.streaming:
        b"".join(response.streaming_content)
    return response.status_code, response.get("Location", "")


def test_every_page_answers_each_persona_as_its_gate_says(
    request: pytest.FixtureRequest, records: dict[str, dict[str, Any]]
) -> None:
    users = {name: request.getfixturevalue(name) for name in PERSONAS}
    for role, persona in ROLE_PERSONAS.items():
        assert [g.role.code for g in users[persona].grants.all()] == [role]
    assert not users["nobody"].grants.exists()
    clients = {name: Client(raise_request_exception=False) for name in PERSONAS}
    for name, client in clients.items():
        client.force_login(users[name])
    anonymous = Client(raise_request_exception=False)
    wrong: list[str] = []

    for name, page in PAGES.items():
        url = reverse(name, kwargs=records[page.record] if page.record else None)
        status, location = _answer(anonymous, url)
        if status != 302 or not location.startswith(reverse("login")):
            wrong.append(f"{name} anonymous: {status} {location}, expected the login page")
        for persona in PERSONAS:
            allowed = persona in page.who
            expected = page.also.get(persona, 405 if page.form else 200) if allowed else 404
            status, _ = _answer(clients[persona], url, post=page.form and not allowed)
            if status != expected:
                wrong.append(f"{name} as {persona}: {status}, expected {expected}")

    for name, expected in PUBLIC.items():
        record = PUBLIC_RECORDS.get(name)
        url = reverse(name, kwargs=records[record] if record else None)
        for client in (anonymous, clients["nobody"]):
            status, _ = _answer(client, url)
            if status != expected:
                wrong.append(f"{name} (public): {status}, expected {expected}")
    assert wrong == [], "\n".join(wrong)
