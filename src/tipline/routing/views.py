"""Routing pages: the queues where people place reports, a unit's inbox, a state's units,
the units directory, and the transfer action (its form sits on the report page and in the
queues)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from tipline.accounts import policies
from tipline.accounts.policies import gate, node_or_404
from tipline.accounts.types import AuthedRequest
from tipline.core.errors import NotPermitted, RejectedInput
from tipline.jurisdictions.models import Jurisdiction
from tipline.jurisdictions.selectors import jurisdiction_states, jurisdiction_tree
from tipline.jurisdictions.services import unit_language_set
from tipline.jurisdictions.unit_files import unit_rows_render
from tipline.jurisdictions.units import coverage_overrides, unit_rows
from tipline.routing import selectors
from tipline.routing.forms import TransferForm
from tipline.routing.services import inbox_visit_record, report_transfer, reports_transfer


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _back(request: AuthedRequest, fallback: str, **kwargs: Any) -> HttpResponse:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(target)
    return redirect(fallback, **kwargs)


@gate("report.assign")
@require_POST
def transfer(request: AuthedRequest, pk: int) -> HttpResponse:
    data = request.POST.copy()
    other = request.POST.get("to_other", "")
    if not data.get("to") and other:  # the queue's "other" choice
        data["to"] = other
    form = TransferForm(data)
    if not form.is_valid():
        messages.error(request, _("Give a unit's name or code and a reason."))
        return _back(request, "intake:report_detail", pk=pk)
    try:
        report = report_transfer(actor=request.user, report_id=pk,
                                 to_code=form.cleaned_data["to"],
                                 reason=form.cleaned_data["reason"])
    except (RejectedInput, NotPermitted) as exc:
        messages.error(request, str(exc))
        return _back(request, "intake:report_detail", pk=pk)
    messages.success(request, _("%(report)s sent to %(unit)s.") % {
        "report": report.reference, "unit": report.jurisdiction.name})
    if request.POST.get("next"):
        return _back(request, "routing:queue")
    # the sender may no longer see it: go where they can
    if policies.can(request.user, "report.view", jurisdiction_id=report.jurisdiction_id):
        return redirect("intake:report_detail", pk=pk)
    return redirect("intake:report_list")


@gate("report.assign")
@require_POST
def bulk_assign(request: AuthedRequest) -> HttpResponse:
    """The queue's selected rows, sent to one place with one reason."""
    ids = [int(v) for v in request.POST.getlist("report") if v.isdigit()]
    target = request.POST.get("to_other", "").strip()
    reason = request.POST.get("reason", "")
    try:
        moved = reports_transfer(actor=request.user, report_ids=ids, to_code=target,
                                 reason=reason)
    except (RejectedInput, NotPermitted) as exc:
        messages.error(request, _("Nothing was assigned: %(why)s.") % {"why": exc})
    except Http404:
        messages.error(request, _("Nothing was assigned: a selected report is no longer in "
                                  "your queue."))
    else:
        messages.success(request, ngettext(
            "%(count)d report sent to %(unit)s.", "%(count)d reports sent to %(unit)s.",
            len(moved)) % {"count": len(moved), "unit": moved[0].jurisdiction.name})
    return _back(request, "routing:queue")


@gate("report.assign")
@require_GET
def queue(request: AuthedRequest) -> HttpResponse:
    """Reports that wait for a person: conflicting, foreign, unknown, or without a unit."""
    nodes = selectors.queue_nodes(user=request.user)
    if not nodes:
        raise Http404("No such page")
    by_code = {n.code: n for n in nodes}
    node = by_code.get((request.GET.get("at") or "").upper(), nodes[0])
    items, more = selectors.queue_page(user=request.user, node=node,
                                       before=_int(request.GET.get("before")))
    counts = selectors.queue_counts(user=request.user)
    return render(request, "routing/queue.html", {
        "section": "queue", "node": node, "items": items, "more": more,
        "targets": selectors.assign_targets(user=request.user),
        "queues": [(n, counts.get(n.id, 0)) for n in nodes
                   if counts.get(n.id, 0) or n.id == node.id or n.kind == "country"],
    })


@gate("report.view")
@require_GET
def inbox(request: AuthedRequest) -> HttpResponse:
    """A unit's reports, newest first, and the notices about reports that left it."""
    units = selectors.inbox_units(user=request.user)
    if not units:
        raise Http404("No such page")
    chosen = {n.code: n for n in units}.get((request.GET.get("unit") or "").upper())
    before = _int(request.GET.get("before"))
    reports, more = selectors.inbox_page(user=request.user, unit=chosen, before=before)
    mark = selectors.inbox_mark(user=request.user)
    seen = mark or 0
    if chosen is None and before is None and reports and reports[0].pk > seen:
        # the whole inbox, from its top: what it shows is read from now on
        inbox_visit_record(user=request.user, last_report_id=reports[0].pk,
                           known=mark is not None)
    return render(request, "routing/inbox.html", {
        "section": "inbox", "reports": reports, "more": more, "unit": chosen, "seen": seen,
        "new_count": sum(1 for r in reports if r.pk > seen),
        "units": units if len(units) <= 60 else [], "notices":
        selectors.notices_for(user=request.user),
    })


@gate("report.view")
@require_GET
def state_view(request: AuthedRequest, code: str) -> HttpResponse:
    """A nodal officer's view of the state: its queue and its units' loads and contacts."""
    state = node_or_404(request.user, action="report.view", code=f"IN-{code}", kinds=("state",))
    waiting, contact, loads = selectors.state_overview(user=request.user, state=state)
    return render(request, "routing/state.html", {
        "section": "states", "state": state, "waiting": waiting, "loads": loads,
        "contact": contact,
        "can_assign": policies.can(request.user, "report.assign", jurisdiction_id=state.id),
    })


@gate("report.view")
@require_GET
def states(request: AuthedRequest) -> HttpResponse:
    visible = selectors.states_visible(user=request.user)
    if not visible:
        raise Http404("No such page")
    if len(visible) == 1:
        return redirect("routing:state", code=visible[0].code.split("-", 1)[1])
    return render(request, "routing/states.html", {"section": "states", "states": visible})


@gate("report.view")
@require_GET
def units(request: AuthedRequest) -> HttpResponse:
    """The units directory (areas and contacts) of a state, and its CSV."""
    state = (request.GET.get("state") or "").upper()
    if f"IN-{state}" not in jurisdiction_tree().by_code:
        state = ""
    rows = [r for r in unit_rows(state=state or None)
            if r.kind != "district" or r.coverage() or r.officer or state]
    if request.GET.get("format") == "csv":
        response = HttpResponse(unit_rows_render(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="units-{state or "IN"}.csv"'
        return response
    return render(request, "routing/units.html", {
        "section": "units", "rows": rows, "state": state, "states": jurisdiction_states(),
        "overrides": coverage_overrides(),
        "hub": policies.can_everywhere(request.user, "report.assign"),
        "languages": Jurisdiction.Language.choices,
    })


@gate("report.view")
@require_POST
def unit_language(request: AuthedRequest, code: str) -> HttpResponse:
    """Set the language of a unit's packet headings (the hub only: anyone else who sees the
    unit is refused, 403; a unit they cannot see is a 404). Back to the units page."""
    node = node_or_404(request.user, action="report.view", code=code)
    try:
        unit_language_set(actor=request.user, code=node.code,
                          language=str(request.POST.get("language", "")))
    except NotPermitted as exc:
        raise PermissionDenied(str(exc)) from exc
    except RejectedInput as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Packet language of %(unit)s saved.") % {"unit": node.name})
    parts = node.code.split("-")
    state = f"?state={parts[1]}" if len(parts) > 2 else ""
    return redirect(reverse("routing:units") + state)
