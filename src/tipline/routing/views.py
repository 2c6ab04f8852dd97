"""Routing actions on a report: transfer (POST only; the form sits on the report page)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from tipline.accounts import policies
from tipline.core.errors import NotPermitted, RejectedInput
from tipline.routing.forms import TransferForm
from tipline.routing.services import report_transfer


@login_required
@require_POST
def transfer(request: HttpRequest, pk: int) -> HttpResponse:
    if not policies.can(request.user, "report.assign"):
        raise Http404("No such page")
    form = TransferForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give a jurisdiction code and a reason.")
        return redirect("intake:report_detail", pk=pk)
    try:
        report = report_transfer(actor=request.user, report_id=pk,
                                 to_code=form.cleaned_data["to"],
                                 reason=form.cleaned_data["reason"])
    except (RejectedInput, NotPermitted) as exc:
        messages.error(request, str(exc))
        return redirect("intake:report_detail", pk=pk)
    messages.success(request, f"{report.reference} sent to {report.jurisdiction.name}.")
    # the sender may no longer see it: go where they can
    if policies.can(request.user, "report.view", jurisdiction_id=report.jurisdiction_id):
        return redirect("intake:report_detail", pk=pk)
    return redirect("intake:report_list")
