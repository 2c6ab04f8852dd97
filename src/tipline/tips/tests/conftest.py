from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _tips_settings(settings: Any) -> None:
    """Little work per challenge; routing and the scan in this process (no helpers)."""
    settings.TIP_POW_BITS = 8
    settings.ROUTE_PROCESSES = 1
    settings.SCAN_PROCESSES = 1
    settings.CLASSIFY_ON_SCAN = False
