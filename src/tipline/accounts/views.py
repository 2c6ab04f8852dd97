"""Logging in: the password (Django's login view, refusing locked accounts with a clear
page), then the second factor (a code, or the enrolment at the first login), and the
recovery codes. SecondFactorMiddleware sends every other page here until it is passed."""

from __future__ import annotations

import base64
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from tipline.accounts import second_factor as sf
from tipline.accounts.forms import CodeForm
from tipline.accounts.lockout import client_ip
from tipline.accounts.policies import mfa_required
from tipline.core.errors import RejectedInput

#: the recovery codes just made, shown once by the codes page and then dropped
CODES_KEY = "tipline_recovery_codes"


class LoginView(auth_views.LoginView):
    """Django's login; a locked account or address gets a page saying so (HTTP 429)."""

    def form_invalid(self, form: Any) -> HttpResponse:
        if getattr(self.request, "axes_locked_out", False):
            minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
            return render(self.request, "registration/locked.html",
                          {"minutes": minutes}, status=429)
        return super().form_invalid(form)


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, target: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': target})}"


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    """The step after the password: a code from the authenticator, or a recovery code."""
    user: Any = request.user
    target = _next(request)
    if user.is_verified():
        return redirect(target)
    if sf.totp_device(user=user) is None:
        if mfa_required(user) or sf.has_second_factor(user=user):
            return redirect(_with_next("accounts:otp_enrol", target))
        return redirect(target)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = sf.verify(user=user, code=form.cleaned_data["code"],
                            address=client_ip(request))
        if outcome.device is not None:
            otp_login(request, outcome.device)
            if outcome.recovery_codes_left is not None:
                left = outcome.recovery_codes_left
                messages.warning(request, ngettext(
                    "You used a recovery code: %(left)d left. Make new ones on the recovery "
                    "codes page.",
                    "You used a recovery code: %(left)d left. Make new ones on the recovery "
                    "codes page.", left) % {"left": left})
            return redirect(target)
        if outcome.wait_until is not None:
            until = timezone.localtime(outcome.wait_until)
            form.add_error("code", _("Too many wrong codes: wait until %(time)s, then try "
                                     "again.") % {"time": f"{until:%H:%M:%S} IST"})
        else:
            form.add_error("code", _("That code is not right. Check the time on your phone, "
                                     "or use a recovery code."))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": target})


def _grouped(text: str) -> str:
    return " ".join(text[i:i + 4] for i in range(0, len(text), 4))


@login_required
@require_http_methods(["GET", "POST"])
def otp_enrol(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator app: a QR code (drawn here, as SVG), its secret as text, and a
    code to prove it works; then the recovery codes, once."""
    user: Any = request.user
    target = _next(request)
    if sf.totp_device(user=user) is not None:
        return redirect(_with_next("accounts:otp_verify", target))
    device = sf.enrolment_start(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            done = sf.enrolment_confirm(user=user, code=form.cleaned_data["code"],
                                        address=client_ip(request))
        except RejectedInput as exc:
            form.add_error("code", str(exc))
            done = None
        else:
            if done is None:
                form.add_error("code", _("That code is not right: enter the six digits the "
                                         "app shows now."))
        if done is not None:
            otp_login(request, done.device)
            request.session[CODES_KEY] = done.codes
            return redirect(_with_next("accounts:otp_codes", target))
    secret = base64.b32encode(device.bin_key).decode("ascii")
    qr = segno.make(device.config_url, error="m").svg_inline(
        scale=4, svgclass="qr", title=_("QR code to scan with the authenticator app"))
    return render(request, "accounts/otp_enrol.html", {
        "form": form, "next": target, "qr": qr, "secret": _grouped(secret),
        "required": mfa_required(user)})


@login_required
@require_http_methods(["GET", "POST"])
def otp_codes(request: HttpRequest) -> HttpResponse:
    """The recovery codes: shown once when made (at enrolment, or regenerated here), and how
    many are left."""
    user: Any = request.user
    codes = request.session.pop(CODES_KEY, None)
    error = ""
    if request.method == "POST":
        try:
            codes = sf.recovery_codes_regenerate(user=user)
        except RejectedInput as exc:
            error = str(exc)
    return render(request, "accounts/otp_codes.html", {
        "codes": codes, "error": error, "next": _next(request),
        "enrolled": sf.totp_device(user=user) is not None,
        "left": sf.recovery_codes_left(user=user), "required": mfa_required(user)})
