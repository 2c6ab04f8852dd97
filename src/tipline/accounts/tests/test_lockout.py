"""Login lockout (django-axes): per account and per address, the lock audited once, a clear
page, `tipline users unlock`; the CyberTipline API's Basic auth is counted and locked too."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tipline.accounts.lockout import login_locked
from tipline.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-9"  # noqa: S105 - the personas' (conftest.py)


def _login(client: Client, username: str, password: str, address: str = "10.0.0.1") -> Any:
    return client.post(reverse("login"), {"username": username, "password": password},
                       REMOTE_ADDR=address)


def test_thirty_wrong_passwords_then_the_right_one_does_not_log_in(
        beed_officer: Any, settings: Any, capsys: pytest.CaptureFixture[str]) -> None:
    limit = settings.AXES_FAILURE_LIMIT
    client = Client()
    answers = [_login(client, "bhim", f"wrong-{n}") for n in range(30)]
    assert [a.status_code for a in answers[:limit - 1]] == [200] * (limit - 1)
    assert {a.status_code for a in answers[limit - 1:]} == {429}
    right = _login(client, "bhim", PASSWORD)
    assert right.status_code == 429
    assert b"Login locked" in right.content and b"even with the right password" in right.content
    assert "_auth_user_id" not in client.session
    # from another address too: the account is locked, not only the address
    assert _login(Client(), "bhim", PASSWORD, address="10.9.9.9").status_code == 429
    assert login_locked(username="bhim")

    locks = AuditEvent.objects.filter(action="login.locked")
    assert locks.count() == 1  # the lock, not every attempt refused while locked
    lock = locks.get()
    assert lock.object_id == str(beed_officer.pk)
    assert lock.data["username"] == "bhim" and lock.data["address"] == "10.0.0.1"
    assert lock.data["failures"] == limit

    call_command("users", "show", "bhim")
    assert "LOCKED" in capsys.readouterr().out
    call_command("users", "unlock", "bhim")
    assert "unlocked bhim" in capsys.readouterr().out
    unlock = AuditEvent.objects.get(action="login.unlocked")
    assert unlock.actor_label == "system:cli" and unlock.data["failures"] == limit
    assert not login_locked(username="bhim")
    assert _login(client, "bhim", PASSWORD).status_code == 302
    assert "_auth_user_id" in client.session


def test_one_address_guessing_many_accounts_is_locked(
        beed_officer: Any, pune_officer: Any, settings: Any) -> None:
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(Client(), f"guess-{n}", "wrong-password", address="10.6.6.6")
    # the address is locked, for a real account too; the account itself is not
    assert _login(Client(), "prakash", PASSWORD, address="10.6.6.6").status_code == 429
    assert _login(Client(), "prakash", PASSWORD, address="10.1.2.3").status_code == 302
    assert AuditEvent.objects.filter(action="login.locked").count() == 1
    call_command("users", "unlock", "--address", "10.6.6.6")
    assert AuditEvent.objects.get(action="login.unlocked").data["address"] == "10.6.6.6"
    assert _login(Client(), "prakash", PASSWORD, address="10.6.6.6").status_code == 302


def test_a_good_login_forgets_the_earlier_failures(beed_officer: Any, settings: Any) -> None:
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(Client(), "bhim", f"wrong-{n}")
    assert _login(Client(), "bhim", PASSWORD).status_code == 302
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(Client(), "bhim", f"wrong-again-{n}")
    assert _login(Client(), "bhim", PASSWORD).status_code == 302


def test_logging_in_as_oneself_does_not_clear_the_addresss_failures(
        pune_officer: Any, settings: Any) -> None:
    """An insider guessing others' passwords cannot reset the count with their own login."""
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(Client(), f"guess-{n}", "wrong-password", address="10.6.6.6")
    assert _login(Client(), "prakash", PASSWORD, address="10.6.6.6").status_code == 302
    _login(Client(), "guess-last", "wrong-password", address="10.6.6.6")
    assert _login(Client(), "prakash", PASSWORD, address="10.6.6.6").status_code == 429


def test_the_cybertipline_api_counts_and_is_locked_too(
        platform_account: Any, settings: Any) -> None:
    def call(password: str) -> Any:
        credentials = base64.b64encode(f"examplechat-api:{password}".encode()).decode()
        return Client().get(reverse("ispws:status"), REMOTE_ADDR="10.7.7.7",
                            HTTP_AUTHORIZATION=f"Basic {credentials}")

    assert call(PASSWORD).status_code == 200
    for n in range(settings.AXES_FAILURE_LIMIT):
        assert call(f"wrong-{n}").status_code in (401, 429)
    locked = call("another-wrong-one")
    assert locked.status_code == 429 and b"locked" in locked.content
    assert AuditEvent.objects.filter(action="login.locked",
                                     data__username="examplechat-api").exists()
