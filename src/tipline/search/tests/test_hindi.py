"""The search box and results page in Hindi for whoever chose it, English as before
otherwise."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db


def test_search_in_hindi(analyst: Any) -> None:
    client = Client()
    client.force_login(analyst)
    english = client.get("/search/", {"q": "nobody@example.in"}).content.decode()
    assert "No report you may see carries" in english and ">Search</button>" in english
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "hi"
    hindi = client.get("/search/", {"q": "nobody@example.in"}).content.decode()
    assert "आपको दिखने वाली किसी रिपोर्ट में “nobody@example.in” नहीं है।" in hindi
    assert ">खोजें</button>" in hindi and "कोई केस नहीं।" in hindi
    assert "No report you may see" not in hindi and ">Search</button>" not in hindi
    too_short = client.get("/search/", {"q": "ab"})
    assert too_short.status_code == 400
    assert "कम से कम 3 अक्षर टाइप करें" in too_short.content.decode()
