"""Every case transition, every refused one, closure reasons, notices and the checklist."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.http import Http404
from django.utils import timezone

from tipline.audit.models import AuditEvent
from tipline.cases.models import Case, ChecklistItem, LegalSection
from tipline.cases.services import (
    arrest_add,
    case_acknowledge,
    case_chargesheet,
    case_close,
    case_enquiry_start,
    case_fir_register,
    checklist_item_set,
    legal_section_add,
    legal_section_set_active,
    notice_add,
    notice_reply,
    seizure_add,
)
from tipline.cases.tests.helpers import open_case
from tipline.core.errors import NotPermitted, RejectedInput

pytestmark = pytest.mark.django_db

TODAY = date(2026, 1, 1)


def _sections(*names: str) -> list[int]:
    ids = []
    for name in names:
        short, section = name.rsplit(" ", 1)
        ids.append(LegalSection.objects.get(short=short, section=section).pk)
    return ids


def _fir(case: Case, actor: Any, number: str = "112/2026") -> None:
    case_fir_register(actor=actor, case_id=case.pk, number=number,
                      registered_on=timezone.localdate(), police_station="Beed City",
                      section_ids=_sections("IT Act 67B", "POCSO 15"))


def test_catalogue_is_seeded_from_the_legal_brief(tree: None) -> None:
    names = {str(s) for s in LegalSection.objects.all()}
    assert {"IT Act 67", "IT Act 67A", "IT Act 67B", "POCSO 11", "POCSO 12", "POCSO 13",
            "POCSO 14", "POCSO 15", "BNS 294", "BNS 295", "POCSO 19-21"} <= names


def test_the_whole_way_to_closure(make_report: Any, beed_officer: Any) -> None:
    case = open_case(make_report)
    case_acknowledge(actor=beed_officer, case_id=case.pk)
    case_enquiry_start(actor=beed_officer, case_id=case.pk)
    _fir(case, beed_officer)
    arrest_add(actor=beed_officer, case_id=case.pk, person="Accused A",
               arrested_on=timezone.localdate())
    seizure_add(actor=beed_officer, case_id=case.pk, seized_on=timezone.localdate(),
                items="one phone, one laptop", video_recorded=True)
    case_chargesheet(actor=beed_officer, case_id=case.pk, number="CS-9",
                     filed_on=timezone.localdate())
    case_close(actor=beed_officer, case_id=case.pk, reason=Case.Closure.DISPOSED, note="trial")
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED
    assert case.closure_reason == Case.Closure.DISPOSED
    assert case.chargesheet_number == "CS-9"
    assert {str(s) for s in case.fir.sections.all()} == {"IT Act 67B", "POCSO 15"}
    assert case.arrests.count() == 1 and case.seizures.get().video_recorded
    actions = list(AuditEvent.objects.filter(object_type="cases.case", object_id=str(case.pk))
                   .order_by("seq").values_list("action", flat=True))
    assert actions == ["case.opened", "case.acknowledged", "case.enquiry",
                       "case.fir_registered", "case.arrest", "case.seizure",
                       "case.chargesheeted", "case.closed"]


def test_fir_straight_from_received_fills_in_acknowledgement(
    make_report: Any, beed_officer: Any,
) -> None:
    case = open_case(make_report)
    _fir(case, beed_officer)
    case.refresh_from_db()
    assert case.status == Case.Status.FIR and case.acknowledged_at is not None


@pytest.mark.parametrize(("number", "station", "sections", "message"), [
    ("", "Beed City", ["IT Act 67B"], "number"),
    ("  ", "Beed City", ["IT Act 67B"], "number"),
    ("1/2026", "", ["IT Act 67B"], "police station"),
    ("1/2026", "Beed City", [], "at least one section"),
])
def test_fir_refused_without_number_station_or_sections(
    make_report: Any, beed_officer: Any, number: str, station: str, sections: list[str],
    message: str,
) -> None:
    case = open_case(make_report)
    with pytest.raises(RejectedInput, match=message):
        case_fir_register(actor=beed_officer, case_id=case.pk, number=number,
                          registered_on=timezone.localdate(), police_station=station,
                          section_ids=_sections(*sections))
    case.refresh_from_db()
    assert case.status == Case.Status.RECEIVED
    assert not AuditEvent.objects.filter(action="case.fir_registered").exists()


def test_fir_refuses_retired_or_unknown_sections_and_future_dates(
    make_report: Any, beed_officer: Any, hub_admin: Any,
) -> None:
    case = open_case(make_report)
    [old] = _sections("BNS 294")
    legal_section_set_active(actor=hub_admin, section_id=old, active=False)
    for ids in ([old], [999999]):
        with pytest.raises(RejectedInput, match="unknown or retired"):
            case_fir_register(actor=beed_officer, case_id=case.pk, number="1",
                              registered_on=timezone.localdate(), police_station="X",
                              section_ids=ids)
    with pytest.raises(RejectedInput, match="future"):
        case_fir_register(actor=beed_officer, case_id=case.pk, number="1",
                          registered_on=timezone.localdate() + timedelta(days=2),
                          police_station="X", section_ids=_sections("IT Act 67B"))


def test_no_second_fir_and_no_chargesheet_before_fir(make_report: Any, beed_officer: Any) -> None:
    case = open_case(make_report)
    with pytest.raises(RejectedInput, match="no chargesheet before an FIR"):
        case_chargesheet(actor=beed_officer, case_id=case.pk, number="CS",
                         filed_on=timezone.localdate())
    with pytest.raises(RejectedInput, match="cannot record an arrest"):
        arrest_add(actor=beed_officer, case_id=case.pk, person="A",
                   arrested_on=timezone.localdate())
    _fir(case, beed_officer)
    with pytest.raises(RejectedInput, match="cannot register an FIR"):
        _fir(case, beed_officer, number="2")
    with pytest.raises(RejectedInput, match="cannot start an enquiry"):
        case_enquiry_start(actor=beed_officer, case_id=case.pk)
    with pytest.raises(RejectedInput, match="cannot acknowledge"):
        case_acknowledge(actor=beed_officer, case_id=case.pk)
    with pytest.raises(RejectedInput, match="needs its number"):
        case_chargesheet(actor=beed_officer, case_id=case.pk, number=" ",
                         filed_on=timezone.localdate())


@pytest.mark.parametrize("reason", [Case.Closure.FALSE_POSITIVE, Case.Closure.NO_INFORMATION])
def test_not_pursued_closures(make_report: Any, beed_officer: Any, reason: str) -> None:
    case = open_case(make_report)
    case_close(actor=beed_officer, case_id=case.pk, reason=reason, note="checked")
    case.refresh_from_db()
    assert (case.status, case.closure_reason, case.closure_note) == ("closed", reason, "checked")
    assert case.closed_at is not None
    assert AuditEvent.objects.get(action="case.closed").data["reason"] == reason


def test_duplicate_closure_names_an_existing_case(make_report: Any, beed_officer: Any) -> None:
    first, second = open_case(make_report), open_case(make_report)
    for ref in ("", "TLC-99999999", second.reference, "nonsense", "TLC-" + "9" * 30):
        with pytest.raises(RejectedInput, match="duplicate|itself"):
            case_close(actor=beed_officer, case_id=second.pk, reason=Case.Closure.DUPLICATE,
                       duplicate_of=ref)
    case_close(actor=beed_officer, case_id=second.pk, reason=Case.Closure.DUPLICATE,
               duplicate_of=first.reference)
    second.refresh_from_db()
    assert second.duplicate_of == first
    # a report reference works too, and a cycle is refused
    with pytest.raises(RejectedInput, match="already closed as a duplicate"):
        case_close(actor=beed_officer, case_id=first.pk, reason=Case.Closure.DUPLICATE,
                   duplicate_of=second.report.reference)


def test_duplicate_of_another_jurisdictions_case_answers_like_a_missing_one(
        make_report: Any, pune_officer: Any) -> None:
    """Prakash in Pune may not learn that a Beed case exists, nor link his case to it: the
    answer for Beed's case is word for word the answer for a case that does not exist."""
    mine, theirs = open_case(make_report, "IN-MH-PUNE"), open_case(make_report, "IN-MH-BEED")
    missing = f"TLC-{theirs.report_id + 1000:08d}"
    answers = {}
    for ref in (theirs.reference, theirs.report.reference, missing):
        with pytest.raises(RejectedInput) as caught:
            case_close(actor=pune_officer, case_id=mine.pk, reason=Case.Closure.DUPLICATE,
                       duplicate_of=ref)
        answers[ref] = str(caught.value).replace(ref, "<ref>")
    assert len(set(answers.values())) == 1, answers
    mine.refresh_from_db()
    assert mine.status != Case.Status.CLOSED and mine.duplicate_of is None


def test_closure_needs_a_reason_fitting_the_stage(make_report: Any, beed_officer: Any) -> None:
    case = open_case(make_report)
    with pytest.raises(RejectedInput, match="without a reason"):
        case_close(actor=beed_officer, case_id=case.pk, reason="")
    with pytest.raises(RejectedInput, match="transfer"):
        case_close(actor=beed_officer, case_id=case.pk, reason="outside_jurisdiction")
    with pytest.raises(RejectedInput, match="closed only as"):
        case_close(actor=beed_officer, case_id=case.pk, reason=Case.Closure.DISPOSED)
    _fir(case, beed_officer)
    with pytest.raises(RejectedInput, match="closed only as"):
        case_close(actor=beed_officer, case_id=case.pk, reason=Case.Closure.FALSE_POSITIVE)
    case_close(actor=beed_officer, case_id=case.pk, reason=Case.Closure.CLOSURE_REPORT)


def test_nothing_moves_out_of_closed(make_report: Any, beed_officer: Any) -> None:
    case = open_case(make_report)
    case_close(actor=beed_officer, case_id=case.pk, reason=Case.Closure.FALSE_POSITIVE)
    attempts = [
        lambda: case_acknowledge(actor=beed_officer, case_id=case.pk),
        lambda: case_enquiry_start(actor=beed_officer, case_id=case.pk),
        lambda: _fir(case, beed_officer),
        lambda: case_close(actor=beed_officer, case_id=case.pk,
                           reason=Case.Closure.NO_INFORMATION),
        lambda: seizure_add(actor=beed_officer, case_id=case.pk, seized_on=TODAY, items="x",
                            video_recorded=False),
        lambda: notice_add(actor=beed_officer, case_id=case.pk, recipient_kind="isp",
                           recipient="ISP", sent_on=TODAY, due_on=TODAY),
        lambda: checklist_item_set(actor=beed_officer, item_id=case.checklist.first().pk,
                                   done=True),
    ]
    for attempt in attempts:
        with pytest.raises(RejectedInput, match="is closed"):
            attempt()


def test_scoping_of_writes(
    make_report: Any, beed_officer: Any, pune_officer: Any, mh_nodal: Any, nobody: Any,
) -> None:
    case = open_case(make_report)
    for outsider in (pune_officer, nobody):
        with pytest.raises(Http404):
            case_acknowledge(actor=outsider, case_id=case.pk)
    with pytest.raises(NotPermitted):  # sees Maharashtra's cases, may not act on them
        case_acknowledge(actor=mh_nodal, case_id=case.pk)
    case.refresh_from_db()
    assert case.status == Case.Status.RECEIVED


def test_notices_overdue_until_replied(make_report: Any, beed_officer: Any) -> None:
    case = open_case(make_report)
    today = timezone.localdate()
    with pytest.raises(RejectedInput, match="before the notice was sent"):
        notice_add(actor=beed_officer, case_id=case.pk, recipient_kind="platform",
                   recipient="ChatApp", sent_on=today, due_on=today - timedelta(days=1))
    with pytest.raises(RejectedInput, match="platform, an ISP"):
        notice_add(actor=beed_officer, case_id=case.pk, recipient_kind="court",
                   recipient="X", sent_on=today, due_on=today)
    notice = notice_add(actor=beed_officer, case_id=case.pk, recipient_kind="platform",
                        recipient="ChatApp", sent_on=today - timedelta(days=20),
                        due_on=today - timedelta(days=5))
    assert notice.section == "BNSS 94"
    assert notice.is_overdue(today) and not notice.is_overdue(today - timedelta(days=6))
    with pytest.raises(RejectedInput, match="before the notice"):
        notice_reply(actor=beed_officer, notice_id=notice.pk,
                     replied_on=today - timedelta(days=30), reply="x")
    notice_reply(actor=beed_officer, notice_id=notice.pk, replied_on=today, reply="logs sent")
    notice.refresh_from_db()
    assert not notice.is_overdue(today) and notice.reply == "logs sent"
    with pytest.raises(RejectedInput, match="already recorded"):
        notice_reply(actor=beed_officer, notice_id=notice.pk, replied_on=today, reply="again")


def test_checklist_done_and_undone(make_report: Any, beed_officer: Any) -> None:
    case = open_case(make_report)
    item = case.checklist.get(step="notice")
    later = item.due_at + timedelta(seconds=1)
    assert item.is_overdue(later) and not item.is_overdue(item.due_at - timedelta(seconds=1))
    checklist_item_set(actor=beed_officer, item_id=item.pk, done=True, note="sent")
    item.refresh_from_db()
    assert item.done_by == beed_officer and item.done_at is not None
    assert not item.is_overdue(later)
    with pytest.raises(RejectedInput, match="already done"):
        checklist_item_set(actor=beed_officer, item_id=item.pk, done=True)
    checklist_item_set(actor=beed_officer, item_id=item.pk, done=False)
    assert ChecklistItem.objects.get(pk=item.pk).done_at is None


def test_catalogue_edits_are_the_hubs(tree: None, hub_admin: Any, mh_nodal: Any) -> None:
    with pytest.raises(NotPermitted):
        legal_section_add(actor=mh_nodal, short="BNS", act="BNS", section="77", about="")
    row = legal_section_add(actor=hub_admin, short="BNS", act="Bharatiya Nyaya Sanhita, 2023",
                            section="77", about="voyeurism")
    assert row.active and str(row) == "BNS 77"
    with pytest.raises(RejectedInput, match="already"):
        legal_section_add(actor=hub_admin, short="BNS", act="x", section="77", about="")
