"""What core keeps: the leases of running background workers."""

from __future__ import annotations

from django.db import models


class WorkerLease(models.Model):
    """A running worker's lease, renewed by its heartbeat (core/heartbeat.py). A worker whose
    lease ran out has died or hangs, on whichever machine it ran: its tasks are queued
    again (core/recovery.py)."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    started_at = models.DateTimeField()
    renewed_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.worker_id} (renewed {self.renewed_at:%Y-%m-%d %H:%M:%S})"
