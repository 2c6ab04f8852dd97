"""Regressions of the case page (issue 13): the FIR ticks its SOP step; closing comes after
the FIR form."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tipline.cases.models import LegalSection
from tipline.cases.services import case_fir_register
from tipline.cases.tests.helpers import open_case

pytestmark = pytest.mark.django_db


def test_recording_an_fir_ticks_the_sop_step(make_report: Any, beed_officer: Any) -> None:
    case = open_case(make_report)
    step = case.checklist.get(step="fir")
    assert step.done_at is None
    section = LegalSection.objects.get(short="IT Act", section="67B")
    case_fir_register(actor=beed_officer, case_id=case.pk, number="12/26",
                      registered_on=timezone.localdate(), police_station="Beed City",
                      section_ids=[section.pk])
    step.refresh_from_db()
    assert step.done_at is not None and step.done_by == beed_officer
    assert "12/26" in step.note
    # the other steps are left as they were
    assert case.checklist.exclude(step="fir").filter(done_at__isnull=False).count() == 0


def test_an_fir_recorded_after_ticking_the_step_leaves_it_as_ticked(
        make_report: Any, beed_officer: Any) -> None:
    from tipline.cases.services import checklist_item_set

    case = open_case(make_report)
    step = case.checklist.get(step="fir")
    checklist_item_set(actor=beed_officer, item_id=step.pk, done=True, note="by hand")
    section = LegalSection.objects.get(short="IT Act", section="67B")
    case_fir_register(actor=beed_officer, case_id=case.pk, number="13/26",
                      registered_on=timezone.localdate(), police_station="Beed City",
                      section_ids=[section.pk])
    step.refresh_from_db()
    assert step.note == "by hand"


def test_the_close_form_comes_after_the_fir_form(make_report: Any, beed_officer: Any) -> None:
    case = open_case(make_report)
    client = Client()
    client.force_login(beed_officer)
    page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert "Record FIR" in page and "Close the case" in page
    assert page.index("Record FIR") < page.index("Close the case")
