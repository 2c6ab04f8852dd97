"""The report page's hash-match section in Hindi for a person who chose Hindi, and in English
as before for one who did not (the language cookie; core/locale.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tipline.media.services import files_scan
from tipline.media.tests.media_helpers import encode, pattern, report_file

pytestmark = pytest.mark.django_db


def _section(user: Any, report: Any, *, hindi: bool) -> str:
    client = Client()
    client.force_login(user)
    if hindi:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "hi"
    html = client.get(reverse("intake:report_detail", args=[report.pk])).content.decode()
    start = html.index('<section id="media-matches">')
    return html[start:html.index("</section>", start)]


def test_the_match_section_speaks_hindi(analyst: Any, make_report: Any) -> None:
    unscanned = make_report("IN-MH-BEED")
    assert "अभी स्कैन नहीं हुई" in _section(analyst, unscanned, hindi=True)
    assert "(not scanned yet)" in _section(analyst, unscanned, hindi=False)

    report = make_report("IN-MH-BEED")
    files = [report_file(report, encode(pattern(s)), f"img{s}.jpg") for s in (1, 2)]
    files_scan(actor=None, file_ids=[f.pk for f in files])
    hindi = _section(analyst, report, hindi=True)
    english = _section(analyst, report, hindi=False)
    for en, hi in [("<h2>Hash matches</h2>", "<h2>हैश मेल</h2>"),
                   ("Media priority: <strong>No match</strong>",
                    "मीडिया प्राथमिकता: <strong>कोई मेल नहीं</strong>"),
                   ("2 files hashed", "2 फ़ाइलों का हैश बना"),
                   ("No file matches a hash bank.", "कोई फ़ाइल किसी हैश बैंक से मेल नहीं खाती।")]:
        assert hi in hindi and en not in hindi, (en, hi)
        assert en in english and hi not in english, (en, hi)
