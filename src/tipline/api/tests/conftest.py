"""The API's test fixtures: a token per persona, and a client that sends it.

Records live in Beed (Bhim's unit) and Pune (Prakash's), so every endpoint can be tried
anonymous, by a persona without the permission, by one with it, and from the other district.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client

from tipline.accounts.services import api_token_create


class Api:
    """The test client, speaking JSON with a bearer token (or none)."""

    def __init__(self, token: str | None) -> None:
        self.client = Client(raise_request_exception=False)
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(path, params, headers=self.headers)

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return self.client.post(path, body, content_type="application/json",
                                headers=self.headers)


@pytest.fixture
def api_as(request: pytest.FixtureRequest) -> Callable[[str | None], Api]:
    """api_as("beed_officer"): a client with a fresh token of that persona; None: no token."""

    def make(persona: str | None) -> Api:
        if persona is None:
            return Api(None)
        user = request.getfixturevalue(persona)
        _, token = api_token_create(actor=None, user=user, name=f"test {persona}")
        return Api(token)

    return make


@pytest.fixture
def beed_and_pune(make_report: Callable[..., Any]) -> dict[str, Any]:
    """A routed report in Beed and one in Pune."""
    from tipline.intake.models import Report

    at = datetime(2024, 3, 1, 6, 30, tzinfo=UTC)
    return {
        "beed": make_report("IN-MH-BEED", status=Report.Status.ROUTED, received_at=at,
                            platform="ExampleChat", ncmec_priority=1),
        "pune": make_report("IN-MH-PUNE", status=Report.Status.ROUTED, received_at=at,
                            platform="ExampleChat", ncmec_priority=2),
    }
