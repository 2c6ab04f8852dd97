"""Review pages by persona (anonymous, unpermitted, permitted, other jurisdiction), the
throughput figures against the database, and the report page's review section."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tipline.review.models import Decision
from tipline.review.selectors import review_throughput
from tipline.review.services import decision_record
from tipline.review.tests.helpers import report_with_images

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_queue_page_by_persona(make_report: Any, reviewer: Any, mh_reviewer: Any,
                               beed_officer: Any, nobody: Any, analyst: Any) -> None:
    beed, _ = report_with_images(make_report, seeds=(1,))
    delhi, _ = report_with_images(make_report, "IN-DL", seeds=(2,))
    unscanned, _ = report_with_images(make_report, seeds=(3,), scan=False)  # no media summary
    url = reverse("review:queue")
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    assert _client(beed_officer).get(url).status_code == 404
    assert _client(nobody).get(url).status_code == 404
    for user in (reviewer, analyst):
        html = _client(user).get(url).content.decode()
        assert beed.reference in html and delhi.reference in html
        assert unscanned.reference in html
        assert ">Review</a>" in html  # the nav link
        assert "<kbd>j</kbd>" in html and "<kbd>h</kbd>" in html
    page = _client(mh_reviewer).get(url)
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    html = page.content.decode()
    assert beed.reference in html and delhi.reference not in html
    assert "Reviewer throughput" not in html  # a state reviewer is not a hub role


def test_settings_page_by_persona(reviewer: Any, beed_officer: Any) -> None:
    url = reverse("review:settings")
    assert Client().get(url).status_code == 302
    assert _client(beed_officer).get(url).status_code == 404
    page = _client(reviewer).get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="blur_strength" value="6"' in html and 'name="grayscale"' in html
    refused = _client(reviewer).post(url, {"blur_strength": "99"})
    assert refused.status_code == 200 and "blur_strength" in refused.content.decode()


def test_throughput_matches_the_database(make_report: Any, reviewer: Any, reviewer2: Any,
                                         analyst: Any) -> None:
    report, files = report_with_images(make_report, seeds=(1, 2, 3, 4, 5), scan=False)
    now = timezone.now().replace(minute=30, second=0, microsecond=0)
    plan = [(reviewer, files[0], now - timedelta(hours=1)),
            (reviewer, files[1], now - timedelta(hours=1)),
            (reviewer, files[2], now - timedelta(days=1)),
            (reviewer2, files[3], now),
            (reviewer2, files[4], now - timedelta(days=9))]  # outside the 7 days
    for who, f, at in plan:
        Decision.objects.create(report=report, file=f, reviewer=who, verdict="second_opinion",
                                decided_at=at)
    t = review_throughput(user=analyst, days=7, now=now + timedelta(minutes=1))
    local = timezone.get_current_timezone()
    recent = [(w.username, at.astimezone(local)) for w, _, at in plan
              if at >= now + timedelta(minutes=1) - timedelta(days=7)]
    assert {(r["reviewer__username"], r["day"]): r["n"] for r in t.per_day} == dict(
        Counter((u, at.date()) for u, at in recent))
    assert {(r["reviewer__username"], r["hour"].astimezone(local).replace(tzinfo=None)): r["n"]
            for r in t.per_hour} == dict(Counter(
                (u, at.replace(minute=0, tzinfo=None)) for u, at in recent))
    assert {r["reviewer__username"]: r["n"] for r in t.totals} == {"ravi": 3, "rekha": 1}


def test_throughput_page_by_persona(make_report: Any, reviewer: Any, analyst: Any,
                                    mh_reviewer: Any, beed_officer: Any) -> None:
    url = reverse("review:throughput")
    assert Client().get(url).status_code == 302
    assert _client(beed_officer).get(url).status_code == 404
    assert _client(mh_reviewer).get(url).status_code == 404
    report, _ = report_with_images(make_report, seeds=(1, 2))
    decision_record(actor=reviewer, report_id=report.pk, verdict="second_opinion")
    client = _client(analyst)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        page = client.get(url)
    assert page.status_code == 200 and "ravi" in page.content.decode()
    more, _ = report_with_images(make_report, seeds=(3, 4, 5))
    decision_record(actor=analyst, report_id=more.pk, verdict="confirmed", category="A1")
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert "harish" in page.content.decode()
    assert len(many) == len(few)


def test_report_page_shows_decisions_not_media_to_unit_officers(
        make_report: Any, reviewer: Any, beed_officer: Any) -> None:
    report, (f,) = report_with_images(make_report, seeds=(1,))
    decision_record(actor=reviewer, report_id=report.pk, verdict="confirmed", category="B2",
                    note="checked twice")
    url = reverse("intake:report_detail", args=[report.pk])
    officer = _client(beed_officer).get(url).content.decode()
    assert "checked twice" in officer and "Confirmed (B2)" in officer and f.md5 in officer
    assert reverse("review:report", args=[report.pk]) not in officer
    assert "/review/files/" not in officer and ">Review</a>" not in officer
    mine = _client(reviewer).get(url).content.decode()
    assert reverse("review:report", args=[report.pk]) in mine


def test_review_page_other_jurisdiction(make_report: Any, mh_reviewer: Any) -> None:
    delhi, _ = report_with_images(make_report, "IN-DL", seeds=(1,))
    beed, _ = report_with_images(make_report, seeds=(2,))
    assert _client(mh_reviewer).get(reverse("review:report", args=[delhi.pk])
                                    ).status_code == 404
    assert _client(mh_reviewer).get(reverse("review:report", args=[beed.pk])
                                    ).status_code == 200


