"""Which language a page speaks: the staff's pages follow only a person's choice, the public
pages the browser too."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_staff_page_ignores_the_browser_and_follows_the_choice(analyst: Any) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="hi")
    client.force_login(analyst)
    assert client.get(reverse("intake:report_list"))["Content-Language"] == "en-gb"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "hi"
    assert client.get(reverse("intake:report_list"))["Content-Language"] == "hi"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"  # not one we speak: English
    assert client.get(reverse("intake:report_list"))["Content-Language"] == "en-gb"


def test_the_public_pages_follow_the_browser(tree: None) -> None:
    page = Client(HTTP_ACCEPT_LANGUAGE="hi").get(reverse("tips:form"))
    assert page["Content-Language"] == "hi"
    assert Client(HTTP_ACCEPT_LANGUAGE="en").get(reverse("tips:form"))["Content-Language"] == "en"


def test_the_switch_sets_the_choice(analyst: Any) -> None:
    client = Client()
    client.force_login(analyst)
    done = client.post("/i18n/setlang/", {"language": "hi", "next": "/reports/"})
    assert done.status_code == 302 and done["Location"] == "/reports/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "hi"
    assert client.get("/reports/")["Content-Language"] == "hi"
