"""The review queue: its order, who sees what, second opinions, and its query count."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tipline.media.banks import ParsedEntry
from tipline.media.models import FileScan
from tipline.media.services import bank_create, bank_entries_add, files_scan
from tipline.media.summary import reports_refresh
from tipline.review.selectors import review_queue
from tipline.review.services import decision_record
from tipline.review.tests.helpers import report_with_images

pytestmark = pytest.mark.django_db


def _day(year: int) -> datetime:
    return datetime(year, 1, 1, tzinfo=UTC)


def _score(files: list[Any], value: float) -> None:
    FileScan.objects.filter(file__in=files).update(risk_score=value, risk_reasons="set")
    reports_refresh(report_ids={f.report_id for f in files})


def _bank_of(files: list[Any], *, confirmed: bool, name: str) -> None:
    bank = bank_create(actor=None, name=name, confirmed=confirmed)
    bank_entries_add(actor=None, bank=bank, entries=[ParsedEntry(md5=f.md5) for f in files])
    files_scan(actor=None, file_ids=[f.pk for f in files], rehash=True)


def test_queue_order(make_report: Any, reviewer: Any) -> None:
    newest, _ = report_with_images(make_report, seeds=(1,), received_at=_day(2023))
    oldest, _ = report_with_images(make_report, seeds=(2,), received_at=_day(2019))
    low, low_files = report_with_images(make_report, seeds=(3,), received_at=_day(2018))
    high, high_files = report_with_images(make_report, seeds=(4,), received_at=_day(2022))
    known, known_files = report_with_images(make_report, seeds=(5,), received_at=_day(2024))
    confirmed, confirmed_files = report_with_images(make_report, seeds=(6,),
                                                    received_at=_day(2024))
    _score(low_files, 0.2)
    _score(high_files, 0.9)
    _score(confirmed_files, 0.1)  # a low score does not move a confirmed match down
    _bank_of(known_files, confirmed=False, name="tips")
    _bank_of(confirmed_files, confirmed=True, name="known")
    order = [r.pk for r in review_queue(user=reviewer)]
    assert order == [confirmed.pk, known.pk, high.pk, low.pk, oldest.pk, newest.pk]


def test_queue_holds_undecided_stored_files_in_scope(make_report: Any, reviewer: Any,
                                                    mh_reviewer: Any) -> None:
    beed, _ = report_with_images(make_report, "IN-MH-BEED", seeds=(1, 2))
    delhi, _ = report_with_images(make_report, "IN-DL", seeds=(3,))
    empty = make_report("IN-MH-BEED")  # no stored files
    assert {r.pk for r in review_queue(user=reviewer)} == {beed.pk, delhi.pk}
    assert {r.pk for r in review_queue(user=mh_reviewer)} == {beed.pk}
    decision_record(actor=reviewer, report_id=beed.pk, verdict="confirmed", category="B2")
    assert {r.pk for r in review_queue(user=reviewer)} == {delhi.pk}
    assert empty.pk not in {r.pk for r in review_queue(user=reviewer)}


def test_second_opinion_goes_to_another_reviewer(make_report: Any, reviewer: Any,
                                                 reviewer2: Any) -> None:
    report, _ = report_with_images(make_report, seeds=(1,))
    decision_record(actor=reviewer, report_id=report.pk, verdict="second_opinion",
                    note="not sure")
    assert report.pk not in {r.pk for r in review_queue(user=reviewer)}
    others = list(review_queue(user=reviewer2))
    assert [r.pk for r in others] == [report.pk] and others[0].second_opinion
    decision_record(actor=reviewer2, report_id=report.pk, verdict="confirmed", category="A2")
    assert not review_queue(user=reviewer2).exists()
    assert not review_queue(user=reviewer).exists()


def test_queue_page_query_count_does_not_grow(make_report: Any, reviewer: Any) -> None:
    client = Client()
    client.force_login(reviewer)
    url = reverse("review:queue")
    report_with_images(make_report, seeds=(1, 2))
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        page = client.get(url)
    assert page.status_code == 200
    for seed in range(3, 9):
        report_with_images(make_report, seeds=(seed, seed + 100))
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert page.content.decode().count("data-review-item") == 7
    assert len(many) == len(few) <= 10
