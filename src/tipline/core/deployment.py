"""`tipline doctor`'s checks of a deployment's settings: each returns the unsafe things it
found, one sentence each saying what to change; none is a pass.

These read settings only; the checks of files (modes, where keys lie, core/doctor.py) and of
the audit trail (audit/doctor.py) are registered beside them by their own modules.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from tipline.core.doctor import Checkup, Finding, doctor_check_register


def debug_off(checkup: Checkup) -> list[Finding]:
    if settings.DEBUG:
        return [Finding("DEBUG is on: error pages show settings and code to anyone; unset DEBUG")]
    return []


def https_on(checkup: Checkup) -> list[Finding]:
    found: list[Finding] = []
    if not settings.HTTPS:
        found.append(Finding("TIPLINE_HTTPS is off: passwords, one-time codes and session "
                             "cookies cross the network in the clear; serve over TLS and set "
                             "TIPLINE_HTTPS=1"))
    elif not (settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE):
        found.append(Finding("cookies are not Secure although TIPLINE_HTTPS is on"))
    elif not settings.SECURE_HSTS_SECONDS:
        found.append(Finding("HSTS is off (TIPLINE_HSTS_SECONDS=0): a first plain-HTTP visit "
                             "can be intercepted"))
    return found


def hosts_named(checkup: Checkup) -> list[Finding]:
    if any(host == "*" for host in settings.ALLOWED_HOSTS):
        return [Finding("ALLOWED_HOSTS has '*': any Host header is accepted (password-reset "
                        "and cache poisoning); list the names Tipline is served under")]
    return []


def secret_key_apart(checkup: Checkup) -> list[Finding]:
    generated = Path(settings.TIPLINE_HOME) / "secret_key"
    if generated.exists() and generated.read_text(encoding="utf-8").strip() == settings.SECRET_KEY:
        return [Finding(f"SECRET_KEY is the one generated into the data folder ({generated}): "
                        "whoever copies the folder can forge sessions; set SECRET_KEY or "
                        "SECRET_KEY_FILE from outside it")]
    return []


doctor_check_register("debug", debug_off)
doctor_check_register("https", https_on)
doctor_check_register("allowed hosts", hosts_named)
doctor_check_register("secret key", secret_key_apart)
