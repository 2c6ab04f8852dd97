"""Each decision's effects: bank entries, safelist suppression, closure as a false positive,
second opinions; and the decision form by persona."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.http import Http404
from django.test import Client
from django.urls import reverse

from tipline.audit.models import AuditEvent
from tipline.cases.models import FIR, Case
from tipline.cases.services import cases_open
from tipline.core.errors import RejectedInput
from tipline.intake.models import Report
from tipline.media.banks import ParsedEntry
from tipline.media.models import BankEntry, FileSignal, HashBank, Match, ReportMedia
from tipline.media.services import bank_create, bank_entries_add, bank_export, files_scan
from tipline.media.tests.media_helpers import encode, pattern, report_file
from tipline.review.models import Decision
from tipline.review.services import CONFIRMED_BANK, SAFELIST_BANK, decision_record
from tipline.review.tests.helpers import report_with_images

pytestmark = pytest.mark.django_db


def _copy(make_report: Any, seed: int, node: str = "IN-MH-PUNE") -> tuple[Any, Any]:
    """Another report carrying the same generated image, scanned."""
    report = make_report(node)
    f = report_file(report, encode(pattern(seed)), "again.jpg")
    files_scan(actor=None, file_ids=[f.pk])
    return report, f


def test_confirmed_goes_to_the_hub_bank_and_matches_future_files(
        make_report: Any, reviewer: Any, hub_admin: Any) -> None:
    report, (f,) = report_with_images(make_report, seeds=(21,))
    made = decision_record(actor=reviewer, report_id=report.pk, verdict="confirmed",
                           category="b1", note="seen")
    assert [(d.file_id, d.verdict, d.category) for d in made] == [(f.pk, "confirmed", "B1")]
    bank = HashBank.objects.get(name=CONFIRMED_BANK)
    assert bank.confirmed and bank.kind == HashBank.Kind.NORMAL
    entry = BankEntry.objects.get(bank=bank)
    pdq = FileSignal.objects.get(file=f).pdq
    assert (entry.md5, entry.sha1, entry.sha256, entry.pdq, entry.category) == (
        f.md5, f.sha1, f.sha256, pdq, "B1")
    assert ReportMedia.objects.get(report=report).priority == ReportMedia.Priority.CONFIRMED
    exported = json.loads(bank_export(actor=hub_admin, bank_names=[CONFIRMED_BANK]))
    media = exported["value"][0]["Media"]
    assert [(m["MD5"], m["SHA1"], m["Category"]) for m in media] == [
        (f.md5.upper(), f.sha1.upper(), 1)]
    later, _ = _copy(make_report, 21)
    assert Match.objects.filter(report=later, bank=bank, suppressed=False).exists()
    assert ReportMedia.objects.get(report=later).priority == ReportMedia.Priority.CONFIRMED
    event = AuditEvent.objects.get(action="review.decided")
    assert event.actor_id == reviewer.pk and event.data["verdict"] == "confirmed"
    # deciding the same file again for another report does not add a duplicate entry
    decision_record(actor=reviewer, report_id=later.pk, verdict="confirmed", category="B1")
    assert BankEntry.objects.filter(bank=bank).count() == 1


def test_confirm_needs_a_category(make_report: Any, reviewer: Any) -> None:
    report, _ = report_with_images(make_report, seeds=(22,))
    with pytest.raises(RejectedInput):
        decision_record(actor=reviewer, report_id=report.pk, verdict="confirmed")
    with pytest.raises(RejectedInput):
        decision_record(actor=reviewer, report_id=report.pk, verdict="maybe")
    assert not Decision.objects.exists()


def test_not_csam_safelists_and_suppresses_now_and_later(make_report: Any,
                                                         reviewer: Any) -> None:
    known = bank_create(actor=None, name="ncmec")
    report, (f,) = report_with_images(make_report, seeds=(23,), scan=False)
    bank_entries_add(actor=None, bank=known, entries=[ParsedEntry(md5=f.md5)])
    files_scan(actor=None, file_ids=[f.pk])
    assert ReportMedia.objects.get(report=report).matches == 1
    decision_record(actor=reviewer, report_id=report.pk, verdict="not_csam")
    safelist = HashBank.objects.get(name=SAFELIST_BANK)
    assert safelist.kind == HashBank.Kind.SAFELIST
    assert BankEntry.objects.filter(bank=safelist, sha256=f.sha256).exists()
    media = ReportMedia.objects.get(report=report)
    assert (media.matches, media.suppressed, media.priority) == (0, 1, 0)
    later, g = _copy(make_report, 23)
    assert Match.objects.get(file=g, bank=known).suppressed
    assert ReportMedia.objects.get(report=later).priority == ReportMedia.Priority.NONE


def test_not_csam_closes_the_case_as_a_false_positive(make_report: Any,
                                                      reviewer: Any) -> None:
    report, _ = report_with_images(make_report, seeds=(24,), status=Report.Status.ROUTED)
    cases_open(actor=None, report_ids=[report.pk])
    decision_record(actor=reviewer, report_id=report.pk, verdict="not_csam", note="a cartoon")
    case = Case.objects.get(report=report)
    assert case.status == Case.Status.CLOSED
    assert case.closure_reason == Case.Closure.FALSE_POSITIVE and case.closed_at is not None
    assert AuditEvent.objects.filter(action="case.closed", object_id=str(case.pk)).exists()
    # a routed report without a case yet gets one, closed
    routed, _ = report_with_images(make_report, seeds=(25,), status=Report.Status.ROUTED)
    decision_record(actor=reviewer, report_id=routed.pk, verdict="not_csam")
    assert Case.objects.get(report=routed).closure_reason == Case.Closure.FALSE_POSITIVE
    # a report not routed to a unit is itself marked closed
    national, _ = report_with_images(make_report, "IN", seeds=(26,))
    decision_record(actor=reviewer, report_id=national.pk, verdict="not_csam")
    national.refresh_from_db()
    assert national.status == Report.Status.CLOSED and not Case.objects.filter(
        report=national).exists()
    assert AuditEvent.objects.filter(action="report.closed", object_id=str(national.pk)).exists()


def test_no_closure_while_files_wait_or_one_is_confirmed(make_report: Any,
                                                         reviewer: Any) -> None:
    report, (a, b) = report_with_images(make_report, seeds=(27, 28),
                                        status=Report.Status.ROUTED)
    cases_open(actor=None, report_ids=[report.pk])
    decision_record(actor=reviewer, report_id=report.pk, verdict="not_csam", file_ids=[a.pk])
    assert Case.objects.get(report=report).status != Case.Status.CLOSED
    decision_record(actor=reviewer, report_id=report.pk, verdict="confirmed", category="A1",
                    file_ids=[b.pk])
    assert Case.objects.get(report=report).status != Case.Status.CLOSED
    other, _ = report_with_images(make_report, seeds=(29, 30), status=Report.Status.ROUTED)
    cases_open(actor=None, report_ids=[other.pk])
    decision_record(actor=reviewer, report_id=other.pk, verdict="second_opinion")
    assert Case.objects.get(report=other).status != Case.Status.CLOSED
    decision_record(actor=reviewer, report_id=other.pk, verdict="not_csam")
    assert Case.objects.get(report=other).status == Case.Status.CLOSED


def test_a_case_with_an_fir_is_left_to_its_unit(make_report: Any, reviewer: Any) -> None:
    report, _ = report_with_images(make_report, seeds=(31,), status=Report.Status.ROUTED)
    cases_open(actor=None, report_ids=[report.pk])
    Case.objects.filter(report=report).update(status=Case.Status.FIR)
    assert FIR is not None
    decision_record(actor=reviewer, report_id=report.pk, verdict="not_csam")
    assert Case.objects.get(report=report).status == Case.Status.FIR
    event = AuditEvent.objects.get(action="review.decided")
    assert "left to the unit" in event.data["closure"]


def test_second_opinion_changes_nothing_else(make_report: Any, reviewer: Any) -> None:
    report, _ = report_with_images(make_report, seeds=(32,), status=Report.Status.ROUTED)
    cases_open(actor=None, report_ids=[report.pk])
    decision_record(actor=reviewer, report_id=report.pk, verdict="second_opinion")
    assert not HashBank.objects.exists()
    assert Case.objects.get(report=report).status == Case.Status.RECEIVED


def test_decisions_need_review_decide_where_the_report_is(make_report: Any, beed_officer: Any,
                                                          mh_reviewer: Any) -> None:
    beed, _ = report_with_images(make_report, seeds=(33,))
    delhi, _ = report_with_images(make_report, "IN-DL", seeds=(34,))
    with pytest.raises(Http404):
        decision_record(actor=beed_officer, report_id=beed.pk, verdict="second_opinion")
    with pytest.raises(Http404):
        decision_record(actor=mh_reviewer, report_id=delhi.pk, verdict="second_opinion")
    decision_record(actor=mh_reviewer, report_id=beed.pk, verdict="second_opinion")
    assert Decision.objects.count() == 1


def test_decision_form_by_persona(make_report: Any, reviewer: Any, beed_officer: Any,
                                  mh_reviewer: Any, nobody: Any) -> None:
    beed, (f,) = report_with_images(make_report, seeds=(35,))
    delhi, _ = report_with_images(make_report, "IN-DL", seeds=(36,))
    url = reverse("review:decide", args=[beed.pk])
    data = {"verdict": "confirmed", "category": "A2", "note": "", "file": str(f.pk)}
    assert Client().post(url, data).status_code == 302
    for user in (beed_officer, nobody):
        c = Client()
        c.force_login(user)
        assert c.post(url, data).status_code == 404
    c = Client()
    c.force_login(mh_reviewer)
    assert c.post(reverse("review:decide", args=[delhi.pk]), data).status_code == 404
    assert not Decision.objects.exists()
    c.force_login(reviewer)
    done = c.post(url, data)
    assert done.status_code == 302 and done["Location"] == reverse("review:queue")
    assert Decision.objects.get().category == "A2"
    refused = c.post(url, data, follow=True)  # nothing left to decide
    assert "waiting" in refused.content.decode() or "not this report" in refused.content.decode()
    assert Decision.objects.count() == 1
