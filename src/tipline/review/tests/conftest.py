"""Review tests: more reviewers as personas (Ravi, `reviewer`, is in the root conftest), a
fresh PDQ index per test, generated media only."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _fresh_index(settings: Any) -> Any:
    from tipline.media.matching import bank_index

    settings.CLASSIFY_ON_SCAN = False  # scores are set by hand where a test needs them
    bank_index().reset()
    yield
    bank_index().reset()


def _person(username: str, role: str, node: str) -> Any:
    from tipline.accounts.services import grant_add, user_create

    user = user_create(actor=None, username=username, password="correct-horse-9")  # noqa: S106
    grant_add(actor=None, user=user, role_code=role, jurisdiction_code=node)
    return user


@pytest.fixture
def reviewer2(tree: None) -> Any:
    """Rekha, another reviewer over India (for second opinions)."""
    return _person("rekha", "reviewer", "IN")


@pytest.fixture
def mh_reviewer(tree: None) -> Any:
    """Manoj, a reviewer over Maharashtra only."""
    return _person("manoj", "reviewer", "IN-MH")
