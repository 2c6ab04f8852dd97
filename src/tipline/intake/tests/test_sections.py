"""The report page's sections come from the steps after intake, through intake's registry."""

from __future__ import annotations

import pytest

from tipline.intake import sections
from tipline.intake.sections import ReportSection, section_register


def test_each_later_step_contributes_its_section_in_page_order() -> None:
    order = sorted(sections._sections.values(), key=lambda s: (s.slot, s.order))
    assert [(s.slot, s.name) for s in order] == [
        ("after_files", "media"), ("after_files", "review"),
        ("after_subjects", "location"), ("after_subjects", "transfer"),
        ("after_subjects", "linked")]


def test_a_section_needs_a_slot_the_page_has() -> None:
    with pytest.raises(ValueError, match="no slot 'footer'"):
        section_register(ReportSection(name="x", slot="footer", order=1,
                                       template="x.html", context=lambda **_: {}))
    assert "x" not in sections._sections
