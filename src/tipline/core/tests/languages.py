"""What the apps' Hindi tests share: a logged-in client in a language, a page in both, and
the check that each text shows in its own language only."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.test import Client


def client_in(user: Any, *, hindi: bool) -> Client:
    """A client logged in as `user`, having chosen Hindi (or made no choice: English)."""
    client = Client()
    client.force_login(user)
    if hindi:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "hi"
    return client


def page_in(user: Any, url: str, *, hindi: bool) -> str:
    """The page at `url` as `user` sees it in Hindi (or English); it must answer 200 in that
    language."""
    response = client_in(user, hindi=hindi).get(url)
    assert response.status_code == 200, url
    assert response["Content-Language"] == ("hi" if hindi else "en-gb"), url
    return response.content.decode()


def both(user: Any, url: str) -> tuple[str, str]:
    """The page in Hindi, then in English (no choice made)."""
    return page_in(user, url, hindi=True), page_in(user, url, hindi=False)


def apart(hindi_page: str, english_page: str, pairs: Sequence[tuple[str, str]]) -> None:
    """Each (Hindi, English) pair: only the Hindi on the Hindi page, only the English on the
    English one."""
    for hindi, english in pairs:
        assert hindi in hindi_page and english not in hindi_page, english
        assert english in english_page and hindi not in english_page, english
