"""The classifier stage of the scan: scores stored beside each image, the report's highest on
its media summary, only when TIPLINE_CLASSIFY_ON_SCAN is on. Generated benign images only."""

from __future__ import annotations

from typing import Any

import pytest

from tipline.audit.models import AuditEvent
from tipline.media.models import FileScan, ReportMedia
from tipline.media.scoring import files_classify
from tipline.media.services import files_scan
from tipline.media.tests.media_helpers import encode, pattern, report_file

pytestmark = pytest.mark.django_db


def test_scan_stores_scores_and_the_reports_highest(make_report: Any, settings: Any) -> None:
    settings.CLASSIFY_ON_SCAN = True
    report = make_report("IN-MH-BEED")
    files = [report_file(report, encode(pattern(seed)), f"p{seed}.jpg") for seed in (1, 2, 3)]
    text = report_file(report, b"just some text, not an image\n", "notes.txt")
    files_scan(actor=None, file_ids=[f.pk for f in [*files, text]])
    scans = {s.file_id: s for s in FileScan.objects.filter(file__report=report)}
    scores = [scans[f.pk].risk_score for f in files]
    assert all(s is not None and 0.0 <= s <= 1.0 for s in scores)
    assert all(s is not None and s < 0.5 for s in scores)  # benign patterns score low
    assert scans[text.pk].risk_score is None
    media = ReportMedia.objects.get(report=report)
    assert media.risk_score == max(s for s in scores if s is not None)
    assert media.priority == ReportMedia.Priority.NONE  # a score never raises the match priority
    event = AuditEvent.objects.filter(action="media.classified").latest("pk")
    assert sorted(event.data["files"]) == sorted(f.pk for f in files)


def test_scores_are_not_computed_again_unless_asked(make_report: Any, settings: Any) -> None:
    settings.CLASSIFY_ON_SCAN = True
    report = make_report("IN-MH-BEED")
    f = report_file(report, encode(pattern(7)))
    files_scan(actor=None, file_ids=[f.pk])
    FileScan.objects.filter(file=f).update(risk_score=0.99, risk_reasons="set by hand")
    assert files_classify(file_ids=[f.pk]).scored == 0
    assert FileScan.objects.get(file=f).risk_score == 0.99
    assert files_classify(file_ids=[f.pk], redo=True).scored == 1
    assert FileScan.objects.get(file=f).risk_score != 0.99


def test_setting_off_leaves_scores_empty(make_report: Any, settings: Any) -> None:
    settings.CLASSIFY_ON_SCAN = False
    report = make_report("IN-MH-BEED")
    f = report_file(report, encode(pattern(4)))
    files_scan(actor=None, file_ids=[f.pk])
    scan = FileScan.objects.get(file=f)
    assert scan.media == "image" and scan.risk_score is None
    assert ReportMedia.objects.get(report=report).risk_score is None


def test_classify_creates_the_scan_row_when_missing(make_report: Any) -> None:
    report = make_report("IN-MH-BEED")
    f = report_file(report, encode(pattern(5), "PNG"), "p.png")
    assert not FileScan.objects.filter(file=f).exists()
    result = files_classify(file_ids=[f.pk])
    assert result.scored == 1
    scan = FileScan.objects.get(file=f)
    assert scan.risk_score is not None and scan.media == "image"
    assert ReportMedia.objects.get(report=report).risk_score == scan.risk_score


def test_the_same_content_is_classified_once(make_report: Any, settings: Any) -> None:
    """Files with the same bytes share a score: content scored once (here set by hand, a
    value the classifiers would not give this pattern) is not classified again."""
    settings.CLASSIFY_ON_SCAN = False
    data = encode(pattern(11))
    first = report_file(make_report("IN-MH-BEED"), data, "a.jpg")
    files_scan(actor=None, file_ids=[first.pk])
    FileScan.objects.filter(file=first).update(risk_score=0.77, risk_reasons="by hand")
    again = [report_file(make_report("IN-DL"), data, f"copy{i}.jpg") for i in range(3)]
    files_scan(actor=None, file_ids=[f.pk for f in again])
    result = files_classify(file_ids=[f.pk for f in again])
    assert result.scored == 3
    assert [FileScan.objects.get(file=f).risk_score for f in again] == [0.77] * 3
    assert files_classify(file_ids=[f.pk for f in again], redo=True).scored == 3
    assert all(FileScan.objects.get(file=f).risk_score != 0.77 for f in again)
