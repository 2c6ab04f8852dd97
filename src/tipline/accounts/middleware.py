"""Sessions that end: after TIPLINE_SESSION_IDLE_SECONDS without a request, and in any case
TIPLINE_SESSION_SECONDS after the login, whatever the activity (an unattended screen in a
police station, a stolen laptop left logged in). And sessions that do nothing until the
second factor is passed (SecondFactorMiddleware)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from tipline.accounts.second_factor import second_factor_pending

LOGGED_IN_AT = "tipline_logged_in_at"
SEEN_AT = "tipline_seen_at"
#: the last request's time is written to the session at most this often (a write per page
#: would make every page view a database write)
SEEN_EVERY = 60


@receiver(user_logged_in)
def _on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[LOGGED_IN_AT] = request.session[SEEN_AT] = now


class SessionTimeoutMiddleware:
    """Log a signed-in user out once the session is idle too long or too old, and send a
    page request to the login page (which then returns to it)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            session = request.session
            logged_in = int(session.get(LOGGED_IN_AT, now))
            seen = int(session.get(SEEN_AT, now))
            if (now - seen > settings.SESSION_IDLE_SECONDS
                    or now - logged_in > settings.SESSION_COOKIE_AGE):
                logout(request)
                return redirect_to_login(request.get_full_path())
            if LOGGED_IN_AT not in session:
                session[LOGGED_IN_AT] = now
            if now - seen >= SEEN_EVERY or SEEN_AT not in session:
                session[SEEN_AT] = now
        return self.get_response(request)


#: what an unverified user may still open: the login and second-factor steps, the logout,
#: static files, the Corresponding Source, and the parts with their own authentication or
#: none (the public tip pages, the CyberTipline API's Basic auth, the JSON API's tokens)
OPEN_PREFIXES = ("/static/", "/tip/", "/ispws/", "/api/", "/i18n/")
OPEN_NAMES = ("login", "logout", "accounts:otp_verify", "accounts:otp_enrol", "source_archive")


class SecondFactorMiddleware:
    """Send a logged-in user who has not passed the second factor to it, from every page but
    the few above, whenever they must (accounts.policies.mfa_required) or chose to (they have
    a device). One place for every page, so no view can forget it. After OTPMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._open: frozenset[str] | None = None

    def _open_paths(self) -> frozenset[str]:
        if self._open is None:
            self._open = frozenset(reverse(name) for name in OPEN_NAMES)
        return self._open

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (user is not None and request.path not in self._open_paths()
                and not request.path.startswith(OPEN_PREFIXES)
                and second_factor_pending(user=user)):
            return redirect(f"{reverse('accounts:otp_verify')}?"
                            + urlencode({"next": request.get_full_path()}))
        return self.get_response(request)
