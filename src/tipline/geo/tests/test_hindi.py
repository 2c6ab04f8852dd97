"""The report page's location section in Hindi for a person who chose Hindi, and in English as
before for one who did not (the language cookie; core/locale.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tipline.geo.models import ReportLocation

pytestmark = pytest.mark.django_db


def _section(user: Any, report: Any, *, hindi: bool) -> str:
    client = Client()
    client.force_login(user)
    if hindi:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "hi"
    html = client.get(reverse("intake:report_detail", args=[report.pk])).content.decode()
    start = html.index('<section id="location">')
    return html[start:html.index("</section>", start)]


def test_the_location_section_speaks_hindi(analyst: Any, make_report: Any) -> None:
    unresolved = make_report("IN-MH-BEED")
    hindi = _section(analyst, unresolved, hindi=True)
    assert "<h2>स्थान निर्धारण</h2>" in hindi and "अभी स्थान तय नहीं हुआ" in hindi
    assert "Not resolved yet" not in hindi and "<code>tipline route</code>" in hindi
    assert "Not resolved yet" in _section(analyst, unresolved, hindi=False)

    report = make_report("IN-MH-BEED")
    ReportLocation.objects.create(report=report, country="IN", state="MH", pin="431122",
                                  city="Beed", confidence=0.4, conflict=True,
                                  resolved_at=datetime.now(UTC))
    hindi = _section(analyst, report, hindi=True)
    english = _section(analyst, report, hindi=False)
    for en, hi in [("<dt>Best answer</dt>", "<dt>सबसे संभावित स्थान</dt>"),
                   ("The clues disagree", "सुराग आपस में मेल नहीं खाते"),
                   ("PIN 431122", "PIN 431122"),
                   ("city Beed", "शहर Beed"),  # the city's name is data: as it is
                   (">Confidence</th>", ">विश्वसनीयता</th>"),
                   # the test IP database is years old: its warning, in the person's language
                   ("The IP database was built on", "IP डेटाबेस")]:
        assert hi in hindi and en in english
        if en != hi:
            assert en not in hindi and hi not in english
