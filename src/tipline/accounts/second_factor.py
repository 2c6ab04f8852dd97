"""The second factor: a TOTP authenticator app, and recovery codes for when it is lost.

Built on django-otp's TOTP and static-token devices (their throttling on: each wrong code
doubles the wait before the next, per device). One confirmed TOTP device per user; recovery
codes are a static device whose tokens are stored as a hash (a copy of the database does not
hand out usable codes), each good once. Every step is audited: enrolled, verified, a wrong
code, a recovery code used, codes regenerated, the second factor reset.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext
from django_otp.models import VerifyNotAllowed
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tipline.accounts.models import User
from tipline.accounts.policies import mfa_required, require
from tipline.audit.services import audit_record
from tipline.core.errors import RejectedInput

#: how many recovery codes a user holds
RECOVERY_CODES = 10
#: the device names, as the user's devices are listed
TOTP_NAME = "authenticator app"
RECOVERY_NAME = "recovery codes"


def totp_device(*, user: User) -> TOTPDevice | None:
    """The user's confirmed authenticator, if they enrolled one."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()


def has_second_factor(*, user: User) -> bool:
    """Has the user a confirmed device (authenticator or recovery codes)?"""
    return (TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()
            or StaticDevice.objects.devices_for_user(user, confirmed=True).exists())


def second_factor_pending(*, user: Any) -> bool:
    """Whether a logged-in user still owes their second factor: they must give one (policies
    .mfa_required) or chose to (they have a device), and have not yet in this session. Until
    then they see only the second-factor pages, and the header shows no menu."""
    return bool(getattr(user, "is_authenticated", False) and not user.is_verified()
                and (mfa_required(user) or has_second_factor(user=user)))


def recovery_codes_left(*, user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _normal(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def recovery_digest(code: str) -> str:
    """What is stored of a recovery code: 16 hex characters of its SHA-256 (a code carries
    80 random bits, so no slow hash is needed, and 64 bits of digest cannot be guessed)."""
    return hashlib.sha256(_normal(code).encode("utf-8")).hexdigest()[:16]


def _new_code() -> str:
    raw = base64.b32encode(secrets.token_bytes(10)).decode("ascii").lower()
    return "-".join(raw[i:i + 4] for i in range(0, 16, 4))


def _recovery_codes_replace(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [_new_code() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(
        [StaticToken(device=device, token=recovery_digest(code)) for code in codes])
    return codes


@transaction.atomic
def enrolment_start(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator the enrolment page shows as a QR code: the same one on
    every visit until it is confirmed. A user who has one confirmed cannot start another (the
    hub resets it first: `tipline users reset-2fa`)."""
    if totp_device(user=user) is not None:
        raise RejectedInput(gettext("a second factor is already set up"))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


@dataclass(frozen=True)
class Enrolled:
    """An authenticator just confirmed, and the recovery codes to show once."""

    device: TOTPDevice
    codes: list[str]


@transaction.atomic
def enrolment_confirm(*, user: User, code: str, address: str = "") -> Enrolled | None:
    """Confirm the authenticator of `enrolment_start` with a code it shows: the device is
    confirmed, new recovery codes made, and the enrolment audited. None if the code is wrong
    (throttled as any wrong code)."""
    device = (TOTPDevice.objects.select_for_update()
              .filter(user=user, confirmed=False).order_by("pk").first())
    if device is None or totp_device(user=user) is not None:
        raise RejectedInput(gettext("no enrolment under way: open the enrolment page again"))
    if not device.verify_token(_normal(code)):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    codes = _recovery_codes_replace(user)
    audit_record(actor=user, action="otp.enrolled", obj=user,
                 data={"recovery_codes": len(codes), "address": address})
    return Enrolled(device=device, codes=codes)


@dataclass(frozen=True)
class Verified:
    """The outcome of a code: the device that accepted it (None: refused), and if refused
    because of earlier wrong codes, until when the device refuses every code."""

    device: TOTPDevice | StaticDevice | None
    wait_until: datetime | None = None
    recovery_codes_left: int | None = None


def verify(*, user: User, code: str, address: str = "") -> Verified:
    """Check a code after the password: six digits against the authenticator, anything else
    against the recovery codes (each used once). Audited either way, in its own transaction
    (a wrong code is kept, with its throttling, even though the page answers an error)."""
    code = _normal(code)
    recovery = not (code.isdigit() and len(code) == 6)
    with transaction.atomic():
        model = StaticDevice if recovery else TOTPDevice
        device = (model.objects.devices_for_user(user, confirmed=True).select_for_update()
                  .order_by("pk").first())
        if device is None:
            return Verified(None)
        allowed, why = device.verify_is_allowed()
        if not allowed:
            until = (why or {}).get("locked_until")
            if (why or {}).get("reason") == VerifyNotAllowed.N_FAILED_ATTEMPTS:
                return Verified(None, wait_until=until)
            return Verified(None)
        kind = "recovery code" if recovery else "authenticator"
        if device.verify_token(recovery_digest(code) if recovery else code):
            left = recovery_codes_left(user=user) if recovery else None
            action = "otp.recovery_used" if recovery else "otp.verified"
            data: dict[str, object] = {"address": address}
            if left is not None:
                data["recovery_codes_left"] = left
            audit_record(actor=user, action=action, obj=user, data=data)
            return Verified(device, recovery_codes_left=left)
        audit_record(actor=user, action="otp.failed", obj=user,
                     data={"kind": kind, "failures": device.throttling_failure_count,
                           "address": address})
        return Verified(None)


@transaction.atomic
def recovery_codes_regenerate(*, user: User) -> list[str]:
    """New recovery codes for the user (the old ones stop working), shown once."""
    if totp_device(user=user) is None:
        raise RejectedInput(gettext("set up an authenticator first"))
    codes = _recovery_codes_replace(user)
    audit_record(actor=user, action="otp.recovery_regenerated", obj=user,
                 data={"recovery_codes": len(codes)})
    return codes


@transaction.atomic
def second_factor_reset(*, actor: User | None, user: User) -> int:
    """Remove the user's authenticator and recovery codes (a lost phone): their sessions
    lose their verification at the next request, and they enrol again at their next login.
    A person acting needs user.manage; the command line resets freely. Returns the devices
    removed."""
    if actor is not None and not actor.is_system:
        require(actor, "user.manage")
    removed = TOTPDevice.objects.filter(user=user).delete()[1].get(TOTPDevice._meta.label, 0)
    removed += StaticDevice.objects.filter(user=user).delete()[1].get(
        StaticDevice._meta.label, 0)
    audit_record(actor=actor, action="otp.reset", obj=user,
                 data={"username": user.username, "devices": removed})
    return removed


@transaction.atomic
def second_factor_require(*, actor: User | None, user: User, required: bool) -> None:
    """The hub requires (or stops requiring) a second factor of a user whose grants would
    not; audited."""
    if actor is not None and not actor.is_system:
        require(actor, "user.manage")
    user.second_factor_required = required
    user.save(update_fields=["second_factor_required"])
    audit_record(actor=actor, action="otp.required" if required else "otp.not_required",
                 obj=user, data={"username": user.username})


@transaction.atomic
def authenticator_set(*, actor: User | None, user: User, key_hex: str) -> TOTPDevice:
    """Give the user a confirmed authenticator with a given key, without an enrolment: for
    the demo's users, whose key is published with their password (never for a real person:
    a key someone else chose is a shared secret). Audited as an enrolment by `actor`."""
    if totp_device(user=user) is not None:
        raise RejectedInput(f"{user.username} already has an authenticator")
    device = TOTPDevice(user=user, name=TOTP_NAME, confirmed=True, key=key_hex)
    device.full_clean(exclude=["user"])
    device.save()
    audit_record(actor=actor, action="otp.enrolled", obj=user,
                 data={"recovery_codes": 0, "address": "", "given_key": True})
    return device
