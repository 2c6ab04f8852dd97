"""Case pages: the hub's funnel, a unit's case list, one case with a form per transition."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tipline.accounts import policies
from tipline.accounts.policies import gate, node_or_404
from tipline.accounts.types import AuthedRequest
from tipline.cases import forms as f
from tipline.cases import selectors, services
from tipline.cases.export import cases_export
from tipline.cases.models import Case
from tipline.core.errors import NotPermitted, RejectedInput
from tipline.core.forms import query_text
from tipline.jurisdictions.selectors import jurisdiction_tree

PAGE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: units shown on the country-wide funnel (the most reports first); a state shows all its own
UNITS_SHOWN = 100
#: the funnel's short column headings for the not-pursued reasons


@gate("report.view")
def funnel(request: AuthedRequest) -> HttpResponse:
    """The funnel per state (or, for one state, per unit) with overdue notices."""
    state = query_text(request.GET.get("state"), limit=2).upper() or None
    now = timezone.now()
    data = selectors.case_funnel(user=request.user, state=state)
    overdue = selectors.overdue_by_unit(user=request.user, today=timezone.localdate(), now=now,
                                        state=state)
    notices = list(selectors.notices_overdue(user=request.user, today=timezone.localdate(),
                                             state=state)[:50])
    return render(request, "cases/funnel.html", {
        "section": "cases", "funnel": data, "state": state, "overdue": overdue,
        "units": data.units if state else data.units[:UNITS_SHOWN],
        "notices": notices, "edit_sections": policies.can_everywhere(request.user, "sop.edit"),
        "reasons": [(r, Case.Closure(r).label) for r in Case.NOT_PURSUED],
        "reason_short": {str(k): v for k, v in Case.NOT_PURSUED_SHORT.items()},
        "state_name": jurisdiction_tree().by_code[f"IN-{state}"].name
        if state and f"IN-{state}" in jurisdiction_tree().by_code else state,
    })


class _Counted(Paginator):
    """A paginator told its count (the case tally's) instead of running COUNT(*)."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._count = count

    @cached_property
    def count(self) -> int:
        return self._count


@gate("report.view")
def unit_cases(request: AuthedRequest, code: str) -> HttpResponse:
    """One unit's cases, newest first."""
    node = node_or_404(request.user, action="report.view", code=code)
    status = request.GET.get("status") or None
    if status not in (None, *Case.Status.values):
        status = None
    count = selectors.case_count(user=request.user, unit=node.code, status=status)
    page = _Counted(selectors.case_list(user=request.user, unit=node.code, status=status),
                    PAGE, count=count).get_page(request.GET.get("page"))
    return render(request, "cases/case_list.html", {
        "section": "cases", "unit": node, "page": page, "status": status,
        "statuses": Case.Status.choices,
    })


@gate("report.view")
@require_GET
def register_export(request: AuthedRequest) -> FileResponse:
    """The case register as an Excel workbook (the command line's `tipline cases export`),
    scoped to the user: every case they may see, or a state's (`?state=MH`) or a unit's
    (`?unit=IN-MH-BEED`) within their reach; a place beyond it is a 404. Audited."""
    unit = query_text(request.GET.get("unit"), limit=64).upper() or None
    state = query_text(request.GET.get("state"), limit=5).upper().removeprefix("IN-") or None
    if unit:
        node_or_404(request.user, action="report.view", code=unit)
        state = None
    elif state:
        node_or_404(request.user, action="report.view", code=f"IN-{state}", kinds=("state",))
    root = Path(settings.TIPLINE_HOME) / "tmp"  # where packets are written too
    root.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix="cases-", suffix=".xlsx", dir=root)  # 0600
    os.close(fd)
    path = Path(name)
    try:
        with translation.override("en"):  # the register speaks English, like its headings
            cases_export(actor=request.user, out=path, state=state, unit=unit)
        data = path.open("rb")
    finally:
        path.unlink(missing_ok=True)  # the open file is read on, then gone
    where = unit or (f"IN-{state}" if state else "scope")
    stamp = timezone.localdate().isoformat()
    response = FileResponse(data, as_attachment=True,
                            filename=f"cases-{where}-{stamp}.xlsx", content_type=XLSX)
    response["Cache-Control"] = "no-store"
    return response


@gate("report.view")
def case_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(user=request.user, case_id=pk)
    editable = (policies.can(request.user, "case.update", jurisdiction_id=case.unit_id)
                and not case.is_closed)
    today, now = timezone.localdate(), timezone.now()
    return render(request, "cases/case_detail.html", {
        "section": "cases", "case": case, "fir": selectors.fir_for(case), "editable": editable,
        "today": today, "now": now,
        "overdue_notices": {n.pk for n in case.notices.all() if n.is_overdue(today)},
        "overdue_steps": {i.pk for i in case.checklist.all()
                          if not case.is_closed and i.is_overdue(now)},
        "forms": {
            "fir": f.FIRForm(initial={"registered_on": today}),
            "chargesheet": f.ChargesheetForm(initial={"filed_on": today}),
            "close": f.CloseForm(),
            "arrest": f.ArrestForm(initial={"arrested_on": today}),
            "seizure": f.SeizureForm(initial={"seized_on": today}),
            "notice": f.NoticeForm(initial={"sent_on": today}),
        },
    })


def _run(request: AuthedRequest, form: forms.Form | None, call: Callable[..., Any],
         done: str) -> None:
    """Validate the form, call the service, and say what happened."""
    if form is not None and not form.is_valid():
        errors = "; ".join(f"{name}: {' '.join(str(x) for x in e)}"
                           for name, e in form.errors.items())
        messages.error(request, _("Not saved: %(errors)s") % {"errors": errors})
        return
    try:
        call(**(form.cleaned_data if form is not None else {}))
    except RejectedInput as exc:
        messages.error(request, str(exc))
    except NotPermitted as exc:
        raise PermissionDenied(str(exc)) from exc
    else:
        messages.success(request, done)


@gate("report.view")
@require_POST
def case_action(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    """One transition or record on a case (the forms on the case page post here)."""
    user, post = request.user, request.POST
    actions: dict[str, tuple[forms.Form | None, Callable[..., Any], str]] = {
        "acknowledge": (None, lambda: services.case_acknowledge(actor=user, case_id=pk),
                        _("Acknowledged.")),
        "enquiry": (None, lambda: services.case_enquiry_start(actor=user, case_id=pk),
                    _("Enquiry started.")),
        "fir": (f.FIRForm(post), lambda number, registered_on, police_station, sections:
                services.case_fir_register(
                    actor=user, case_id=pk, number=number, registered_on=registered_on,
                    police_station=police_station, section_ids=[s.pk for s in sections]),
                _("FIR recorded.")),
        "chargesheet": (f.ChargesheetForm(post), lambda number, filed_on:
                        services.case_chargesheet(actor=user, case_id=pk, number=number,
                                                  filed_on=filed_on), _("Chargesheet recorded.")),
        "close": (f.CloseForm(post), lambda reason, duplicate_of, note:
                  services.case_close(actor=user, case_id=pk, reason=reason, note=note,
                                      duplicate_of=duplicate_of), _("Case closed.")),
        "arrest": (f.ArrestForm(post), lambda person, arrested_on, note:
                   services.arrest_add(actor=user, case_id=pk, person=person,
                                       arrested_on=arrested_on, note=note), _("Arrest recorded.")),
        "seizure": (f.SeizureForm(post), lambda seized_on, items, video_recorded:
                    services.seizure_add(actor=user, case_id=pk, seized_on=seized_on,
                                         items=items, video_recorded=video_recorded),
                    _("Seizure recorded.")),
        "notice": (f.NoticeForm(post), lambda section, recipient_kind, recipient, sent_on,
                   due_on: services.notice_add(
                       actor=user, case_id=pk, section=section, recipient_kind=recipient_kind,
                       recipient=recipient, sent_on=sent_on, due_on=due_on),
                   _("Notice recorded.")),
    }
    if action not in actions:
        raise Http404("No such action")
    selectors.case_get(user=user, case_id=pk)  # 404 before anything else when not visible
    _run(request, *actions[action])
    return redirect("cases:case_detail", pk=pk)


@gate("report.view")
@require_POST
def notice_reply(request: AuthedRequest, pk: int) -> HttpResponse:
    notice = selectors.notice_get(user=request.user, notice_id=pk)
    _run(request, f.NoticeReplyForm(request.POST), lambda replied_on, reply:
         services.notice_reply(actor=request.user, notice_id=pk, replied_on=replied_on,
                               reply=reply), _("Reply recorded."))
    return redirect("cases:case_detail", pk=notice.case_id)


@gate("report.view")
@require_POST
def checklist_set(request: AuthedRequest, pk: int) -> HttpResponse:
    item = selectors.checklist_item_get(user=request.user, item_id=pk)
    _run(request, f.ChecklistForm(request.POST), lambda done, note:
         services.checklist_item_set(actor=request.user, item_id=pk, done=done, note=note),
         _("Checklist updated."))
    return redirect("cases:case_detail", pk=item.case_id)


@gate("sop.edit", everywhere=True)
def sections(request: AuthedRequest) -> HttpResponse:
    """The catalogue of sections offered when registering an FIR (the hub edits it)."""
    return render(request, "cases/sections.html", {
        "section": "cases", "sections": selectors.legal_sections_all(),
        "form": f.LegalSectionForm(),
    })


@gate("sop.edit", everywhere=True)
@require_POST
def section_add(request: AuthedRequest) -> HttpResponse:
    _run(request, f.LegalSectionForm(request.POST), lambda short, act, section, about:
         services.legal_section_add(actor=request.user, short=short, act=act, section=section,
                                    about=about), _("Section added."))
    return redirect("cases:sections")


@gate("sop.edit", everywhere=True)
@require_POST
def section_active(request: AuthedRequest, pk: int) -> HttpResponse:
    row = selectors.legal_section_get(section_id=pk)
    services.legal_section_set_active(actor=request.user, section_id=row.pk,
                                      active=not row.active)
    messages.success(request, (_("%(section)s retired.") if row.active
                              else _("%(section)s offered again.")) % {"section": row})
    return redirect("cases:sections")
