"""The task queue across machines: Redis through django-tasks' RQ backend. Tasks go to the
queue of their kind of work (intake, scan, route, ...), `tipline worker --queues` takes some of
them, and a task run twice does no harm. Needs the Redis server on 127.0.0.1:6379 (CI has
one); skipped, saying so, where none answers."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import django_rq
import pytest
import redis
from django.core.management import call_command
from django.core.management.base import CommandError

from tipline.accounts.services import system_user
from tipline.cases.models import Case
from tipline.intake.ingest import ingest_paths
from tipline.intake.models import Report
from tipline.intake.tests import builders as b
from tipline.media.models import FileScan
from tipline.routing.tasks import route_pending

TEST_REDIS = "redis://127.0.0.1:6379/15"  # a database of its own, emptied around each test


def _redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(TEST_REDIS, socket_connect_timeout=1).ping())
    except redis.exceptions.ConnectionError:
        return False


pytestmark = pytest.mark.skipif(not _redis_answers(),
                                reason="no Redis server answers on 127.0.0.1:6379")


@pytest.fixture
def rq_tasks(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[redis.Redis]:
    """Tasks queue in Redis (a test database), on every queue."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend",
                                  "QUEUES": settings.TASK_QUEUES}}
    for name in settings.TASK_QUEUES:
        monkeypatch.setitem(django_rq.settings.QUEUES, name, {"URL": TEST_REDIS})
    connection = redis.Redis.from_url(TEST_REDIS)
    connection.flushdb()
    yield connection
    connection.flushdb()


def _queued(name: str) -> int:
    return django_rq.get_queue(name).count


@pytest.mark.django_db(transaction=True)
def test_each_kind_of_work_waits_in_its_queue_and_a_worker_takes_its_own(
        tree: None, tmp_path: Path, rq_tasks: redis.Redis) -> None:
    ingest_paths(paths=[b.ncmec_folder(tmp_path, "8001", seed=8)], actor=system_user("test"))
    report = Report.objects.get(external_id="8001")
    assert (_queued("scan"), _queued("route"), _queued("intake")) == (1, 1, 0)

    call_command("worker", "--queues", "scan", "--batch", verbosity=0)
    assert FileScan.objects.filter(file__report=report).count() == 1
    assert _queued("route") == 1 and not Case.objects.exists()  # not this worker's queue

    call_command("worker", "--queues", "route", "--batch", verbosity=0)
    report.refresh_from_db()
    assert report.status == Report.Status.ROUTED and report.jurisdiction.code == "IN-MH-BEED"
    assert Case.objects.filter(report=report).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_task_run_twice_does_no_harm(tree: None, tmp_path: Path,
                                       rq_tasks: redis.Redis) -> None:
    ingest_paths(paths=[b.ncmec_folder(tmp_path, "8002", seed=9)], actor=system_user("test"))
    route_pending.enqueue()  # a second routing of the same batch
    assert _queued("route") == 2
    call_command("worker", "--batch", verbosity=0)
    assert _queued("route") == 0 and _queued("scan") == 0
    assert Case.objects.count() == 1 and FileScan.objects.count() == 1


def test_the_daily_sweep_waits_in_redis_once(rq_tasks: redis.Redis) -> None:
    from tipline.core.tasks import blobs_sweep_task, sweep_schedule

    assert sweep_schedule() is True
    assert sweep_schedule() is False  # one waits already
    queue = django_rq.get_queue(blobs_sweep_task.queue_name)
    scheduled = queue.scheduled_job_registry.get_job_ids()
    assert len(scheduled) == 1
    job = queue.fetch_job(scheduled[0])
    assert job is not None and job.func_name == blobs_sweep_task.module_path
    from tipline.core.rq_worker import due_jobs_queue

    assert due_jobs_queue([queue], rq_tasks) == 0  # not due for a day
    queue.scheduled_job_registry.schedule(job, datetime.now(UTC) - timedelta(seconds=1))
    assert due_jobs_queue([queue], rq_tasks) == 1  # due: queued, once
    assert due_jobs_queue([queue], rq_tasks) == 0
    assert queue.job_ids == [job.id]


def test_unknown_queues_are_named(settings: Any) -> None:
    with pytest.raises(CommandError, match="no queue urgent; the queues are default, intake"):
        call_command("worker", "--queues", "scan,urgent", "--batch")


WORKER_REDIS = "redis://127.0.0.1:6379/12"  # the worker processes' queue, emptied around


def workers_left_on(url: str) -> list[int]:
    """Stop `tipline worker` processes that a run of this test left on its queue (an earlier
    run interrupted before its clean-up): such a worker, on another TIPLINE_HOME, would take
    this run's task, find no such batch and call it done. Returns the processes stopped."""
    stopped = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            environ = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue  # gone, or not ours to read
        if b"worker" in argv and f"REDIS_URL={url}".encode() in environ:
            os.kill(int(entry.name), signal.SIGKILL)
            stopped.append(int(entry.name))
    return stopped


def test_a_redis_worker_killed_mid_import_is_taken_over_when_its_lease_runs_out(
        tmp_path: Path) -> None:
    """Real `tipline worker` processes on the Redis queue: the first is killed while it
    imports; its task's lease runs out and the second worker queues it again and finishes
    the flow (import, scan, routing), each report stored once."""
    from tests.test_cli import run, tipline_argv
    from tests.test_worker import QUEUE_UPLOAD, query, wait_until

    connection = redis.Redis.from_url(WORKER_REDIS)
    if left := workers_left_on(WORKER_REDIS):
        print(f"stopped workers an earlier run left on {WORKER_REDIS}: {left}")
    connection.flushdb()
    home = tmp_path / "home"
    env = {"TIPLINE_TASK_BACKEND": "redis", "REDIS_URL": WORKER_REDIS,
           "TIPLINE_WORKER_BEAT_SECONDS": "1", "TIPLINE_WORKER_LEASE_SECONDS": "4",
           # the takeover is under test, not the classifiers (a minute of CPU on a busy CI)
           "TIPLINE_CLASSIFY_ON_SCAN": "0"}
    made = run(home, "demo", "--reports", "300", "--seed", "9", "--no-import", "--quiet")
    assert made.returncode == 0, made.stderr
    from tests.test_cli import fresh_env

    queued = subprocess.run(  # noqa: S603 - our own command
        [*tipline_argv(), "shell", "-c",
         QUEUE_UPLOAD.format(path=str(home / "demo/export.zip"))],
        env=fresh_env(home) | env, capture_output=True, text=True, timeout=120, check=False)
    assert queued.returncode == 0, queued.stderr
    batch = int(queued.stdout.split()[-1])
    log_path = home / "worker.log"

    def worker() -> subprocess.Popen[str]:
        return subprocess.Popen(  # noqa: S603 - our own command
            [*tipline_argv(), "worker"], env=fresh_env(home) | env,
            stdout=log_path.open("a"), stderr=subprocess.STDOUT, text=True,
            stdin=subprocess.DEVNULL)

    first = worker()
    second: subprocess.Popen[str] | None = None
    try:
        wait_until("the import started", lambda: query(
            home, "SELECT status FROM intake_importbatch WHERE id=?", batch) == [("running",)],
            first, 60, every=0.01)
        first.kill()
        first.wait()
        second = worker()

        def flow_done() -> bool:
            done = query(home, "SELECT status FROM intake_importbatch WHERE id=?", batch)
            unrouted = query(home, "SELECT COUNT(*) FROM intake_report r WHERE r.is_current "
                                   "AND NOT EXISTS (SELECT 1 FROM geo_reportlocation l "
                                   "WHERE l.report_id=r.id)")
            return done == [("done",)] and unrouted == [(0,)]

        def diagnose() -> str:
            row = query(home, "SELECT status, imported, error FROM intake_importbatch "
                              "WHERE id=?", batch)
            keys = sorted(str(k, "utf-8") if isinstance(k, bytes) else k
                          for k in connection.keys("rq:*"))[:40]
            return (f"batch: {row}\nqueue keys: {keys}\n"
                    f"worker log (the end):\n{log_path.read_text()[-4000:]}")

        wait_until("the import (taken over) and the routing finished", flow_done, second, 300,
                   diagnose=diagnose)
        second.terminate()
        second.wait(timeout=30)
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait()
        connection.flushdb()
    log = log_path.read_text()
    assert "queued again (attempt 2 of 3)" in log, "\n".join(
        line for line in log.splitlines()
        if any(word in line for word in ("started with PID", "renewing", "dead", "given up",
                                         "intake:", "Traceback", "Error")))
    assert query(home, "SELECT status, imported, duplicates FROM intake_importbatch "
                       "WHERE id=?", batch) == [("done", 300, 0)]
    assert query(home, "SELECT COUNT(*) FROM intake_report") == [(300,)]
    assert query(home, "SELECT COUNT(*) FROM cases_case")[0][0] > 0
