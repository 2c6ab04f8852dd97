"""The chart pages in Hindi for whoever chose it (headings, tabs, chart titles, the table's
headers), English as before otherwise."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("name", "english", "hindi"), [
    ("analytics:funnel", "Funnel: cases reaching each stage", "फ़नल: हर चरण तक पहुँचे केस"),
    ("analytics:intake", "<h1>Intake by source</h1>", "<h1>स्रोत के अनुसार प्राप्ति</h1>"),
    ("analytics:times", "Hours from packet to acknowledgement", "पैकेट से पावती तक के घंटे"),
    ("analytics:map", "India: reports by state and UT", "भारत: राज्य और केंद्र शासित प्रदेश के"),
])
def test_charts_in_hindi(name: str, english: str, hindi: str, analyst: Any) -> None:
    client = Client()
    client.force_login(analyst)
    en = client.get(reverse(name)).content.decode()
    assert english in en and hindi not in en
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "hi"
    hi = client.get(reverse(name)).content.decode()
    assert hindi in hi and english not in hi
    assert "आँकड़े तालिका के रूप में" in hi and "The numbers as a table" not in hi
