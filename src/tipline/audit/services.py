"""Appending to the audit chain. Always called inside the transaction of the write it records."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.db import connection, models, transaction

from tipline.accounts.types import Actor
from tipline.audit import signing
from tipline.audit.models import AuditCheckpoint, AuditEvent, ChainHead
from tipline.audit.signals import events_recorded
from tipline.core.bulk import insert_rows

GENESIS = "0" * 64
#: the version of `event_hash` new events are written with (see AuditEvent.hash_version)
HASH_VERSION = 2
COLUMNS = ("seq", "at", "actor", "actor_label", "action", "object_type", "object_id", "data",
           "prev_hash", "hash", "hash_version")
ATTRIBUTES = ("seq", "at", "actor_id", *COLUMNS[3:])


@dataclass
class Entry:
    """An event about to be appended."""

    action: str
    object_type: str = ""
    object_id: str = ""
    data: dict[str, Any] = field(default_factory=dict)


def canonical(data: Any) -> Any:
    """The JSON-native form of `data`, exactly as it will read back from the database."""
    return json.loads(json.dumps(data, default=str, sort_keys=True))


def event_hash(
    *, seq: int, at: datetime, actor_id: int | None, actor_label: str, action: str,
    object_type: str, object_id: str, data: Any, prev_hash: str, version: int = HASH_VERSION,
) -> str:
    """SHA-256 of the event's canonical form. Version 2 covers every column (the version
    itself, `actor_id` included); version 1, the events written before it, left out the
    actor's id and is only checked, never written."""
    fields: list[Any] = [seq, at.astimezone(UTC).isoformat(), actor_label, action, object_type,
                         object_id, data, prev_hash]
    if version == HASH_VERSION:
        fields = [version, actor_id, *fields]
    elif version != 1:
        raise ValueError(f"unknown audit hash version {version}")
    body = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _label(actor: Actor | None) -> str:
    return getattr(actor, "username", None) or "anonymous"


def audit_record_many(*, actor: Actor | None, entries: Sequence[Entry]) -> list[int]:
    """Append events in order, chained, inside the caller's transaction; returns their seqs."""
    return [row[0] for row in _append(actor, entries)]


def _append(actor: Actor | None, entries: Sequence[Entry]) -> list[tuple[Any, ...]]:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit events must be written inside the transaction they record")
    if not entries:
        return []
    seq, prev = _head_locked()
    at = datetime.now(UTC)
    label = _label(actor)
    actor_id = getattr(actor, "pk", None)
    rows: list[tuple[Any, ...]] = []
    for entry in entries:
        seq += 1
        data = canonical(entry.data)
        digest = event_hash(
            seq=seq, at=at, actor_id=actor_id, actor_label=label, action=entry.action,
            object_type=entry.object_type, object_id=entry.object_id, data=data, prev_hash=prev,
        )
        rows.append((seq, at, actor_id, label, entry.action, entry.object_type,
                     entry.object_id, data, prev, digest, HASH_VERSION))
        prev = digest
    insert_rows(AuditEvent, COLUMNS, rows)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {_HEAD_TABLE} SET seq = %s, hash = %s WHERE id = 1",  # noqa: S608
                       [seq, prev])
    events_recorded.send(sender=AuditEvent, actor=actor, entries=list(entries))
    return rows


_HEAD_TABLE = connection.ops.quote_name(ChainHead._meta.db_table)


def _head_locked() -> tuple[int, str]:
    """The chain head's seq and hash, locked until the caller's transaction ends (made at
    the first event). Plain SQL: every write of the house passes here."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    sql = f"SELECT seq, hash FROM {_HEAD_TABLE} WHERE id = 1{lock}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
        if row is None:
            ChainHead.objects.get_or_create(id=1)
            cursor.execute(sql)
            row = cursor.fetchone()
    return int(row[0]), str(row[1])


def audit_record(
    *, actor: Actor | None, action: str, obj: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event about `obj` inside the caller's transaction."""
    entry = Entry(
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        data=data or {},
    )
    row = _append(actor, [entry])[0]
    return AuditEvent(**dict(zip(ATTRIBUTES, row, strict=True)))


#: at most this many (seq, hash) anchors in a checkpoint, evenly spread, to tell where a
#: rewritten trail first departs from it
ANCHORS = 64


def _anchor_seqs(seq: int) -> list[int]:
    stride = max(1, -(-seq // ANCHORS))
    return sorted({*range(stride, seq + 1, stride), seq} - {0})


@dataclass(frozen=True)
class Checkpointed:
    """A checkpoint just signed, and the file it was written to (if any)."""

    checkpoint: AuditCheckpoint
    path: Path | None


def audit_checkpoint_create(
    *, key_path: Path | None = None, out: Path | None = None,
) -> Checkpointed:
    """Sign the trail's head as it stands (seq, hash, count, time, and evenly spread anchors)
    with the Ed25519 key outside the database, keep the signed JSON as a row and write it to
    `out` (a file, or a folder to name it in) when given. The checkpoint's own event
    (`audit.checkpointed`) is the last event it covers. The key file is created on first
    use."""
    key = signing.key_load(key_path or signing.key_path_default(), create=True)
    with transaction.atomic():
        audit_record(actor=None, action="audit.checkpointed",
                     data={"key_fingerprint": signing.fingerprint(key.public_key())})
        seq, head = _head_locked()
        count = AuditEvent.objects.count()
        anchors = dict(AuditEvent.objects.filter(seq__in=_anchor_seqs(seq))
                       .values_list("seq", "hash"))
        at = datetime.now(UTC)
        body = signing.sign({
            "seq": seq, "hash": head, "count": count, "at": at.isoformat(),
            "anchors": [[s, anchors[s]] for s in sorted(anchors)],
        }, key=key)
        text = json.dumps(body, sort_keys=True, indent=1) + "\n"
        checkpoint = AuditCheckpoint.objects.create(
            seq=seq, hash=head, count=count, at=at, key_fingerprint=body["key_fingerprint"],
            body=text,
        )
    if out is not None:
        if out.is_dir():
            out = out / f"checkpoint-{seq:012d}-{at:%Y%m%dT%H%M%SZ}.json"
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
    return Checkpointed(checkpoint, out)
