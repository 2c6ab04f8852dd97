"""The append-only, hash-chained audit trail."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One thing that happened: who, what, to which record, when.

    `hash` is SHA-256 over the event's canonical form including `prev_hash`, the hash of the
    event before it, so altering, removing or reordering any event breaks the chain from there
    on (`tipline audit verify`). Events are never updated or deleted.

    `hash_version` says which columns the hash covers: 1 (events written before release
    0002) leaves out `actor_id`; 2 covers every column (`services.event_hash`). Version 1 is
    accepted only before the first version-2 event, so nobody can downgrade a new event.
    Someone with write access to the database can still recompute every hash after a change:
    signed checkpoints (`AuditCheckpoint`, kept outside the database too) catch that.
    """

    #: national-only: a grant on the root is needed to read the trail.
    scope_field = None

    seq = models.BigIntegerField(unique=True, help_text="position in the chain, from 1")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(max_length=150, help_text="username at the time")
    action = models.CharField(max_length=64, db_index=True, help_text="e.g. report.imported")
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    hash_version = models.PositiveSmallIntegerField(default=2)

    class Meta:
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class ChainHead(models.Model):
    """The single row holding the last event's seq and hash; locked while appending."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"chain head at #{self.seq}"


class AuditCheckpoint(models.Model):
    """A signed statement that the trail had `count` events ending at `seq` with `hash`.

    Signed with an Ed25519 key kept outside the database (`TIPLINE_AUDIT_SIGNING_KEY`); the
    same JSON is written to a file the auditor keeps elsewhere. A later trail must extend
    every checkpoint (`tipline audit verify --checkpoint FILE`): a copy kept here only lets the
    audit page show the last one.
    """

    seq = models.BigIntegerField()
    hash = models.CharField(max_length=64)
    count = models.BigIntegerField()
    at = models.DateTimeField()
    key_fingerprint = models.CharField(max_length=64)
    body = models.TextField(help_text="the signed checkpoint file's JSON, exactly")

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"checkpoint at #{self.seq}"
