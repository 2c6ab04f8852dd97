"""Logins end when idle and when old; a password can't be the user name dressed up."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from tipline.accounts.middleware import LOGGED_IN_AT, SEEN_AT
from tipline.accounts.models import User

pytestmark = pytest.mark.django_db


def _signed_in(client: Client, user: Any) -> None:
    client.force_login(user)
    assert client.get("/reports/").status_code == 200


def _age(client: Client, **seconds: int) -> None:
    session = client.session
    for key, by in seconds.items():
        session[key] = int(session[key]) - by
    session.save()


def test_an_idle_session_ends(client: Client, analyst: Any, settings: Any) -> None:
    settings.SESSION_IDLE_SECONDS = 600
    _signed_in(client, analyst)
    _age(client, **{SEEN_AT: 300})
    assert client.get("/reports/").status_code == 200  # active enough
    _age(client, **{SEEN_AT: 700})
    gone = client.get("/reports/?state=MH")
    assert gone.status_code == 302 and gone["Location"].startswith("/login/?next=")
    assert "_auth_user_id" not in client.session  # signed out, not just turned away
    assert client.get("/reports/").status_code == 302


def test_a_session_ends_hours_after_its_login_however_busy(
        client: Client, analyst: Any, settings: Any) -> None:
    settings.SESSION_COOKIE_AGE = 3600
    _signed_in(client, analyst)
    _age(client, **{LOGGED_IN_AT: 3000})
    assert client.get("/reports/").status_code == 200
    _age(client, **{LOGGED_IN_AT: 700})  # 3,700 s after the login, active a moment ago
    assert client.get("/reports/").status_code == 302


@pytest.mark.parametrize("password", [
    "beed.officer2024", "BeedOfficer12345678", "officer-beed-99x!", "beed2026!!secure"])
def test_a_password_may_not_hold_the_user_name(password: str) -> None:
    user = User(username="beed.officer")
    with pytest.raises(ValidationError):
        validate_password(password, user=user)


def test_a_good_password_passes() -> None:
    validate_password("lantern-quarry-57-violet", user=User(username="beed.officer"))
    validate_password("lantern-quarry-57-violet", user=User(username="admin"))
    with pytest.raises(ValidationError):
        validate_password("admin12345678", user=User(username="admin"))
