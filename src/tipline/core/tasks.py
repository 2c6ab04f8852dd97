"""Background tasks of the foundation: the periodic sweep of blob-store leftovers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django_tasks import task
from django_tasks_db.models import DBTaskResult

from tipline.core.queues import DATABASE_BACKEND, REDIS_BACKEND, task_backend
from tipline.core.sweep import blobs_sweep

#: seconds between two sweeps of the blob store
SWEEP_EVERY = 24 * 3600


def sweep_schedule(*, after: float = SWEEP_EVERY) -> bool:
    """Queue the next sweep `after` seconds from now, unless one is queued already or the
    task backend has no queue to keep it in; whether one was queued."""
    backend = task_backend()
    if backend == DATABASE_BACKEND:
        queued = DBTaskResult.objects.filter(
            status="READY", task_path=blobs_sweep_task.module_path).exists()
    elif backend == REDIS_BACKEND:
        queued = _sweep_in_redis()
    else:
        return False
    if queued:
        return False
    blobs_sweep_task.using(
        run_after=datetime.now(UTC) + timedelta(seconds=after)).enqueue()
    return True


def _sweep_in_redis() -> bool:
    """Whether a sweep waits in Redis (scheduled for later, or queued)."""
    import django_rq

    queue = django_rq.get_queue(blobs_sweep_task.queue_name)
    waiting = [*queue.scheduled_job_registry.get_job_ids(), *queue.job_ids]
    return any(job is not None and job.func_name == blobs_sweep_task.module_path
               for job in queue.job_class.fetch_many(waiting, connection=queue.connection))


@task()
def blobs_sweep_task() -> int:
    """Remove blobs nothing refers to and stale incoming files, then queue the next sweep."""
    found = blobs_sweep()
    sweep_schedule()
    return len(found.blobs) + len(found.incoming)
