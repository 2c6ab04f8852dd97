"""The hash-chained audit trail and `tipline audit verify`."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from tipline.audit.models import AuditEvent, ChainHead
from tipline.audit.selectors import audit_chain_verify, audit_events_visible
from tipline.audit.services import GENESIS, Entry, audit_record, audit_record_many, event_hash

TABLE = AuditEvent._meta.db_table


def record_three(actor: Any = None) -> list[int]:
    with transaction.atomic():
        first = audit_record(actor=actor, action="test.one", data={"n": 1})
        rest = audit_record_many(
            actor=actor,
            entries=[
                Entry(action="test.two", object_type="x", object_id="7", data={"b": [1, 2]}),
                Entry(action="test.three", data={"name": "Bhim", "nested": {"z": 1, "a": 2}}),
            ],
        )
    return [first.seq, *rest]


def verify() -> str:
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


def raw(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.django_db
def test_events_are_chained() -> None:
    events = record_three()
    stored = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in stored] == [1, 2, 3]
    assert [e.action for e in stored] == ["test.one", "test.two", "test.three"]
    assert stored[0].prev_hash == GENESIS
    for before, after in zip(stored, stored[1:], strict=False):
        assert after.prev_hash == before.hash
    for event in stored:
        assert event.hash == event_hash(
            seq=event.seq, at=event.at, actor_id=event.actor_id, actor_label=event.actor_label,
            action=event.action,
            object_type=event.object_type, object_id=event.object_id, data=event.data,
            prev_hash=event.prev_hash,
        )
    assert events == [e.seq for e in stored]
    head = ChainHead.objects.get()
    assert (head.seq, head.hash) == (3, stored[-1].hash)


@pytest.mark.django_db
def test_actor_and_object_are_recorded(hub_admin: Any) -> None:
    with transaction.atomic():
        written = audit_record(actor=hub_admin, action="test.touch", obj=hub_admin)
    event = AuditEvent.objects.get(seq=written.seq)
    assert event.actor_id == hub_admin.pk
    assert event.actor_label == "asha"
    assert (event.object_type, event.object_id) == ("accounts.user", str(hub_admin.pk))


@pytest.mark.django_db
def test_verify_passes_on_an_intact_chain() -> None:
    assert "audit chain intact: 0 events" in verify()
    record_three()
    assert "audit chain intact: 3 events" in verify()
    assert audit_chain_verify().ok


@pytest.mark.django_db
def test_tampered_data_is_found_and_named() -> None:
    record_three()
    cast = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    raw(f"UPDATE {TABLE} SET data = {cast} WHERE seq = %s", [json.dumps({"b": [1, 3]}), 2])  # noqa: S608
    result = audit_chain_verify()
    assert not result.ok
    assert result.first_broken_seq == 2
    assert result.checked == 1
    with pytest.raises(CommandError, match=r"broken at event #2: content does not match"):
        verify()


@pytest.mark.django_db
def test_tampered_action_is_found() -> None:
    record_three()
    raw(f"UPDATE {TABLE} SET action = %s WHERE seq = %s", ["test.innocent", 3])  # noqa: S608
    with pytest.raises(CommandError, match="#3"):
        verify()


@pytest.mark.django_db
def test_rehashed_event_still_breaks_the_next_link() -> None:
    """Someone who rewrites an event and its own hash is caught by the event after it."""
    record_three()
    event = AuditEvent.objects.get(seq=2)
    forged = event_hash(
        seq=2, at=event.at, actor_id=event.actor_id, actor_label=event.actor_label,
        action=event.action,
        object_type=event.object_type, object_id=event.object_id, data={"forged": True},
        prev_hash=event.prev_hash,
    )
    cast = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    raw(
        f"UPDATE {TABLE} SET data = {cast}, hash = %s WHERE seq = %s",  # noqa: S608
        [json.dumps({"forged": True}), forged, 2],
    )
    result = audit_chain_verify()
    assert (result.ok, result.first_broken_seq) == (False, 3)
    assert "previous hash" in result.reason


@pytest.mark.django_db
def test_deleting_the_last_event_is_found() -> None:
    record_three()
    raw(f"DELETE FROM {TABLE} WHERE seq = %s", [3])  # noqa: S608
    result = audit_chain_verify()
    assert not result.ok
    assert result.first_broken_seq == 3
    assert "removed" in result.reason
    with pytest.raises(CommandError, match="#3"):
        verify()


@pytest.mark.django_db
def test_deleting_a_middle_event_is_found() -> None:
    record_three()
    raw(f"DELETE FROM {TABLE} WHERE seq = %s", [2])  # noqa: S608
    result = audit_chain_verify()
    assert (result.ok, result.first_broken_seq, result.reason) == (False, 2, "event is missing")


@pytest.mark.django_db
def test_verify_walks_in_batches() -> None:
    record_three()
    assert audit_chain_verify(batch=2).ok
    raw(f"UPDATE {TABLE} SET object_id = %s WHERE seq = %s", ["8", 2])  # noqa: S608
    assert audit_chain_verify(batch=1).first_broken_seq == 2


@pytest.mark.django_db(transaction=True)
def test_recording_outside_a_transaction_is_refused() -> None:
    with pytest.raises(RuntimeError, match="inside the transaction"):
        audit_record(actor=None, action="test.loose")
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_a_failed_write_leaves_no_event() -> None:
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        audit_record(actor=None, action="test.rolled_back")
        1 / 0  # noqa: B018
    assert not AuditEvent.objects.filter(action="test.rolled_back").exists()
    record_three()
    assert audit_chain_verify().ok


@pytest.mark.django_db
def test_only_a_national_audit_grant_reads_the_trail(
    auditor: Any, analyst: Any, mh_nodal: Any
) -> None:
    from tipline.accounts.services import grant_add, user_create

    record_three()
    total = AuditEvent.objects.count()
    assert audit_events_visible(user=auditor).count() == total
    assert audit_events_visible(user=analyst).count() == 0  # no audit.view
    state_auditor = user_create(actor=None, username="sita", password=None)
    grant_add(actor=None, user=state_auditor, role_code="auditor", jurisdiction_code="IN-MH")
    assert audit_events_visible(user=state_auditor).count() == 0


@pytest.mark.django_db
def test_changing_the_actor_id_is_found(hub_admin: Any, auditor: Any) -> None:
    """The hash covers `actor_id`: pinning an event on someone else breaks it."""
    with transaction.atomic():
        audit_record(actor=hub_admin, action="test.blame")
        written = audit_record(actor=hub_admin, action="test.blame")
    assert audit_chain_verify().ok
    raw(f"UPDATE {TABLE} SET actor_id = %s WHERE seq = %s", [auditor.pk, written.seq])  # noqa: S608
    result = audit_chain_verify()
    assert (result.ok, result.first_broken_seq) == (False, written.seq)
    assert "content does not match" in result.reason


def _old_style(seq: int, prev: str, *, actor_id: int | None = None) -> str:
    """Write an event as release 0001 did: version 1, hashed without the actor's id."""
    from django.utils import timezone

    at = timezone.now()
    digest = event_hash(seq=seq, at=at, actor_id=None, actor_label="old", action="old.thing",
                        object_type="", object_id="", data={}, prev_hash=prev, version=1)
    AuditEvent.objects.create(seq=seq, at=at, actor_id=actor_id, actor_label="old",
                              action="old.thing", data={}, prev_hash=prev, hash=digest,
                              hash_version=1)
    ChainHead.objects.update_or_create(id=1, defaults={"seq": seq, "hash": digest})
    return digest


@pytest.mark.django_db
def test_an_upgraded_trail_verifies_old_and_new_events() -> None:
    """Events hashed the old way (before `hash_version`) still verify; new ones follow them
    in version 2, and an old-style event after a new one is refused."""
    AuditEvent.objects.all().delete()
    ChainHead.objects.all().delete()
    prev = _old_style(1, GENESIS)
    _old_style(2, prev)
    record_three()
    assert list(AuditEvent.objects.order_by("seq").values_list("hash_version", flat=True)) == [
        1, 1, 2, 2, 2]
    assert audit_chain_verify().ok
    # downgrading a new event to version 1 (to escape the actor's id) is refused
    event = AuditEvent.objects.get(seq=4)
    forged = event_hash(seq=4, at=event.at, actor_id=None, actor_label=event.actor_label,
                        action=event.action, object_type=event.object_type,
                        object_id=event.object_id, data=event.data, prev_hash=event.prev_hash,
                        version=1)
    raw(f"UPDATE {TABLE} SET hash_version = 1, hash = %s WHERE seq = 4", [forged])  # noqa: S608
    result = audit_chain_verify()
    assert (result.ok, result.first_broken_seq) == (False, 4)
    assert "hash version 1" in result.reason
