"""Reads of the audit trail, and the check of its chain."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from tipline.accounts.policies import scoped
from tipline.audit.models import AuditEvent, ChainHead
from tipline.audit.services import GENESIS, event_hash


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    checked: int
    first_broken_seq: int | None = None
    reason: str = ""


def audit_chain_verify(*, batch: int = 5000) -> ChainCheck:
    """Recompute every event's hash in order; name the first event that does not fit."""
    prev = GENESIS
    expected_seq = 0
    checked = 0
    last_id = 0
    while True:
        rows = list(
            AuditEvent.objects.filter(seq__gt=last_id).order_by("seq").values(
                "seq", "at", "actor_label", "action", "object_type", "object_id", "data",
                "prev_hash", "hash",
            )[:batch]
        )
        if not rows:
            break
        for row in rows:
            expected_seq += 1
            if row["seq"] != expected_seq:
                return ChainCheck(False, checked, expected_seq, "event is missing")
            if row["prev_hash"] != prev:
                return ChainCheck(False, checked, row["seq"], "previous hash does not match")
            digest = event_hash(
                seq=row["seq"], at=row["at"], actor_label=row["actor_label"],
                action=row["action"], object_type=row["object_type"],
                object_id=row["object_id"], data=row["data"], prev_hash=row["prev_hash"],
            )
            if digest != row["hash"]:
                return ChainCheck(False, checked, row["seq"], "content does not match its hash")
            prev = row["hash"]
            checked += 1
        last_id = rows[-1]["seq"]
    head = ChainHead.objects.filter(id=1).first()
    if head is not None and (head.seq != expected_seq or head.hash != prev):
        return ChainCheck(
            False, checked, expected_seq + 1, "events after this point were removed"
        )
    return ChainCheck(True, checked)


def audit_events_visible(*, user: Any) -> QuerySet[AuditEvent]:
    return scoped(AuditEvent.objects.all(), user=user, action="audit.view")
