"""API tokens: made by the command (shown once, only the hash kept), audited, refused once
revoked; without a good token every endpoint answers 401."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from tipline.accounts.models import ApiToken
from tipline.accounts.services import api_token_create, api_token_revoke
from tipline.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
LIST = "/api/reports/"


def _ok(token: str) -> int:
    return int(Client().get(LIST, headers={"Authorization": f"Bearer {token}"}).status_code)


def test_the_command_prints_the_token_once_and_keeps_only_its_hash(
        beed_officer: Any, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("tokens", "create", "--user", "bhim", "--name", "dashboard")
    token = capsys.readouterr().out.strip().splitlines()[-1]
    row = ApiToken.objects.get()
    assert row.user == beed_officer and row.name == "dashboard"
    assert row.digest == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(list(ApiToken.objects.values()))
    event = AuditEvent.objects.get(action="api_token.created")
    assert event.object_id == str(row.pk) and token not in str(event.data)
    assert _ok(token) == 200

    call_command("tokens", "list")
    listed = capsys.readouterr().out
    assert "bhim" in listed and "dashboard" in listed and "active" in listed
    assert token not in listed

    call_command("tokens", "revoke", str(row.pk))
    assert "revoked" in capsys.readouterr().out
    assert AuditEvent.objects.filter(action="api_token.revoked", object_id=str(row.pk)).exists()
    assert _ok(token) == 401
    call_command("tokens", "list")
    assert "revoked" in capsys.readouterr().out
    with pytest.raises(CommandError, match="already revoked"):
        call_command("tokens", "revoke", str(row.pk))


def test_the_command_refuses_an_unknown_user_or_token(tree: None) -> None:
    with pytest.raises(CommandError, match="no user"):
        call_command("tokens", "create", "--user", "ghost", "--name", "x")
    with pytest.raises(CommandError, match="no API token"):
        call_command("tokens", "revoke", "999")


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer tlk_not-a-token", "Basic YmhpbTp4",
                                    "Token tlk_x"])
def test_no_token_or_a_bad_one_is_401(beed_officer: Any, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    response = Client().get(LIST, headers=headers)
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_session_is_not_enough(beed_officer: Any) -> None:
    client = Client()
    client.force_login(beed_officer)
    assert client.get(LIST).status_code == 401


def test_a_deactivated_users_token_is_refused(beed_officer: Any) -> None:
    _, token = api_token_create(actor=None, user=beed_officer, name="t")
    assert _ok(token) == 200
    beed_officer.is_active = False
    beed_officer.save(update_fields=["is_active"])
    assert _ok(token) == 401


def test_revoking_one_token_leaves_the_others(beed_officer: Any) -> None:
    first, one = api_token_create(actor=None, user=beed_officer, name="one")
    _, two = api_token_create(actor=None, user=beed_officer, name="two")
    api_token_revoke(actor=None, token_id=first.pk)
    assert (_ok(one), _ok(two)) == (401, 200)


def test_use_is_noted(beed_officer: Any) -> None:
    row, token = api_token_create(actor=None, user=beed_officer, name="t")
    assert row.last_used_at is None
    _ok(token)
    row.refresh_from_db()
    assert row.last_used_at is not None


def test_only_a_user_manager_makes_tokens(beed_officer: Any, hub_admin: Any) -> None:
    from tipline.core.errors import NotPermitted

    with pytest.raises(NotPermitted):
        api_token_create(actor=beed_officer, user=beed_officer, name="mine")
    api_token_create(actor=hub_admin, user=beed_officer, name="given")
