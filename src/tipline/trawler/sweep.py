"""One run of the takedown work, as the periodic task does it: send the due notices,
re-check the noticed URLs that are due, escalate the notices ignored past the deadline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tipline.trawler.notices import notices_escalate, notices_send
from tipline.trawler.rechecks import rechecks_run


@dataclass(frozen=True)
class NoticesSwept:
    sent: int
    no_contact: int
    checked: int
    removed: int
    escalated: int


def notices_sweep(*, now: datetime | None = None, client: Any = None) -> NoticesSwept:
    """Send, re-check, escalate (each its own service, each idempotent)."""
    sent = notices_send(now=now)
    checked = rechecks_run(now=now, client=client)
    escalated = notices_escalate(now=now)
    return NoticesSwept(sent=sent.sent, no_contact=sent.no_contact, checked=checked.checked,
                        removed=checked.removed, escalated=escalated)
