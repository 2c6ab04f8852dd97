"""The intake pages in Hindi for a person who chose Hindi, and in English as before for one
who did not (the language cookie; core/locale.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tipline.core.tests.languages import apart, both, page_in
from tipline.intake.models import ImportBatch, Rejection, Subject

pytestmark = pytest.mark.django_db






def test_the_report_list_speaks_hindi(analyst: Any, make_report: Any) -> None:
    make_report("IN-MH-BEED")
    make_report("IN-MH-BEED")
    _check(analyst, reverse("intake:report_list"), [
        ("<h1>Reports</h1>", "<h1>रिपोर्टें</h1>"),
        ("<strong>2</strong> reports.", "<strong>2</strong> रिपोर्टें।"),
        ("Download as Excel", "Excel में डाउनलोड करें"),
        ("Include earlier versions", "पुराने संस्करण भी दिखाएँ"),
        (">Any status<", ">कोई भी स्थिति<"),  # a form's choice
        (">Received, newest first<", ">प्राप्ति, सबसे नई पहले<"),  # the sort's choice
        (">New</span>", ">नई</span>"),  # a report's status (a model's choice)
        ("Next →", "अगला →"),
    ])


def test_the_report_page_speaks_hindi(analyst: Any, make_report: Any) -> None:
    report = make_report("IN-MH-BEED", ncmec_priority=1)
    Subject.objects.create(report=report, role=Subject.Role.SUSPECT, screen_name="raju_99")
    _check(analyst, reverse("intake:report_detail", args=[report.pk]), [
        ("<h2>Summary</h2>", "<h2>सारांश</h2>"),
        ("<h3>Suspect</h3>", "<h3>संदिग्ध</h3>"),
        ("a child may be in imminent danger", "कोई बच्चा तत्काल खतरे में हो सकता है"),
        ("<dt>Jurisdiction</dt>", "<dt>क्षेत्राधिकार</dt>"),
        ("No places in this report.", "इस रिपोर्ट में कोई स्थान नहीं।"),
        # the sections other steps add to the page
        ("<h2>Location</h2>", "<h2>स्थान निर्धारण</h2>"),
        ("<h2>Hash matches</h2>", "<h2>हैश मेल</h2>"),
    ])
    # data is never translated
    assert "raju_99" in page_in(analyst, reverse("intake:report_detail", args=[report.pk]),
                              hindi=True)


def test_the_import_pages_speak_hindi(analyst: Any) -> None:
    batch = ImportBatch.objects.create(created_by=analyst, label="export-2024-03.zip",
                                       status=ImportBatch.Status.FAILED, total=100, imported=35,
                                       duplicates=3, versions=1, rejected=1)
    Rejection.objects.create(batch=batch, file="export-2024-03.zip", position="record 17",
                             reason="no report id")
    _check(analyst, reverse("intake:batch_list"), [
        ("<h2>New import</h2>", "<h2>नया आयात</h2>"),
        ("Upload and import", "अपलोड करें और आयात करें"),
        (">Failed</span>", ">विफल</span>"),
    ])
    _check(analyst, reverse("intake:batch_detail", args=[batch.pk]), [
        ("<h2>Rejected records</h2>", "<h2>अस्वीकृत रिकॉर्ड</h2>"),
        ('<strong data-progress="done">40</strong> of <strong data-progress="total">100</strong>'
         " records processed",
         '<strong data-progress="total">100</strong> में से <strong data-progress="done">40'
         "</strong> रिकॉर्ड संसाधित"),
    ])
    hindi = page_in(analyst, reverse("intake:batch_detail", args=[batch.pk]), hindi=True)
    assert "export-2024-03.zip" in hindi and "no report id" in hindi  # data, as sent


def test_a_message_of_an_import_is_in_hindi(analyst: Any) -> None:
    client = Client()
    client.force_login(analyst)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "hi"
    page = client.post(reverse("intake:batch_list"), {}, follow=True)
    assert page.status_code == 200
    # the upload form's own label and help, in Hindi
    html = page.content.decode()
    assert "एक साथ कई फ़ाइलें भी" in html and "several at once" not in html


def _check(user: Any, url: str, pairs: list[tuple[str, str]]) -> None:
    """Each (English, Hindi) pair: only the Hindi in Hindi, only the English in English."""
    apart(*both(user, url), [(hi, en) for en, hi in pairs])
