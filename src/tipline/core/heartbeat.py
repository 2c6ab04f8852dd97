"""A worker's heartbeat: while it runs, a thread renews its lease and takes back the tasks of
workers whose lease ran out.

The worker's own thread runs tasks; this one only writes a row every
TIPLINE_WORKER_BEAT_SECONDS, on a database connection of its own, so a long task never
starves it. A worker that is killed, loses its machine or hangs (stopped, swapped out, a
deadlocked helper) stops renewing: after TIPLINE_WORKER_LEASE_SECONDS any other worker's
heartbeat finds its tasks and queues them again (`core.recovery.tasks_recover`).
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime

from django.conf import settings
from django.db import close_old_connections, connection

from tipline.core.models import WorkerLease

log = logging.getLogger(__name__)


def lease_renew(worker_id: str) -> None:
    """Say that this worker runs, now."""
    now = datetime.now(UTC)
    if not WorkerLease.objects.filter(pk=worker_id).update(renewed_at=now):
        WorkerLease.objects.create(worker_id=worker_id, started_at=now, renewed_at=now)


def lease_end(worker_id: str) -> None:
    """A worker that stops cleanly gives its lease back."""
    WorkerLease.objects.filter(pk=worker_id).delete()


class Heartbeat:
    """Renews `worker_id`'s lease and recovers dead workers' tasks until stopped."""

    def __init__(self, worker_id: str) -> None:
        self.worker_id = worker_id
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tipline-heartbeat",
                                        daemon=True)

    def __enter__(self) -> Heartbeat:
        lease_renew(self.worker_id)  # before the first task is claimed
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=30)
        lease_end(self.worker_id)

    def _run(self) -> None:
        from tipline.core.recovery import tasks_recover

        every = max(0.1, float(settings.WORKER_BEAT_SECONDS))
        try:
            while not self._stop.wait(every):
                try:
                    close_old_connections()
                    lease_renew(self.worker_id)
                    done = tasks_recover()
                    if done.requeued or done.failed:
                        log.warning("tasks of dead workers: %d queued again, %d given up",
                                    done.requeued, done.failed)
                except Exception:  # a database that is briefly away: try at the next beat
                    log.exception("worker %s: heartbeat failed", self.worker_id)
        finally:
            connection.close()
