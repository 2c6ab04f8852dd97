"""Reads of the audit trail, and the check of its chain."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Max, QuerySet
from django.utils import timezone

from tipline.accounts.policies import scoped
from tipline.accounts.types import Viewer
from tipline.audit import signing
from tipline.audit.models import AuditCheckpoint, AuditEvent, ChainHead
from tipline.audit.services import GENESIS, HASH_VERSION, event_hash


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    checked: int
    first_broken_seq: int | None = None
    reason: str = ""


def audit_chain_verify(*, batch: int = 5000) -> ChainCheck:
    """Recompute every event's hash in order; name the first event that does not fit.
    Answers only ok or where it breaks (no event's content): for `tipline audit verify` and
    the audit page, whose gate needs audit.view over the whole country."""
    prev = GENESIS
    expected_seq = 0
    checked = 0
    last_id = 0
    upgraded = False  # a version-2 event was seen: no version-1 event may follow
    while True:
        rows = list(
            AuditEvent.objects.filter(seq__gt=last_id).order_by("seq").values(
                "seq", "at", "actor_id", "actor_label", "action", "object_type", "object_id",
                "data", "prev_hash", "hash", "hash_version",
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
            version = row["hash_version"]
            if version == HASH_VERSION:
                upgraded = True
            elif version != 1 or upgraded:
                return ChainCheck(False, checked, row["seq"],
                                  f"hash version {version} where version {HASH_VERSION} is due")
            digest = event_hash(
                seq=row["seq"], at=row["at"], actor_id=row["actor_id"],
                actor_label=row["actor_label"], action=row["action"],
                object_type=row["object_type"], object_id=row["object_id"], data=row["data"],
                prev_hash=row["prev_hash"], version=version,
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


def audit_events_visible(*, user: Viewer) -> QuerySet[AuditEvent]:
    return scoped(AuditEvent.objects.all(), user=user, action="audit.view")


@dataclass(frozen=True)
class EventPage:
    rows: list[AuditEvent]
    older: int | None
    newer: int | None


def _filtered(
    qs: QuerySet[AuditEvent], *, action: str, object_id: str, actor: str = "",
    date_from: date | None = None, date_to: date | None = None,
) -> QuerySet[AuditEvent]:
    """Narrow by action (exact, or a prefix ending in "*"), object id (exact), actor (the
    username at the time) and days (inclusive, in the house's time zone).

    The prefix is a range on the indexed column, so "report.*" stays an index seek.
    """
    if actor:
        user = get_user_model().objects.filter(username=actor).values_list("pk", flat=True)
        # the indexed actor column for an account; the label for "anonymous" and the gone
        qs = qs.filter(actor_id=user[0]) if user else qs.filter(actor_label=actor)
    zone = timezone.get_default_timezone()
    if date_from is not None:
        qs = qs.filter(at__gte=datetime.combine(date_from, time.min, tzinfo=zone))
    if date_to is not None:
        qs = qs.filter(at__lt=datetime.combine(date_to + timedelta(days=1), time.min,
                                               tzinfo=zone))
    if action.endswith("*"):
        prefix = action.rstrip("*")
        if prefix:
            upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
            qs = qs.filter(action__gte=prefix, action__lt=upper)
    elif action:
        qs = qs.filter(action=action)
    if object_id:
        qs = qs.filter(object_id=object_id)
    return qs


def _event_page(
    qs: QuerySet[AuditEvent], *, before: int | None, after: int | None, limit: int
) -> EventPage:
    """Events older than `before` (or newer than `after`), newest first, `limit` at most."""
    if after is not None and before is None:
        rows = list(qs.filter(seq__gt=after).order_by("seq")[: limit + 1])
        more = len(rows) > limit
        rows = rows[:limit]
        rows.reverse()
        if more or len(rows) == limit:
            return EventPage(rows, rows[-1].seq if rows else None, rows[0].seq if more else None)
        before = None  # reached the newest: show the first page
    if before is not None:
        qs = qs.filter(seq__lt=before)
    rows = list(qs.order_by("-seq")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return EventPage(
        rows,
        rows[-1].seq if more and rows else None,
        rows[0].seq if before is not None and rows else None,
    )


def audit_event_page(
    *, user: Viewer, action: str = "", object_id: str = "", actor: str = "",
    date_from: date | None = None, date_to: date | None = None, before: int | None = None,
    after: int | None = None, limit: int = 50,
) -> EventPage:
    """One page of the events the user may read, newest first, filtered."""
    qs = _filtered(audit_events_visible(user=user), action=action, object_id=object_id,
                   actor=actor, date_from=date_from, date_to=date_to)
    return _event_page(qs, before=before, after=after, limit=limit)


@dataclass(frozen=True)
class CheckpointCheck:
    """Whether the trail still extends one signed checkpoint; if not, where and how not."""

    seq: int
    at: str
    ok: bool
    kind: str = ""  # signature, truncation, rewrite, reordering
    broken_seq: int | None = None
    reason: str = ""

    def describe(self) -> str:
        if self.ok:
            return f"the trail extends the checkpoint at #{self.seq} ({self.at})"
        where = f" at event #{self.broken_seq}" if self.broken_seq is not None else ""
        return f"checkpoint at #{self.seq} ({self.at}) broken{where}: {self.kind}: {self.reason}"


def checkpoint_parse(text: str) -> dict[str, Any]:
    """A checkpoint file's JSON object (ValueError when it is none)."""
    body = json.loads(text)
    if not isinstance(body, dict):
        raise ValueError("a checkpoint file holds one JSON object")
    return body


def audit_checkpoint_check(
    body: dict[str, Any], *, trusted: Ed25519PublicKey | None, pinned: str = "",
) -> CheckpointCheck:
    """Whether the trail still extends the signed checkpoint `body`: its signature holds, no
    event up to its seq is gone, the count has not shrunk, and every anchored hash (up to
    the checkpoint's own head) is still the one signed. A departure is named: truncation
    (events removed from the end and the head moved back), reordering (events moved out of
    the order they were written in), or rewrite (an event changed and every later hash
    recomputed; the anchors narrow it down to a range, exactly when they are one apart).
    The chain itself from #1 to the end is `audit_chain_verify`'s to check."""
    seq, at = int(body.get("seq", 0)), str(body.get("at", "?"))
    problem = signing.signature_problem(body, trusted=trusted, pinned=pinned)
    if problem:
        return CheckpointCheck(seq, at, False, "signature", None, problem)
    last = AuditEvent.objects.aggregate(last=Max("seq"))["last"] or 0
    if last < seq:
        return CheckpointCheck(
            seq, at, False, "truncation", last + 1,
            f"events #{last + 1}..#{seq} were removed (the trail ends at #{last})")
    count = AuditEvent.objects.filter(seq__lte=seq).count()
    if count < int(body["count"]):
        return CheckpointCheck(
            seq, at, False, "truncation", None,
            f"{int(body['count']) - count} of the {body['count']} events signed are gone")
    anchors = [(int(s), str(h)) for s, h in body.get("anchors", [])]
    if not any(s == seq for s, _ in anchors):
        anchors.append((seq, str(body["hash"])))
    stored = dict(AuditEvent.objects.filter(seq__in=[s for s, _ in anchors])
                  .values_list("seq", "hash"))
    lo = 0
    for anchor, digest in sorted(anchors):
        if anchor not in stored:
            return CheckpointCheck(seq, at, False, "truncation", anchor,
                                   f"event #{anchor} was removed")
        if stored[anchor] != digest:
            return _departure(seq, at, lo=lo, hi=anchor)
        lo = anchor
    return CheckpointCheck(seq, at, True)


def checkpoint_trust(*, key_path: Path, explicit: bool, pinned: str) -> Ed25519PublicKey | None:
    """The public key checkpoints are checked against: the key file when it was named
    (`explicit`) or when it exists and no fingerprint is pinned; else None (the pinned
    fingerprint then vouches for each file's embedded key). Raises SigningKeyError or
    ValueError for a key file that can't be read."""
    if explicit or (key_path.exists() and not pinned):
        return signing.public_key_load(key_path)
    return None


def checkpoint_file_check(
    path: Path, *, trusted: Ed25519PublicKey | None, pinned: str,
) -> tuple[bool, str]:
    """Whether the trail extends the checkpoint in the file `path`, and one line saying so."""
    try:
        body = checkpoint_parse(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return False, f"{path}: not a readable checkpoint ({exc})"
    check = audit_checkpoint_check(body, trusted=trusted, pinned=pinned)
    return check.ok, f"{path}: {check.describe()}"


def _departure(seq: int, at: str, *, lo: int, hi: int) -> CheckpointCheck:
    """The trail departs from a checkpoint after #lo and by #hi: a reordering when an event
    sits out of the order rows were written in (the row id grows with seq on every append),
    else a rewrite."""
    ids = list(AuditEvent.objects.filter(seq__gte=max(lo, 1), seq__lte=hi + 1)
               .order_by("seq").values_list("seq", "id"))
    for (s, row), (_, after) in zip(ids, ids[1:], strict=False):
        if row > after:
            return CheckpointCheck(
                seq, at, False, "reordering", s,
                f"event #{s} was moved out of the order it was written in, and every later "
                "hash recomputed")
    where = f"event #{hi} was" if hi - lo == 1 else f"an event in #{lo + 1}..#{hi} was"
    return CheckpointCheck(
        seq, at, False, "rewrite", lo + 1,
        f"{where} changed and every later hash recomputed")


@dataclass(frozen=True)
class CheckpointStatus:
    """The last checkpoint signed (as kept in the database) and whether the trail extends it."""

    checkpoint: AuditCheckpoint | None
    check: CheckpointCheck | None


def audit_checkpoint_status() -> CheckpointStatus:
    """For the audit page: the last checkpoint, checked with the signing key's public half
    (or the pinned fingerprint). The auditor's own copy of the file is the stronger proof:
    whoever can rewrite the database can rewrite this row too."""
    last = AuditCheckpoint.objects.order_by("-id").first()
    if last is None:
        return CheckpointStatus(None, None)
    trusted = None
    pinned = settings.AUDIT_KEY_FINGERPRINT
    if not pinned:
        try:
            trusted = signing.public_key_load(signing.key_path_default())
        except (signing.SigningKeyError, ValueError):
            trusted = None
    try:
        body = checkpoint_parse(last.body)
    except ValueError:
        return CheckpointStatus(last, CheckpointCheck(last.seq, str(last.at), False,
                                                      "signature", None, "not valid JSON"))
    return CheckpointStatus(last, audit_checkpoint_check(body, trusted=trusted, pinned=pinned))
