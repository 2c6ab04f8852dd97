"""Packet pages: the hub or nodal officer builds a packet and sees its passphrase once; a unit
lists its packets, downloads (audited) and acknowledges them.

A packet the user may not see answers 404, exactly like one that does not exist.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tipline.accounts import policies
from tipline.accounts.policies import gate
from tipline.accounts.types import AuthedRequest
from tipline.core.errors import TiplineError
from tipline.dispatch import selectors, services
from tipline.dispatch.forms import PacketBuildForm, PacketCorrectForm, PacketFilterForm, SopForm
from tipline.dispatch.models import Packet
from tipline.jurisdictions.selectors import jurisdiction_tree

PAGE = 50


def _page(request: AuthedRequest, action: str, param: str, filters: dict[str, Any],
          now: datetime) -> Page[Packet]:
    """One page of the packets the user may `action`, filtered; `param` names its number."""
    packets = selectors.packets_filtered(
        selectors.packets_for(user=request.user, action=action), now=now, **filters)
    page = Paginator(packets, PAGE).get_page(request.GET.get(param))
    for p in page.object_list:
        p.overdue = selectors.packet_is_overdue(p, now=now)  # type: ignore[attr-defined]
    return page


@gate("packet.receive", "packet.create")
@require_GET
def packet_list(request: AuthedRequest) -> HttpResponse:
    """Packets received (to download and acknowledge) and packets sent (to correct), 50 a
    page each, narrowed by status, place and dates; each list headed by whose packets they
    are. When the user receives and sends over the same places, one list does both."""
    user, now = request.user, timezone.now()
    receives, creates = policies.can(user, "packet.receive"), policies.can(user, "packet.create")
    both = receives and creates and (policies.allowed_jurisdictions(user, "packet.receive")
                                     == policies.allowed_jurisdictions(user, "packet.create"))
    action = "packet.receive" if receives else "packet.create"
    places = [(n.code, f"{n.name} ({n.code})")
              for n in selectors.packet_places(user=user, action=action)]
    form = PacketFilterForm(request.GET or None, statuses=selectors.PACKET_STATUSES,
                            places=places)
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        code = form.cleaned_data["place"]
        filters = {"status": form.cleaned_data["status"], "since": form.cleaned_data["since"],
                   "until": form.cleaned_data["until"],
                   "place": jurisdiction_tree().by_code[code].id if code else None}
    received = _page(request, "packet.receive", "page", filters, now) if receives else None
    sent = (_page(request, "packet.create", "sent_page", filters, now)
            if creates and not both else None)
    return render(request, "dispatch/packet_list.html", {
        "section": "packets", "received": received, "sent": sent, "both": both,
        "form": form, "filtered": bool(filters and any(v for v in filters.values())),
        "received_scope": selectors.packet_scope_name(user=user, action="packet.receive"),
        "sent_scope": selectors.packet_scope_name(user=user, action="packet.create"),
        "can_create": creates,
        "can_edit_sop": policies.can_everywhere(user, "sop.edit"),
        "correct_form": PacketCorrectForm(),
    })


def _choices(request: AuthedRequest) -> list[tuple[str, str]]:
    return [(w.code, _("%(name)s (%(code)s) · %(count)s waiting") % {
                "name": w.name, "code": w.code, "count": w.count})
            for w in selectors.packet_targets_waiting(user=request.user)
            if w.kind != "country"]


def _passphrase_page(request: AuthedRequest, built: services.Built) -> HttpResponse:
    response = render(request, "dispatch/packet_built.html", {
        "section": "packets", "packet": built.packet, "passphrase": built.passphrase})
    response["Cache-Control"] = "no-store"
    return response


@gate("packet.create")
@never_cache
@require_http_methods(["GET", "POST"])
def packet_new(request: AuthedRequest) -> HttpResponse:
    form = PacketBuildForm(request.POST or None, choices=_choices(request))
    if request.method == "POST" and form.is_valid():
        try:
            built = services.packet_build(
                actor=request.user, target_code=form.cleaned_data["target"],
                since=form.cleaned_data["since"], note=form.cleaned_data["note"])
        except TiplineError as exc:
            form.add_error(None, str(exc))
        else:
            return _passphrase_page(request, built)
    return render(request, "dispatch/packet_new.html", {"section": "packets", "form": form})


@gate("packet.create")
@never_cache
@require_POST
def packet_correct(request: AuthedRequest, pk: int) -> HttpResponse:
    form = PacketCorrectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for the correction."))
        return redirect("dispatch:packet_list")
    try:
        built = services.packet_correct(actor=request.user, packet_id=pk,
                                        reason=form.cleaned_data["reason"])
    except TiplineError as exc:
        messages.error(request, str(exc))
        return redirect("dispatch:packet_list")
    return _passphrase_page(request, built)


@gate("packet.receive")
@require_GET
def packet_download(request: AuthedRequest, pk: int) -> StreamingHttpResponse:
    packet, stream = services.packet_download(actor=request.user, packet_id=pk)
    response = StreamingHttpResponse(stream, content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="{packet.reference}-{packet.target.code}.zip"')
    response["Content-Length"] = str(packet.size)
    response["Cache-Control"] = "no-store"
    return response


@gate("packet.receive")
@require_POST
def packet_acknowledge(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        packet = services.packet_acknowledge(actor=request.user, packet_id=pk)
    except TiplineError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(reference)s acknowledged.") % {
            "reference": packet.reference})
    return redirect("dispatch:packet_list")


@gate("sop.edit", everywhere=True)
@require_http_methods(["GET", "POST"])
def sop_edit(request: AuthedRequest) -> HttpResponse:
    current = selectors.sop_current()
    form = SopForm(request.POST or None, initial={"title": current.title, "body": current.body})
    if request.method == "POST" and form.is_valid():
        try:
            sop = services.sop_edit(actor=request.user, title=form.cleaned_data["title"],
                                    body=form.cleaned_data["body"])
        except TiplineError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("SOP version %(version)s saved; new packets carry it.") % {
                "version": sop.version})
            return redirect("dispatch:sop_edit")
    return render(request, "dispatch/sop_edit.html", {
        "section": "packets", "form": form, "current": current,
        "versions": selectors.sop_versions()})
