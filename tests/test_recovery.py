"""Tasks whose worker died are queued again, a bounded number of times; an interrupted
import resumes, importing only what it had not stored."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django_tasks_db.models import DBTaskResult

from tipline.accounts.services import system_user
from tipline.core.heartbeat import lease_end, lease_renew
from tipline.core.models import WorkerLease
from tipline.core.recovery import (
    Recovered,
    host_name,
    tasks_recover,
    worker_alive,
    worker_id_new,
)
from tipline.intake.ingest import ingest_paths
from tipline.intake.models import ImportBatch, Report
from tipline.intake.tasks import import_batch_run
from tipline.intake.tests import builders as b

pytestmark = pytest.mark.django_db


def dead_worker_id() -> str:
    """The id a worker had in a process that has since exited (a real one, reaped)."""
    child = subprocess.Popen(["true"])  # noqa: S607 - a harmless program on PATH
    child.wait()
    return f"{host_name()}:{child.pid}:deadbeef"


def running_task(batch: ImportBatch, worker_ids: list[str]) -> DBTaskResult:
    result = import_batch_run.enqueue(batch_id=batch.pk)
    row = DBTaskResult.objects.get(pk=result.id)
    row.status, row.worker_ids = "RUNNING", worker_ids
    row.save(update_fields=["status", "worker_ids"])
    return row


def test_worker_ids_say_whether_their_worker_runs() -> None:
    assert worker_alive(worker_id_new()) is True  # this process
    assert worker_alive(dead_worker_id()) is False
    assert worker_alive("elsewhere:1:abc") is None  # another machine: can't tell from here
    assert worker_alive("d41d8cd98f00b204e9800998ecf8427e") is None  # a random id


def test_a_worker_s_lease_says_whether_it_runs_on_any_machine(settings: Any) -> None:
    settings.WORKER_LEASE_SECONDS = 60
    now = datetime.now(UTC)
    WorkerLease.objects.create(worker_id="elsewhere:7:fresh", started_at=now, renewed_at=now)
    old = now - timedelta(seconds=61)
    WorkerLease.objects.create(worker_id="elsewhere:8:stale", started_at=old, renewed_at=old)
    assert worker_alive("elsewhere:7:fresh") is True
    assert worker_alive("elsewhere:8:stale") is False  # lost with its machine, or hung
    here = worker_id_new()
    WorkerLease.objects.create(worker_id=here, started_at=old, renewed_at=old)
    assert worker_alive(here) is False  # this very process, but it stopped renewing: hung
    gone = dead_worker_id()
    WorkerLease.objects.create(worker_id=gone, started_at=now, renewed_at=now)
    assert worker_alive(gone) is False  # its process has exited: no need to wait


def test_a_task_of_a_worker_whose_lease_ran_out_is_queued_again(tree: None) -> None:
    batch = ImportBatch.objects.create(label="x", status=ImportBatch.Status.RUNNING)
    now = datetime.now(UTC)
    WorkerLease.objects.create(worker_id="elsewhere:1:live", started_at=now, renewed_at=now)
    stale = now - timedelta(hours=1)
    WorkerLease.objects.create(worker_id="elsewhere:2:lost", started_at=stale,
                               renewed_at=stale)
    ancient = now - timedelta(days=2)
    WorkerLease.objects.create(worker_id="elsewhere:3:old", started_at=ancient,
                               renewed_at=ancient)
    live = running_task(batch, ["elsewhere:1:live"])
    lost = running_task(batch, ["elsewhere:2:lost"])
    assert tasks_recover() == Recovered(requeued=1, failed=0)
    live.refresh_from_db()
    lost.refresh_from_db()
    assert (live.status, lost.status) == ("RUNNING", "READY")
    assert sorted(WorkerLease.objects.values_list("pk", flat=True)) == [
        "elsewhere:1:live", "elsewhere:2:lost"]  # a lease a day old is cleared


def test_a_heartbeat_renews_its_lease_and_gives_it_back() -> None:
    worker = worker_id_new()
    lease_renew(worker)
    first = WorkerLease.objects.get(pk=worker).renewed_at
    lease_renew(worker)
    assert WorkerLease.objects.get(pk=worker).renewed_at >= first
    assert WorkerLease.objects.count() == 1
    lease_end(worker)
    assert not WorkerLease.objects.filter(pk=worker).exists()


def test_a_dead_worker_s_task_is_queued_again(tree: None) -> None:
    batch = ImportBatch.objects.create(label="x", status=ImportBatch.Status.RUNNING)
    row = running_task(batch, [dead_worker_id()])
    elsewhere = running_task(batch, ["elsewhere:1:abc"])
    done = tasks_recover()
    assert (done.requeued, done.failed) == (1, 0)
    row.refresh_from_db()
    elsewhere.refresh_from_db()
    assert (row.status, elsewhere.status) == ("READY", "RUNNING")
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.RUNNING


def test_after_the_last_attempt_the_task_and_its_batch_fail_with_the_reason(
    tree: None, settings: Any
) -> None:
    settings.TASK_ATTEMPTS = 2
    batch = ImportBatch.objects.create(label="x", status=ImportBatch.Status.RUNNING)
    row = running_task(batch, [dead_worker_id(), dead_worker_id()])
    done = tasks_recover()
    assert (done.requeued, done.failed) == (0, 1)
    row.refresh_from_db()
    assert row.status == "FAILED" and "given up after 2 attempt(s)" in row.traceback
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
    assert batch.error.startswith(
        "the import stopped: its worker died or stopped answering while running it, 2 time")
    assert tasks_recover().failed == 0  # once


def test_a_resumed_import_stores_only_what_was_missing(tree: None, tmp_path: Path) -> None:
    first, second = tmp_path / "a.xml", tmp_path / "b.xml"
    first.write_bytes(b.xml_doc(*[b.xml_report(f"R{i}") for i in range(3)]))
    second.write_bytes(b.xml_doc(*[b.xml_report(f"S{i}") for i in range(4)],
                                 b.xml_report("BAD", incident_type="Nope")))
    actor = system_user("importer")
    batch = ingest_paths(paths=[first], actor=actor, continue_flow=False)  # then interrupted
    batch.status = ImportBatch.Status.RUNNING
    batch.save(update_fields=["status"])
    ingest_paths(paths=[first, second], actor=actor, batch=batch, continue_flow=False,
                 resume=True)
    batch.refresh_from_db()
    assert (batch.status, batch.imported, batch.duplicates, batch.rejected) == ("done", 7, 0, 1)
    assert Report.objects.filter(batch=batch).count() == 7
    assert batch.rejections.count() == 1


def test_a_batch_whose_process_died_shows_as_interrupted(
    tree: None, client: Any, analyst: Any
) -> None:
    from django.urls import reverse

    from tipline.core.recovery import process_alive, process_id
    from tipline.intake.selectors import import_batch_interrupted, import_batch_interrupted_find

    child = subprocess.Popen(["sleep", "30"])  # noqa: S607 - a real process, then killed
    try:
        with open(f"/proc/{child.pid}/stat") as stat:
            started = stat.read().rsplit(")", 1)[1].split()[19]
        gone = f"{host_name()}:{child.pid}:{started}"
        assert process_alive(gone) is True
    finally:
        child.kill()
        child.wait()
    assert process_alive(gone) is False
    assert process_alive(process_id()) is True
    assert process_alive("elsewhere:1:2") is None
    dead = ImportBatch.objects.create(label="x", status=ImportBatch.Status.RUNNING,
                                      runner=gone, source_key="k")
    live = ImportBatch.objects.create(label="y", status=ImportBatch.Status.RUNNING,
                                      runner=process_id(), source_key="k")
    assert import_batch_interrupted(batch=dead) and not import_batch_interrupted(batch=live)
    assert import_batch_interrupted_find(source_key="k") == dead
    client.force_login(analyst)
    html = client.get(reverse("intake:batch_detail", args=[dead.pk])).content.decode()
    assert 'id="interrupted"' in html and "Run the same <code>tipline ingest</code>" in html
    html = client.get(reverse("intake:batch_detail", args=[live.pk])).content.decode()
    assert 'id="interrupted"' not in html
