"""The Redis queue's worker: RQ's in-process worker with a short lease, and tasks of dead
workers queued again a bounded number of times.

RQ's `SimpleWorker` runs each task in its own process (nothing forks inside a worker), but
it marks a running task's lease only once, for the task's whole timeout (a day here), so a
task whose worker died would wait a day to be noticed. This worker renews the lease every
TIPLINE_WORKER_BEAT_SECONDS from a thread while a task runs, with a lifetime of
TIPLINE_WORKER_LEASE_SECONDS; an idle worker wakes at least that often and, in RQ's
maintenance, queues again each task whose lease ran out (its worker killed, its machine
lost, or hung), up to TIPLINE_TASK_ATTEMPTS starts. After the last one RQ marks the task
failed and `task_abandoned` tells its owner (an import marks its batch failed), as the
database queue does (core/recovery.py).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.conf import settings
from redis import Redis
from rq.job import Job, JobStatus
from rq.queue import Queue
from rq.utils import as_text, current_timestamp, parse_composite_key
from rq.worker import SimpleWorker, WorkerStatus

from tipline.core.signals import task_abandoned

log = logging.getLogger(__name__)
ATTEMPTS = "tipline_attempts"  # in a job's meta: how many times a worker started it
GIVEN_UP = "tipline_given_up"  # in a job's meta: its owner was told (once)


def jobs_recover(queues: list[Queue], connection: Redis) -> tuple[int, int]:
    """Queue again each started job whose lease ran out, while it has attempts left; tell the
    owners of the others (RQ's own clean-up then marks those failed). Returns (requeued,
    given up)."""
    attempts = max(1, int(settings.TASK_ATTEMPTS))
    requeued = failed = 0
    for queue in queues:
        registry = queue.started_job_registry
        expired: list[bytes] = connection.zrangebyscore(  # type: ignore[assignment]
            registry.key, 0, current_timestamp())
        for entry in expired:
            job_id, _ = parse_composite_key(as_text(entry))
            job = queue.fetch_job(job_id)
            if job is None or job.get_status() != JobStatus.STARTED:
                continue
            tries = int(job.meta.get(ATTEMPTS, 1))
            if tries < attempts:
                if not connection.zrem(registry.key, entry):
                    continue  # another worker took it back first
                job.meta[ATTEMPTS] = tries + 1
                job.save_meta()
                queue.enqueue_job(job)
                requeued += 1
                log.warning("task %s (%s): its worker %s stopped renewing its lease; queued "
                            "again (attempt %d of %d)", job.id, job.func_name, job.worker_name,
                            tries + 1, attempts)
                continue
            if job.meta.get(GIVEN_UP):
                continue  # told already; RQ's clean-up marks it failed
            job.meta[GIVEN_UP] = True
            job.save_meta()
            reason = (f"its worker died or stopped answering while running it, {tries} "
                      f"time(s) (the last: {job.worker_name}); given up after {attempts} "
                      f"attempt(s)")
            failed += 1
            log.warning("task %s (%s): %s", job.id, job.func_name, reason)
            task_abandoned.send(sender=Job, task_path=job.func_name,
                                kwargs=dict(job.kwargs or {}), reason=reason)
    return requeued, failed


def due_jobs_queue(queues: list[Queue], connection: Redis) -> int:
    """Queue the jobs scheduled for now or earlier (the daily sweep): done here, in the
    worker's own process, rather than by RQ's scheduler, which forks a child that outlives
    a killed worker. Each job is taken by one worker (the one that removes it)."""
    queued = 0
    for queue in queues:
        registry = queue.scheduled_job_registry
        for job_id in registry.get_jobs_to_schedule(int(current_timestamp())):
            if not connection.zrem(registry.key, job_id):
                continue  # another worker queued it
            if (job := queue.fetch_job(job_id)) is not None:
                queue.enqueue_job(job)
                queued += 1
    return queued


class LeasedWorker(SimpleWorker):
    """RQ's in-process worker whose running task holds a lease of
    TIPLINE_WORKER_LEASE_SECONDS, renewed while it runs."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        lease = max(1, int(settings.WORKER_LEASE_SECONDS))
        kwargs["worker_ttl"] = lease + 15  # an idle worker wakes every `lease` seconds
        kwargs.setdefault("maintenance_interval", lease)
        super().__init__(*args, **kwargs)

    def get_heartbeat_ttl(self, job: Job, working_time: float = 0.0) -> int:
        return max(1, int(settings.WORKER_LEASE_SECONDS))

    def execute_job(self, job: Job, queue: Queue) -> None:
        execution = self.prepare_execution(job)
        stop = threading.Event()

        def beat() -> None:
            every = max(0.1, float(settings.WORKER_BEAT_SECONDS))
            while not stop.wait(every):
                try:
                    self.maintain_heartbeats(job, execution)
                except Exception:  # Redis briefly away: try at the next beat
                    log.exception("worker %s: heartbeat failed", self.name)

        thread = threading.Thread(target=beat, name="tipline-heartbeat", daemon=True)
        thread.start()
        try:
            self.perform_job(job, queue, execution)
        finally:
            stop.set()
            thread.join(timeout=30)
        self.set_state(WorkerStatus.IDLE)

    def clean_registries(self) -> None:
        due_jobs_queue(self.queues, self.connection)
        requeued, failed = jobs_recover(self.queues, self.connection)
        if requeued or failed:
            log.warning("tasks of dead workers: %d queued again, %d given up", requeued, failed)
        super().clean_registries()
