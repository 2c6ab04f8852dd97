"""Media tests: each starts with an empty in-memory PDQ index (the database is fresh too)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _fresh_index() -> Any:
    from tipline.media.matching import bank_index

    bank_index().reset()
    yield
    bank_index().reset()
