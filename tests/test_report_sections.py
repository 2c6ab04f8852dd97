"""The report page's media and review sections read through the viewer's scope: Bhim (Beed)
sees his report's matches and decisions, Prakash (Pune) sees none of them, whatever page
the sections end up on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from tipline.intake.models import Report
from tipline.media.banks import ParsedEntry
from tipline.media.sections import media_context
from tipline.media.selectors import report_matches, report_media_summary
from tipline.media.services import bank_create, bank_entries_add, files_scan
from tipline.review.models import Decision
from tipline.review.sections import review_context
from tipline.review.selectors import report_decisions
from tipline.review.tests.helpers import report_with_images

pytestmark = pytest.mark.django_db


@pytest.fixture
def matched(make_report: Callable[..., Report], reviewer: Any, settings: Any) -> Any:
    """A Beed report whose one file matches a bank, with a reviewer's decision."""
    from tipline.media.matching import bank_index

    settings.CLASSIFY_ON_SCAN = False
    bank_index().reset()
    report, (file,) = report_with_images(make_report, "IN-MH-BEED", seeds=(5,), scan=False)
    bank = bank_create(actor=None, name="ncmec")
    bank_entries_add(actor=None, bank=bank, entries=[ParsedEntry(md5=file.md5)])
    files_scan(actor=None, file_ids=[file.pk])
    Decision.objects.create(report=report, file=file, reviewer=reviewer,
                            verdict="second_opinion", decided_at=timezone.now())
    yield report
    bank_index().reset()


def test_the_reports_unit_sees_its_media_section(matched: Any, beed_officer: Any) -> None:
    media = media_context(user=beed_officer, report=matched)
    assert media["summary"] is not None and media["summary"].matches == 1
    assert [m.bank.name for m in media["matches"]] == ["ncmec"]
    review = review_context(user=beed_officer, report=matched)
    assert [d.reviewer.username for d in review["decisions"]] == ["ravi"]
    assert not review["media_link"]  # a unit officer sees no media


def test_another_district_sees_nothing_of_it(matched: Any, pune_officer: Any) -> None:
    for user in (pune_officer, None):
        assert media_context(user=user, report=matched) == {"summary": None, "matches": []}
        assert review_context(user=user, report=matched)["decisions"] == []
        assert report_media_summary(user=user, report_id=matched.pk) is None
        assert report_matches(user=user, report_id=matched.pk) == []
        assert report_decisions(user=user, report_id=matched.pk) == []
