"""The review pages in Hindi for a person who chose Hindi, and in English as before for one
who did not (the language cookie; core/locale.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tipline.core.tests.languages import apart, both, client_in
from tipline.review.tests.helpers import report_with_images

pytestmark = pytest.mark.django_db






def test_the_queue_and_the_report_speak_hindi(make_report: Any, reviewer: Any) -> None:
    report, _ = report_with_images(make_report, seeds=(1,))
    _check(reviewer, reverse("review:queue"), [
        ("<h1>Review queue</h1>", "<h1>समीक्षा कतार</h1>"),
        (">Not CSAM</button>", ">CSAM नहीं</button>"),
        ("A1: prepubescent, sex act", "A1: यौवन-पूर्व, यौन कृत्य"),  # a model's choice
        # the keys' confirmation, which review.js reads from the page
        ('data-confirm-not-csam="Not CSAM: add to the safelist',
         'data-confirm-not-csam="CSAM नहीं: सेफ़लिस्ट में जोड़कर'),
    ])
    _check(reviewer, reverse("review:report", args=[report.pk]), [
        ("Hold to reveal</button>", "दबाए रखकर देखें</button>"),
        ("Urgent: child in imminent danger", "अति आवश्यक: बच्चा तत्काल खतरे में"),
    ])


def test_settings_and_throughput_speak_hindi(reviewer: Any) -> None:
    _check(reviewer, reverse("review:settings"), [
        ("<h1>Wellness settings</h1>", "<h1>वेलनेस सेटिंग्स</h1>"),
        ("Show media in grayscale", "मीडिया ग्रे रंग में दिखाएँ"),
    ])
    _check(reviewer, reverse("review:throughput"), [
        ("<h2>Per reviewer</h2>", "<h2>समीक्षक के अनुसार</h2>"),
        ("in the last 7 days", "पिछले 7 दिनों के निर्णय"),
    ])


def test_a_decision_is_confirmed_in_hindi(make_report: Any, reviewer: Any) -> None:
    report, _ = report_with_images(make_report, seeds=(1,))
    client = client_in(reviewer, hindi=True)
    page = client.post(reverse("review:decide", args=[report.pk]),
                       {"verdict": "second_opinion", "next": "report"}, follow=True)
    html = page.content.decode()
    assert "दूसरी राय: 1 फ़ाइल।" in html and "file(s)" not in html
    assert "Settings saved." not in html
    saved = client.post(reverse("review:settings"), {"blur_strength": 5}, follow=True)
    assert "सेटिंग्स सहेजी गईं।" in saved.content.decode()


def _check(user: Any, url: str, pairs: list[tuple[str, str]]) -> None:
    """Each (English, Hindi) pair: only the Hindi in Hindi, only the English in English."""
    apart(*both(user, url), [(hi, en) for en, hi in pairs])
