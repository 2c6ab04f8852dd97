"""Every demo role logs in, lands on its home page and follows every link of its menu: no
404, no 500. The menu shows only what the role may open (accounts' `nav_for`)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse

from tipline.accounts.services import grant_add, user_create
from tipline.cases.services import cases_open
from tipline.demo.steps.users import DEMO_USERS
from tipline.intake.models import Report

pytestmark = pytest.mark.django_db
NAV = re.compile(r'<nav aria-label="Sections"[^>]*>(.*?)</nav>', re.S)
HREF = re.compile(r'href="([^"#]+)"')


def _menu(html: str) -> list[str]:
    found = NAV.search(html)
    assert found, "the page has no menu"
    return HREF.findall(found.group(1))


@pytest.fixture
def flow(make_report: Any) -> None:
    """A little of everything the pages list: a report waiting nationally, one at a state,
    one routed to Beed with its case."""
    make_report("IN")
    make_report("IN-MH")
    routed = make_report("IN-MH-BEED", status=Report.Status.ROUTED)
    cases_open(actor=None, report_ids=[routed.pk])


@pytest.mark.parametrize(("username", "role", "node", "full_name"), DEMO_USERS,
                         ids=[u[0] for u in DEMO_USERS])
def test_every_demo_role_walks_its_menu(tree: None, flow: None, username: str, role: str,
                                        node: str, full_name: str) -> None:
    user = user_create(actor=None, username=username, password="correct-horse-9")  # noqa: S106
    grant_add(actor=None, user=user, role_code=role, jurisdiction_code=node)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    landing = client.get(resolve_url(settings.LOGIN_REDIRECT_URL))
    assert landing.status_code == 200, "the first page after login"
    links = _menu(landing.content.decode())
    assert reverse("home") in links
    broken = []
    for url in links:
        response = client.get(url, follow=True)
        if response.status_code >= 400:
            broken.append(f"{url}: {response.status_code}")
    assert broken == [], f"{username} ({role}) has menu links that fail"
    # the "not found" page's way back leads home, which opens
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404
    assert f'href="{reverse("home")}"' in missing.content.decode()


def test_a_unit_officer_has_no_states_link(tree: None, beed_officer: Any,
                                           mh_nodal: Any) -> None:
    client = Client()
    client.force_login(beed_officer)
    assert reverse("routing:states") not in _menu(client.get("/").content.decode())
    client.force_login(mh_nodal)
    assert reverse("routing:states") in _menu(client.get("/").content.decode())


def test_a_platform_logs_in_through_the_form_and_lands_home(tree: None) -> None:
    # as the demo makes it: no authenticator (its role needs no second factor)
    user = user_create(actor=None, username="demo.platform", password="correct-horse-9")  # noqa: S106
    grant_add(actor=None, user=user, role_code="platform", jurisdiction_code="IN")
    client = Client()
    response = client.post(reverse("login"), {"username": "demo.platform",
                                               "password": "correct-horse-9"}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("home")
    assert reverse("home:api_access") in _menu(response.content.decode())
