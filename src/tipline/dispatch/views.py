"""Packet pages: the hub or nodal officer builds a packet and sees its passphrase once; a unit
lists its packets, downloads (audited) and acknowledges them.

A packet the user may not see answers 404, exactly like one that does not exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tipline.accounts import policies
from tipline.accounts.policies import gate
from tipline.accounts.types import AuthedRequest
from tipline.core.errors import TiplineError
from tipline.dispatch import selectors, services
from tipline.dispatch.forms import PacketBuildForm, PacketCorrectForm, SopForm

LIST_LIMIT = 200


@gate("packet.receive", "packet.create")
@require_GET
def packet_list(request: AuthedRequest) -> HttpResponse:
    now = timezone.now()
    received = list(selectors.packets_for(user=request.user, action="packet.receive")
                    [:LIST_LIMIT]) if policies.can(request.user, "packet.receive") else []
    sent = list(selectors.packets_for(user=request.user, action="packet.create")
                [:LIST_LIMIT]) if policies.can(request.user, "packet.create") else []
    for p in [*received, *sent]:
        p.overdue = selectors.packet_is_overdue(p, now=now)  # type: ignore[attr-defined]
    return render(request, "dispatch/packet_list.html", {
        "section": "packets", "received": received, "sent": sent,
        "can_create": bool(sent) or policies.can(request.user, "packet.create"),
        "can_edit_sop": policies.can_everywhere(request.user, "sop.edit"),
        "correct_form": PacketCorrectForm(),
    })


def _choices(request: AuthedRequest) -> list[tuple[str, str]]:
    return [(w.code, f"{w.name} ({w.code}) · {w.count} waiting")
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
        messages.error(request, "Give the reason for the correction.")
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
        messages.success(request, f"{packet.reference} acknowledged.")
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
            messages.success(request, f"SOP version {sop.version} saved; new packets carry it.")
            return redirect("dispatch:sop_edit")
    return render(request, "dispatch/sop_edit.html", {
        "section": "packets", "form": form, "current": current,
        "versions": selectors.sop_versions()})
