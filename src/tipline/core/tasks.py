"""Periodic background tasks: each app registers the ones it needs (the blob store's daily
sweep here, the CyberTipline API's expiry of unfinished reports in intake), and every worker
queues each one at start unless a run already waits. A periodic task queues its own next run
when it has done its work, so exactly one waits at a time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django_tasks import task
from django_tasks_db.models import DBTaskResult

from tipline.core.queues import DATABASE_BACKEND, REDIS_BACKEND, task_backend
from tipline.core.sweep import blobs_sweep

#: seconds between two sweeps of the blob store
SWEEP_EVERY = 24 * 3600

#: the periodic tasks: task path -> (task, seconds between two runs)
_PERIODIC: dict[str, tuple[Any, float]] = {}


def periodic_register(periodic: Any, *, every: float) -> None:
    """Run `periodic` (a task taking no arguments) every `every` seconds from now on."""
    _PERIODIC[periodic.module_path] = (periodic, every)


def periodic_paths() -> list[str]:
    """The task paths of every registered periodic task (the ones a worker queues at start)."""
    return sorted(_PERIODIC)


def periodic_queue(periodic: Any, *, after: float | None = None) -> bool:
    """Queue the next run of `periodic` `after` seconds from now (its period by default),
    unless one waits already or the task backend has no queue to keep it in; whether one
    was queued."""
    backend = task_backend()
    if backend == DATABASE_BACKEND:
        waiting = DBTaskResult.objects.filter(
            status="READY", task_path=periodic.module_path).exists()
    elif backend == REDIS_BACKEND:
        waiting = _waits_in_redis(periodic)
    else:
        return False
    if waiting:
        return False
    if after is None:
        after = _PERIODIC.get(periodic.module_path, (None, SWEEP_EVERY))[1]
    periodic.using(run_after=datetime.now(UTC) + timedelta(seconds=after)).enqueue()
    return True


def periodic_queue_all() -> int:
    """At a worker's start: queue every registered periodic task none of which waits."""
    return sum(periodic_queue(periodic) for periodic, _ in list(_PERIODIC.values()))


def _waits_in_redis(periodic: Any) -> bool:
    """Whether a run of `periodic` waits in Redis (scheduled for later, or queued)."""
    import django_rq

    queue = django_rq.get_queue(periodic.queue_name)
    waiting = [*queue.scheduled_job_registry.get_job_ids(), *queue.job_ids]
    return any(job is not None and job.func_name == periodic.module_path
               for job in queue.job_class.fetch_many(waiting, connection=queue.connection))


def sweep_schedule(*, after: float = SWEEP_EVERY) -> bool:
    """Queue the next sweep of the blob store (see `periodic_queue`)."""
    return periodic_queue(blobs_sweep_task, after=after)


@task()
def blobs_sweep_task() -> int:
    """Remove blobs nothing refers to and stale incoming files, then queue the next sweep."""
    found = blobs_sweep()
    periodic_queue(blobs_sweep_task)
    return len(found.blobs) + len(found.incoming)


periodic_register(blobs_sweep_task, every=SWEEP_EVERY)
