"""Background tasks of the foundation: the periodic sweep of blob-store leftovers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django_tasks import task
from django_tasks_db.models import DBTaskResult

from tipline.core.queues import DATABASE_BACKEND, task_backend
from tipline.core.sweep import blobs_sweep

#: seconds between two sweeps of the blob store
SWEEP_EVERY = 24 * 3600


def sweep_schedule(*, after: float = SWEEP_EVERY) -> bool:
    """Queue the next sweep `after` seconds from now, unless one is queued already or the
    task backend has no queue to keep it in; whether one was queued."""
    if task_backend() != DATABASE_BACKEND:
        return False
    if DBTaskResult.objects.filter(status="READY",
                                   task_path=blobs_sweep_task.module_path).exists():
        return False
    blobs_sweep_task.using(
        run_after=datetime.now(UTC) + timedelta(seconds=after)).enqueue()
    return True


@task()
def blobs_sweep_task() -> int:
    """Remove blobs nothing refers to and stale incoming files, then queue the next sweep."""
    found = blobs_sweep()
    sweep_schedule()
    return len(found.blobs) + len(found.incoming)
