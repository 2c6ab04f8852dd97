"""`tipline doctor` checks a deployment's settings and its audit checkpoint, and passes a
deployment set up as docs/security.md says."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from tipline.audit.models import AuditCheckpoint, AuditEvent
from tipline.audit.services import audit_checkpoint_create, audit_record

pytestmark = pytest.mark.django_db

SETTINGS_CHECKS = ("debug", "https", "allowed hosts", "secret key", "audit checkpoint")


def run(*names: str) -> tuple[str, bool]:
    """The doctor's output for these checks, and whether it passed (exit 0)."""
    out = StringIO()
    args = [a for name in names for a in ("--check", name)]
    try:
        call_command("doctor", *args, stdout=out)
    except CommandError:
        return out.getvalue(), False
    return out.getvalue(), True


@pytest.fixture
def production(settings: Any, tmp_path: Path) -> None:
    """Settings as docs/security.md asks: HTTPS, named hosts, keys and secrets apart, and a
    fresh checkpoint signed with a key outside the data folder."""
    settings.DEBUG = False
    settings.HTTPS = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.ALLOWED_HOSTS = ["tipline.example.gov.in"]
    settings.SECRET_KEY = "a-key-from-the-secret-store-" + "x" * 40
    settings.AUDIT_SIGNING_KEY_PATH = tmp_path / "auditor" / "signing.key"
    audit_record(actor=None, action="test.event", data={})
    audit_checkpoint_create()


def test_a_production_deployment_passes(production: None) -> None:
    text, passed = run(*SETTINGS_CHECKS)
    assert passed, text
    assert all(f"ok: {name}" in text for name in SETTINGS_CHECKS)


@pytest.mark.parametrize(("change", "said"), [
    ({"DEBUG": True}, "DEBUG is on"),
    ({"HTTPS": False}, "TIPLINE_HTTPS is off"),
    ({"SESSION_COOKIE_SECURE": False}, "cookies are not Secure"),
    ({"SECURE_HSTS_SECONDS": 0}, "HSTS is off"),
    ({"ALLOWED_HOSTS": ["*"]}, "ALLOWED_HOSTS has '*'"),
])
def test_each_unsafe_setting_is_named(production: None, settings: Any,
                                      change: dict[str, Any], said: str) -> None:
    for name, value in change.items():
        setattr(settings, name, value)
    text, passed = run(*SETTINGS_CHECKS)
    assert not passed and said in text


def test_a_secret_key_generated_into_the_data_folder_is_named(
        production: None, settings: Any) -> None:
    (Path(settings.TIPLINE_HOME) / "secret_key").write_text(settings.SECRET_KEY)
    text, passed = run("secret key")
    assert not passed and "SECRET_KEY is the one generated into the data folder" in text


def test_no_checkpoint_is_named(settings: Any) -> None:
    text, passed = run("audit checkpoint")
    assert not passed and "has never been signed" in text


def test_a_stale_checkpoint_is_named(production: None) -> None:
    AuditCheckpoint.objects.update(at=AuditCheckpoint.objects.get().at - timedelta(days=3))
    text, passed = run("audit checkpoint")
    assert not passed and "the last audit checkpoint is 3 day(s) old" in text


def test_a_truncated_trail_is_named(production: None) -> None:
    AuditEvent.objects.filter(seq=AuditEvent.objects.order_by("-seq").first().seq).delete()
    text, passed = run("audit checkpoint")
    assert not passed and "no longer extends its last checkpoint" in text and "truncation" in text


def test_an_unknown_check_is_refused() -> None:
    with pytest.raises(CommandError, match="no check named 'nope'; the checks are: "):
        call_command("doctor", "--check", "nope", stdout=StringIO())
