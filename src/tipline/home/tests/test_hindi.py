"""The home page and the API access page in Hindi for whoever chose it, English as before
otherwise."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _both(user: Any, url: str) -> tuple[str, str]:
    client = Client()
    client.force_login(user)
    english = client.get(url)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "hi"
    hindi = client.get(url)
    assert english.status_code == hindi.status_code == 200
    return english.content.decode(), hindi.content.decode()


@pytest.mark.parametrize(("persona", "english", "hindi"), [
    ("analyst", "The funnel, all time", "फ़नल, शुरू से अब तक"),
    ("beed_officer", "Cases with overdue work", "समय-सीमा पार काम वाले केस"),
    ("mh_nodal", "Units, the most behind first", "यूनिटें, सबसे पीछे वाली पहले"),
    ("platform_account", "Your reports to Tipline", "Tipline को भेजी आपकी रिपोर्टें"),
])
def test_home_in_hindi(persona: str, english: str, hindi: str,
                       request: pytest.FixtureRequest) -> None:
    user = request.getfixturevalue(persona)
    en, hi = _both(user, reverse("home"))
    assert english in en and hindi not in en
    assert hindi in hi and english not in hi
    assert "नमस्ते," in hi and "Good to see you" not in hi


def test_api_access_in_hindi(platform_account: Any) -> None:
    en, hi = _both(platform_account, reverse("home:api_access"))
    assert "This account holds no API token." in en
    assert "इस खाते के पास कोई API टोकन नहीं है।" in hi
    assert "This account holds no API token." not in hi and "User name" not in hi
