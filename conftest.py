"""Shared test fixtures: a seeded jurisdiction tree, the built-in roles and named personas.

Personas: `hub_admin` (Asha), `analyst` (Harish, hub analyst over India), `mh_nodal`
(Meera, Maharashtra nodal officer), `beed_officer` (Bhim, unit officer over Beed),
`pune_officer` (Prakash, unit officer over Pune), `auditor` (Aditi, auditor over India),
`reviewer` (Ravi, reviewer over India), `nobody` (Nikhil, logged in with no grants).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    """Personas log in with real passwords; hashing them slowly only slows the suite."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _tipline_home(tmp_path: Path, settings: Any) -> None:
    """Each test gets its own data folder (blobs, keys, uploads)."""
    settings.TIPLINE_HOME = tmp_path / "home"
    settings.TIPLINE_HOME.mkdir()
    settings.MEDIA_KEY = None
    settings.MEDIA_KEY_PATH = settings.TIPLINE_HOME / "media.key"
    from tipline.core.crypto import default_key

    default_key.cache_clear()


@pytest.fixture
def tree(db: Any) -> None:
    from tipline.core.bootstrap import seed_reference_data
    from tipline.jurisdictions.selectors import jurisdiction_cache_clear

    jurisdiction_cache_clear()
    seed_reference_data()
    jurisdiction_cache_clear()


def _persona(username: str, role: str, node: str) -> Any:
    from tipline.accounts.services import grant_add, user_create

    user = user_create(actor=None, username=username, password="correct-horse-9")  # noqa: S106
    if role:
        grant_add(actor=None, user=user, role_code=role, jurisdiction_code=node)
    return user


@pytest.fixture
def hub_admin(tree: None) -> Any:
    return _persona("asha", "hub_admin", "IN")


@pytest.fixture
def analyst(tree: None) -> Any:
    return _persona("harish", "hub_analyst", "IN")


@pytest.fixture
def mh_nodal(tree: None) -> Any:
    return _persona("meera", "state_nodal", "IN-MH")


@pytest.fixture
def beed_officer(tree: None) -> Any:
    return _persona("bhim", "unit_officer", "IN-MH-BEED")


@pytest.fixture
def pune_officer(tree: None) -> Any:
    return _persona("prakash", "unit_officer", "IN-MH-PUNE")


@pytest.fixture
def auditor(tree: None) -> Any:
    return _persona("aditi", "auditor", "IN")


@pytest.fixture
def reviewer(tree: None) -> Any:
    return _persona("ravi", "reviewer", "IN")


@pytest.fixture
def nobody(tree: None) -> Any:
    return _persona("nikhil", "", "")


@pytest.fixture
def make_report(tree: None) -> Callable[..., Any]:
    """A minimal report placed at a jurisdiction node, written directly (for read tests)."""
    from tipline.intake.models import Report, Source
    from tipline.jurisdictions.models import Jurisdiction

    counter = {"n": 0}

    def make(node: str = "IN", **fields: Any) -> Report:
        counter["n"] += 1
        values: dict[str, Any] = {
            "source": Source.NCMEC,
            "external_id": f"T{counter['n']:06d}",
            "content_sha256": f"{counter['n']:064x}",
            "imported_at": datetime.now(UTC),
            "received_at": datetime(2020, 1, 1, tzinfo=UTC),
            "incident_type": "Child Pornography (possession, manufacture, and distribution)",
            "jurisdiction": Jurisdiction.objects.get(code=node),
        }
        values.update(fields)
        return Report.objects.create(**values)

    return make


@pytest.fixture
def immediate_tasks(settings: Any) -> None:
    """Background tasks run inline, on every queue."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                                  "QUEUES": settings.TASK_QUEUES}}
