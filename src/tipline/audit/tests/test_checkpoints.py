"""Signed checkpoints: an insider with the database but not the signing key rewrites the trail
with raw SQL and recomputes every hash and the head, so the chain alone still verifies;
`tipline audit verify --checkpoint FILE` catches and names each attack."""

from __future__ import annotations

import json
import os
import stat
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from tipline.audit.models import AuditCheckpoint, AuditEvent, ChainHead
from tipline.audit.selectors import audit_chain_verify
from tipline.audit.services import Entry, audit_record, audit_record_many, event_hash

pytestmark = pytest.mark.django_db

EVENTS = connection.ops.quote_name(AuditEvent._meta.db_table)
HEAD = connection.ops.quote_name(ChainHead._meta.db_table)


@pytest.fixture
def key(tmp_path: Path, settings: Any) -> Path:
    settings.AUDIT_SIGNING_KEY_PATH = tmp_path / "keys" / "audit-signing.key"
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"
    settings.AUDIT_KEY_FINGERPRINT = ""
    return Path(settings.AUDIT_SIGNING_KEY_PATH)


def raw(sql: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def events(n: int, *, actor: Any = None) -> None:
    with transaction.atomic():
        audit_record_many(actor=actor, entries=[
            Entry(action="test.event", object_type="t", object_id=str(i), data={"i": i})
            for i in range(n)])


def rechain() -> None:
    """What an insider does after changing events: recompute every hash and the head."""
    prev = "0" * 64
    rows = list(AuditEvent.objects.order_by("seq"))
    for event in rows:
        digest = event_hash(
            seq=event.seq, at=event.at, actor_id=event.actor_id,
            actor_label=event.actor_label, action=event.action, object_type=event.object_type,
            object_id=event.object_id, data=event.data, prev_hash=prev,
            version=event.hash_version)
        raw(f"UPDATE {EVENTS} SET prev_hash = %s, hash = %s WHERE seq = %s",  # noqa: S608
            [prev, digest, event.seq])
        prev = digest
    raw(f"UPDATE {HEAD} SET seq = %s, hash = %s WHERE id = 1",  # noqa: S608
        [rows[-1].seq if rows else 0, prev])
    assert audit_chain_verify().ok  # the chain alone is fooled


def checkpoint(tmp_path: Path) -> Path:
    out = StringIO()
    call_command("audit", "checkpoint", "--out", str(tmp_path / "cp.json"), stdout=out)
    assert "checkpoint signed" in out.getvalue()
    return tmp_path / "cp.json"


def verify(*files: Path, extra: tuple[str, ...] = ()) -> str:
    out = StringIO()
    call_command("audit", "verify", "--checkpoint", *map(str, files), *extra, stdout=out)
    return out.getvalue()


def test_checkpoint_signs_the_head_and_the_trail_extends_it(key: Path, tmp_path: Path) -> None:
    events(5)
    path = checkpoint(tmp_path)
    body = json.loads(path.read_text())
    head = ChainHead.objects.get()
    assert (body["seq"], body["hash"], body["count"]) == (head.seq, head.hash,
                                                          AuditEvent.objects.count())
    assert AuditEvent.objects.get(seq=body["seq"]).action == "audit.checkpointed"
    assert set(body) >= {"at", "key_fingerprint", "public_key", "signature"}
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    row = AuditCheckpoint.objects.get()
    assert json.loads(row.body) == body
    events(3)  # the trail grows: it still extends the checkpoint
    assert "the trail extends the checkpoint at #" in verify(path)


def test_rewrite_with_recomputed_hashes_is_named(key: Path, tmp_path: Path) -> None:
    events(6)
    path = checkpoint(tmp_path)
    events(2)
    cast = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    raw(f"UPDATE {EVENTS} SET data = {cast} WHERE seq = 4",  # noqa: S608
        [json.dumps({"i": 99})])
    rechain()
    with pytest.raises(CommandError, match=r"broken at event #4: rewrite: event #4 was changed"):
        verify(path)


def test_truncation_with_the_head_moved_back_is_named(key: Path, tmp_path: Path) -> None:
    events(6)
    path = checkpoint(tmp_path)
    signed = json.loads(path.read_text())["seq"]
    raw(f"DELETE FROM {EVENTS} WHERE seq > 4")  # noqa: S608
    rechain()
    with pytest.raises(CommandError,
                       match=rf"broken at event #5: truncation: events #5..#{signed} were removed"):
        verify(path)


def test_reordering_is_named(key: Path, tmp_path: Path) -> None:
    events(6)
    path = checkpoint(tmp_path)
    raw(f"UPDATE {EVENTS} SET seq = -1 WHERE seq = 3")  # noqa: S608
    raw(f"UPDATE {EVENTS} SET seq = 3 WHERE seq = 4")  # noqa: S608
    raw(f"UPDATE {EVENTS} SET seq = 4 WHERE seq = -1")  # noqa: S608
    rechain()
    with pytest.raises(CommandError, match=r"broken at event #3: reordering: event #3 was moved"):
        verify(path)


def test_actor_change_is_named(key: Path, tmp_path: Path, hub_admin: Any,
                               auditor: Any) -> None:
    with transaction.atomic():
        audit_record(actor=hub_admin, action="media.revealed")
    blamed = AuditEvent.objects.get(action="media.revealed").seq
    events(2)
    path = checkpoint(tmp_path)
    raw(f"UPDATE {EVENTS} SET actor_id = %s WHERE seq = %s",  # noqa: S608
        [auditor.pk, blamed])
    with pytest.raises(CommandError, match=rf"chain broken at event #{blamed}: content"):
        verify(path)
    rechain()  # hiding it by recomputing the hashes: the checkpoint names it
    with pytest.raises(CommandError, match=rf"broken at event #{blamed}: rewrite"):
        verify(path)


def test_a_forged_checkpoint_is_refused(key: Path, tmp_path: Path) -> None:
    events(3)
    path = checkpoint(tmp_path)
    body = json.loads(path.read_text())
    body["count"] = 1
    path.write_text(json.dumps(body))
    with pytest.raises(CommandError, match="signature: the signature does not verify"):
        verify(path)


def test_verify_with_a_pinned_fingerprint_and_no_key_file(key: Path, tmp_path: Path) -> None:
    events(3)
    path = checkpoint(tmp_path)
    fingerprint = json.loads(path.read_text())["key_fingerprint"]
    key.unlink()
    with pytest.raises(CommandError, match="no trusted key"):
        verify(path)
    assert "extends" in verify(path, extra=("--fingerprint", fingerprint))
    with pytest.raises(CommandError, match="signed by another key"):
        verify(path, extra=("--fingerprint", "ab" * 32))


def test_the_daily_task_writes_a_file_and_a_row(key: Path) -> None:
    from tipline.audit.tasks import CHECKPOINT_EVERY, audit_checkpoint_task
    from tipline.core.tasks import _PERIODIC

    assert _PERIODIC[audit_checkpoint_task.module_path] == (audit_checkpoint_task,
                                                            CHECKPOINT_EVERY)
    events(2)
    seq = audit_checkpoint_task.call()
    files = list(Path(key.parent.parent / "checkpoints").glob("checkpoint-*.json"))
    assert len(files) == 1
    assert json.loads(files[0].read_text())["seq"] == seq
    assert AuditCheckpoint.objects.get().seq == seq
