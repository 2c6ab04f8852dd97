"""The report page's parts that later steps contribute (where the report is, its links, its
media, its review...). Intake owns the page and this registry and imports none of them: each
step registers its section from its `AppConfig.ready()`.

A section is a template and a function giving its context for one viewer and one report; the
function reads through that step's scoped selectors. `slot` names where on the page it goes;
a context with a "nav" entry puts a link to the section (its name is its anchor) in the page's
table of contents.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from tipline.intake.models import Report

#: where sections go on the page: after the people in the report, and after its files
SLOTS = ("after_subjects", "after_files")


@dataclass(frozen=True)
class ReportSection:
    name: str
    slot: str
    order: int
    template: str
    context: Callable[..., dict[str, Any]]  # (*, user, report) -> template context


_sections: dict[str, ReportSection] = {}


def section_register(section: ReportSection) -> None:
    """Add a section to the report page (once per name)."""
    if section.slot not in SLOTS:
        raise ValueError(f"no slot {section.slot!r} on the report page; one of {SLOTS}")
    _sections[section.name] = section


@dataclass(frozen=True)
class Rendered:
    anchor: str
    nav: str  # "" when the section has no entry in the table of contents
    html: SafeString


def sections_render(*, request: HttpRequest, report: Report) -> dict[str, list[Rendered]]:
    """Each slot's sections, rendered for this viewer, in order."""
    out: dict[str, list[Rendered]] = {slot: [] for slot in SLOTS}
    for section in sorted(_sections.values(), key=lambda s: (s.slot, s.order, s.name)):
        context = section.context(user=request.user, report=report)
        html = render_to_string(section.template, {"report": report, **context}, request)
        out[section.slot].append(Rendered(
            section.name, str(context.get("nav", "")),
            mark_safe(html)))  # noqa: S308 - a Django template's own (escaped) output
    return out
