"""Background tasks whose worker died: found, and run again a bounded number of times.

A task left RUNNING by a worker that is gone (killed, out of memory, the machine lost) or
hangs is found two ways: a running worker renews a lease every few seconds
(core/heartbeat.py), and one whose lease ran out (TIPLINE_WORKER_LEASE_SECONDS) is dead, on
whichever machine it ran; and a worker's id says where it runs (`host:pid:random`, see
`worker_id_new`), so a worker on this machine that has exited is known dead at once. Such a
task is put back in the queue (READY) while it has been started fewer than TASK_ATTEMPTS
times; after that it is marked FAILED with the reason, and `task_abandoned` tells the
task's owner (an import marks its batch failed). Every task is idempotent, so running one
again resumes it. Every worker's heartbeat runs this sweep, and every worker at its start.
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.utils.crypto import get_random_string
from django_tasks_db.models import DBTaskResult

from tipline.core.models import WorkerLease
from tipline.core.signals import task_abandoned

log = logging.getLogger(__name__)
STATUS_READY, STATUS_RUNNING, STATUS_FAILED = "READY", "RUNNING", "FAILED"


def host_name() -> str:
    """This machine, as its workers' ids name it (TIPLINE_HOST_NAME, or its host name)."""
    return (settings.HOST_NAME or socket.gethostname())[:40]


def worker_id_new() -> str:
    """An id for a worker starting in this process: host, pid, and a random part."""
    return f"{host_name()}:{os.getpid()}:{get_random_string(8)}"


def worker_alive(worker_id: str) -> bool | None:
    """Whether the worker with this id still runs: False when its process on this machine has
    exited or its lease ran out (dead or hung, anywhere), True while its lease is renewed;
    None when it can't be told (another machine's worker that kept no lease)."""
    here = _process_alive_here(worker_id)
    if here is False:
        return False
    renewed = (WorkerLease.objects.filter(pk=worker_id)
               .values_list("renewed_at", flat=True).first())
    if renewed is not None:
        return renewed >= datetime.now(UTC) - timedelta(seconds=settings.WORKER_LEASE_SECONDS)
    return here


def _process_alive_here(worker_id: str) -> bool | None:
    """Whether the worker's process still runs, if it ran on this machine."""
    host, _, rest = worker_id.partition(":")
    pid_text = rest.partition(":")[0]
    if host != host_name() or not pid_text.isdigit():
        return None
    pid = int(pid_text)
    if pid == os.getpid():
        return True
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return b"db_worker" in command  # empty for a zombie; another program if the pid was reused


def _start_time(pid: int) -> str | None:
    """When process `pid` started (clock ticks since boot), or None if it is gone or a
    zombie: with the pid it names one process, even after the pid is reused."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return None if fields[0] in {"Z", "X"} else fields[19]


def process_id() -> str:
    """This process, as another one can check it later: host, pid and start time."""
    return f"{host_name()}:{os.getpid()}:{_start_time(os.getpid()) or ''}"


def process_alive(process: str) -> bool | None:
    """Whether the process `process_id` named still runs; None when it can't be told from
    here (another machine, or nothing recorded)."""
    host, _, rest = process.partition(":")
    pid_text, _, started = rest.partition(":")
    if host != host_name() or not pid_text.isdigit() or not started:
        return None
    return _start_time(int(pid_text)) == started


@dataclass(frozen=True)
class Recovered:
    """What a sweep did: tasks put back in the queue, and tasks given up."""

    requeued: int
    failed: int


def tasks_recover() -> Recovered:
    """Put back in the queue each task whose worker died; give up on those already started
    TASK_ATTEMPTS times (FAILED, with the reason; their owners hear it through
    `task_abandoned`)."""
    attempts = max(1, int(settings.TASK_ATTEMPTS))
    requeued = failed = 0
    for row in DBTaskResult.objects.running().order_by("enqueued_at"):
        last = row.worker_ids[-1] if row.worker_ids else ""
        if worker_alive(last) is not False:
            continue
        mine = DBTaskResult.objects.filter(pk=row.pk, status=STATUS_RUNNING)
        tries = len(row.worker_ids)
        if tries < attempts:
            if mine.update(status=STATUS_READY):
                requeued += 1
                log.warning("task %s (%s): its worker %s died; queued again (attempt %d of %d)",
                            row.pk, row.task_path, last, tries + 1, attempts)
            continue
        reason = (f"its worker died or stopped answering while running it, {tries} time(s) "
                  f"(the last: {last}); "
                  f"given up after {attempts} attempt(s)")
        if mine.update(status=STATUS_FAILED, finished_at=datetime.now(UTC),
                       exception_class_path="tipline.core.recovery.WorkerDied",
                       traceback=reason):
            failed += 1
            log.warning("task %s (%s): %s", row.pk, row.task_path, reason)
            task_abandoned.send(sender=DBTaskResult, task_path=row.task_path,
                                kwargs=dict(row.args_kwargs.get("kwargs") or {}), reason=reason)
    # leases of workers long gone (their tasks were dealt with above)
    WorkerLease.objects.filter(renewed_at__lt=datetime.now(UTC) - timedelta(days=1)).delete()
    return Recovered(requeued, failed)
