"""Login throttling and lockout, through django-axes (settings.AXES_*).

An account is locked after TIPLINE_LOGIN_FAILURE_LIMIT failed logins from anywhere, and an
address after as many on any accounts (guessing one password from many machines, or many
passwords from one). The lock lifts after TIPLINE_LOGIN_COOLOFF_MINUTES, or at once with
`tipline users unlock`. Each new lock and each unlock is an audit event; attempts made while
locked are refused unchecked and not counted (so they neither extend the lock nor flood the
trail). The login page and /ispws/'s Basic auth both check passwords through Django's
`authenticate`, so both are covered.
"""

from __future__ import annotations

from typing import Any

from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.db.models import Sum
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from tipline.accounts.models import User
from tipline.audit.services import audit_record


def client_ip(request: HttpRequest) -> str:
    """The caller's address: the connection's, or behind a reverse proxy the header it sets
    (TIPLINE_TIP_CLIENT_ADDRESS_HEADER; of a list, the last entry, the one the proxy
    added)."""
    header = settings.TIP_CLIENT_ADDRESS_HEADER
    address = (request.META.get(header, "") if header else "") or request.META.get(
        "REMOTE_ADDR", "")
    return str(address).split(",")[-1].strip()


@receiver(user_locked_out)
def _on_locked(sender: Any, request: HttpRequest | None, username: str | None,
               ip_address: str | None, **kwargs: Any) -> None:
    """A new lock (not an attempt refused while already locked) goes into the audit trail."""
    failures = getattr(request, "axes_failures_since_start", None)
    if failures is None:  # refused while locked: the lock was recorded when it began
        return
    user = User.objects.filter(username=username).first() if username else None
    with transaction.atomic():
        audit_record(actor=None, action="login.locked", obj=user, data={
            "username": username or "", "address": ip_address or "", "failures": failures,
            "path": getattr(request, "path", ""),
            "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)})


@receiver(user_logged_in)
def _on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """A good password forgets the account's own failures (from every address), not the
    address's failures on other accounts: axes' AXES_RESET_ON_SUCCESS would forget both, so
    an insider could clear their address's count by logging in as themselves between
    guesses at someone else's password."""
    AccessAttempt.objects.filter(username=user.get_username()).delete()


def login_failures(*, username: str = "", address: str = "") -> int:
    """Failed logins counted now (within the cool-off) against an account or an address."""
    attempts = AccessAttempt.objects.filter(
        attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME)
    if username:
        attempts = attempts.filter(username=username)
    if address:
        attempts = attempts.filter(ip_address=address)
    return int(attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0)


def login_locked(*, username: str = "", address: str = "") -> bool:
    """Is the account (or the address) locked out now?"""
    return login_failures(username=username, address=address) >= settings.AXES_FAILURE_LIMIT


@transaction.atomic
def login_unlock(*, actor: User | None, username: str = "", address: str = "") -> int:
    """Lift the lock of an account (every address's failures on it) or of an address, and
    audit it. Returns the failed attempts forgotten."""
    if not username and not address:
        raise ValueError("unlock an account or an address")
    attempts = AccessAttempt.objects.all()
    if username:
        attempts = attempts.filter(username=username)
    if address:
        attempts = attempts.filter(ip_address=address)
    failures = int(attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0)
    attempts.delete()
    user = User.objects.filter(username=username).first() if username else None
    audit_record(actor=actor, action="login.unlocked", obj=user,
                 data={"username": username, "address": address, "failures": failures})
    return failures
