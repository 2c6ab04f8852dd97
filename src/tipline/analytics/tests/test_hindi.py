"""The chart pages in Hindi for whoever chose it (headings, tabs, chart titles, the table's
headers), English as before otherwise."""

from __future__ import annotations

from datetime import UTC, datetime
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


MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
MONTHS_HI = ["जन", "फ़र", "मा", "अप्र", "मई", "जून", "जुल", "अग", "सित", "अक्ट", "नव", "दिस्"]


def test_the_intake_chart_names_its_days_in_the_pages_language(analyst: Any,
                                                               make_report: Any) -> None:
    """The days under the intake chart and the period in its note: "04 Dec" in English,
    "04 दिस्" (Django's Hindi short month) in Hindi."""
    for day in (datetime(2026, 3, 5, 6, tzinfo=UTC), datetime(2026, 7, 15, 6, tzinfo=UTC)):
        make_report("IN-MH-BEED", received_at=day)
    client = Client()
    client.force_login(analyst)
    url = reverse("analytics:intake") + "?start=2026-03-01&end=2026-03-10"
    en = client.get(url).content.decode()
    assert ">01 Mar</text>" in en and "1 Mar 2026 to 10 Mar 2026" in en
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "hi"
    hi = client.get(url).content.decode()
    assert f">01 {MONTHS_HI[2]}</text>" in hi and ">01 Mar<" not in hi
    assert f"1 {MONTHS_HI[2]} 2026" in hi and "10 Mar 2026" not in hi
    # a whole year by week: every month is written in Hindi, none in English
    year = client.get(reverse("analytics:intake") + "?start=2026-01-01&end=2026-12-31")
    periods = [line for line in year.content.decode().split("<text") if 'class="period"' in line]
    assert periods
    shown = " ".join(periods)
    assert not any(f" {m}<" in shown for m in MONTHS_EN)
    assert any(f" {m}<" in shown for m in MONTHS_HI)
