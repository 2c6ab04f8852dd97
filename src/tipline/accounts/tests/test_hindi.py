"""The login, second-factor pages and the shared page frame (header, switch, 404) in Hindi
for whoever chose it, and in English as before for everyone else."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _hindi(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "hi"
    return client


def test_the_login_page_switches_to_hindi_and_back(tree: None) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="hi")  # the browser alone changes nothing
    english = client.get(reverse("login")).content.decode()
    assert '<html lang="en-gb">' in english and "<h1>Log in</h1>" in english
    assert 'value="hi" lang="hi">हिंदी</button>' in english  # the switch, before login
    done = client.post("/i18n/setlang/", {"language": "hi", "next": reverse("login")})
    assert done.status_code == 302 and done["Location"] == reverse("login")
    hindi = client.get(reverse("login")).content.decode()
    assert '<html lang="hi">' in hindi and "<h1>लॉग इन</h1>" in hindi
    assert "यूज़रनेम" in hindi and "पासवर्ड" in hindi
    assert "Log in" not in hindi and "Username" not in hindi
    client.post("/i18n/setlang/", {"language": "en", "next": reverse("login")})
    assert "<h1>Log in</h1>" in client.get(reverse("login")).content.decode()


def test_the_header_and_recovery_codes_in_hindi(analyst: Any) -> None:
    client = Client()
    client.force_login(analyst)
    english = client.get(reverse("accounts:otp_codes")).content.decode()
    assert "Recovery codes" in english and "Log out" in english and "रिकवरी" not in english
    hindi = _hindi(client).get(reverse("accounts:otp_codes")).content.decode()
    assert "<h1>रिकवरी कोड</h1>" in hindi
    assert "लॉग आउट" in hindi and "रिपोर्टें</a>" in hindi  # the header's menu
    assert 'value="en" lang="en">English</button>' in hindi  # the way back
    assert "Recovery codes" not in hindi and "Log out" not in hindi and ">Reports</a>" not in hindi


def test_the_not_found_page_in_hindi(analyst: Any) -> None:
    client = Client()
    client.force_login(analyst)
    assert b"<h1>Not found</h1>" in client.get("/no-such-page/").content
    hindi = _hindi(client).get("/no-such-page/")
    assert hindi.status_code == 404
    assert "<h1>नहीं मिला</h1>" in hindi.content.decode()
    assert "Not found" not in hindi.content.decode()
