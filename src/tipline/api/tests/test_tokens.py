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


def _same_minute() -> None:
    """The per-minute counts below start afresh each minute: begin a test not in a minute's
    last seconds, so its calls fall in one minute."""
    import time

    from django.utils import timezone

    if timezone.now().second >= 55:
        time.sleep(61 - timezone.now().second)


def _call(token: str, address: str = "10.0.0.1") -> Any:
    return Client().get(LIST, headers={"Authorization": f"Bearer {token}"},
                        REMOTE_ADDR=address)


def test_a_token_is_not_asked_for_a_second_factor(beed_officer: Any) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=beed_officer).delete()  # must have one, has none
    _, token = api_token_create(actor=None, user=beed_officer, name="t")
    assert _call(token).status_code == 200


def test_each_token_has_its_own_rate_limit(beed_officer: Any, settings: Any) -> None:
    _same_minute()
    settings.API_TOKEN_REQUESTS_PER_MINUTE = 3
    _, busy = api_token_create(actor=None, user=beed_officer, name="busy")
    _, other = api_token_create(actor=None, user=beed_officer, name="other")
    answers = [_call(busy) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert "3 requests a minute" in answers[-1].json()["detail"]
    assert 0 < int(answers[-1]["Retry-After"]) <= 60
    assert _call(other).status_code == 200


def test_first_use_from_each_address_is_audited_and_the_last_noted(beed_officer: Any) -> None:
    row, token = api_token_create(actor=None, user=beed_officer, name="t")
    for address in ["10.0.0.1", "10.0.0.1", "10.0.0.2", "10.0.0.1", "10.0.0.2"]:
        assert _call(token, address).status_code == 200
    events = AuditEvent.objects.filter(action="api_token.new_address", object_id=str(row.pk))
    assert [e.data["address"] for e in events.order_by("seq")] == ["10.0.0.1", "10.0.0.2"]
    assert {e.actor_id for e in events} == {beed_officer.pk}
    row.refresh_from_db()
    assert row.addresses == ["10.0.0.1", "10.0.0.2"] and row.last_ip == "10.0.0.2"


def test_refused_tokens_are_audited_once_a_minute_per_address(beed_officer: Any) -> None:
    _same_minute()
    row, token = api_token_create(actor=None, user=beed_officer, name="t")
    api_token_revoke(actor=None, token_id=row.pk)
    for _ in range(5):
        assert _call(token).status_code == 401
    assert _call("tlk_not-a-token", "10.0.0.9").status_code == 401
    refused = AuditEvent.objects.filter(action="api_token.rejected").order_by("seq")
    assert [(e.data["reason"], e.data["address"]) for e in refused] == [
        ("revoked", "10.0.0.1"), ("unknown", "10.0.0.9")]
    assert refused[0].object_id == str(row.pk) and token not in str(refused[1].data)


def test_an_address_hammering_with_bad_tokens_is_refused_unheard(beed_officer: Any) -> None:
    _same_minute()
    from tipline.accounts.services import TOKEN_REJECTS_PER_MINUTE

    _, good = api_token_create(actor=None, user=beed_officer, name="t")
    for n in range(TOKEN_REJECTS_PER_MINUTE):
        assert _call(f"tlk_guess-{n}", "10.6.6.6").status_code == 401
    assert _call("tlk_one-more", "10.6.6.6").status_code == 429
    assert _call(good, "10.1.1.1").status_code == 200
    assert AuditEvent.objects.filter(action="api_token.rejected").count() == 1
