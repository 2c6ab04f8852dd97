"""The public pages: the tip form (/tip/) and the status look-up (/tip/status/). No login;
each address is rate limited; nothing a tipster sent is ever shown back."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.crypto import salted_hmac
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from tipline.tips import selectors
from tipline.tips.challenges import pow_issue, question_issue
from tipline.tips.forms import CHALLENGE_ERRORS, StatusForm, TipForm
from tipline.tips.models import AddressCount
from tipline.tips.services import (
    ChallengeReplayed,
    TipFile,
    TipInput,
    address_count_add,
    tip_submit,
)


def client_address(request: HttpRequest) -> str:
    """The visitor's address as a keyed hash (the address itself is never stored)."""
    header = settings.TIP_CLIENT_ADDRESS_HEADER
    address = (request.META.get(header, "") if header else "") or request.META.get(
        "REMOTE_ADDR", "")
    # a list (X-Forwarded-For): the last entry is the one the proxy in front added; the
    # ones before it are whatever the client sent
    address = address.split(",")[-1].strip()
    return salted_hmac("tipline.tips.address", address, algorithm="sha256").hexdigest()


def _form_page(request: HttpRequest, form: TipForm, *, status: int = 200,
               error: str = "") -> HttpResponse:
    return render(request, "tips/form.html", {
        "form": form, "pow_token": pow_issue(), "question": question_issue(), "error": error,
        "had_files": bool(request.FILES), "max_files": settings.TIP_MAX_FILES,
        "max_file_bytes": settings.TIP_MAX_FILE_BYTES,
    }, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def tip_form(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _form_page(request, TipForm())
    address = client_address(request)
    form = TipForm(request.POST, request.FILES)
    if selectors.address_over(scope=AddressCount.Scope.TIP, address=address,
                              limit=settings.TIP_PER_HOUR):
        return _form_page(request, form, status=429, error=_(
            "Too many tips have been sent from your connection in the last hour. Please try "
            "again later, or call 1930 (the cybercrime helpline)."))
    if not form.is_valid():
        return _form_page(request, form, status=400)
    data = form.cleaned_data
    tip = TipInput(
        what=data["what"], state_code=data["state"], district=data["district"],
        pin=data["pin"], place=data["place"], links=data["links"], name=data["name"],
        phone=data["phone"], email=data["email"],
        files=[TipFile(name=f.name, content_type=f.content_type or "", chunks=f.chunks)
               for f in data["attachments"]])
    try:
        receipt = tip_submit(tip=tip, challenge_nonce=form.challenge_nonce, address=address,
                             language=get_language() or settings.LANGUAGE_CODE)
    except ChallengeReplayed:
        return _form_page(request, form, status=400, error=str(CHALLENGE_ERRORS["replayed"]))
    return render(request, "tips/thanks.html", {"receipt": receipt})


@never_cache
@require_http_methods(["GET", "POST"])
def tip_status(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {"form": StatusForm(request.POST or None)}
    status = 200
    if request.method == "POST":
        count = address_count_add(scope=AddressCount.Scope.STATUS,
                                  address=client_address(request))
        form = context["form"]
        if count > settings.TIP_STATUS_PER_MINUTE:
            context["error"] = _("Too many look-ups from your connection. Please wait a minute "
                                 "and try again.")
            status = 429
        elif form.is_valid():
            found = selectors.tip_status(tracking=form.cleaned_data["tracking"],
                                         secret=form.cleaned_data["secret"])
            if found is None:
                context["error"] = _("We found no tip with that tracking number and secret. "
                                     "Please check both and try again.")
                status = 404
            else:
                context["status"] = found
                context["form"] = StatusForm()
        else:
            status = 400
    return render(request, "tips/status.html", context, status=status)
