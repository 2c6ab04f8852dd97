"""What a killed import leaves in the blob store is found by `tipline doctor` and removed by
`--fix` and by the periodic sweep; what any record refers to, and fresh files, stay."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from tipline.core.blobs import blob_path, blob_put_bytes, blob_root
from tipline.core.tasks import blobs_sweep_task, sweep_schedule
from tipline.intake.models import ImportBatch

pytestmark = pytest.mark.django_db

DAY = 24 * 3600


def aged(path: Path) -> Path:
    then = time.time() - DAY
    os.utime(path, (then, then))
    return path


@pytest.fixture
def store(tree: None) -> dict[str, Path]:
    kept = blob_put_bytes(b"an upload a batch refers to")
    ImportBatch.objects.create(label="x", paths=[{"name": "a.xml", "sha256": kept.sha256,
                                                  "size": kept.size}])
    orphan = blob_put_bytes(b"a file of a report never committed")
    fresh = blob_put_bytes(b"written a moment ago by a running import")
    incoming = blob_root() / ".incoming-abc123"
    incoming.write_bytes(b"half")
    return {"kept": aged(blob_path(kept.sha256)), "orphan": aged(blob_path(orphan.sha256)),
            "fresh": blob_path(fresh.sha256), "incoming": aged(incoming)}


def doctor(*args: str) -> str:
    out = io.StringIO()
    call_command("doctor", "--check", "blob leftovers", *args, stdout=out)
    return out.getvalue()


def test_doctor_lists_then_removes_leftovers(store: dict[str, Path]) -> None:
    listed = doctor()
    assert store["orphan"].name in listed and ".incoming-abc123" in listed
    assert store["kept"].name not in listed and store["fresh"].name not in listed
    assert "found 1 unreferenced blob(s) and 1 half-written file(s)" in listed
    assert "tipline doctor --fix" in listed
    assert all(p.exists() for p in store.values())
    fixed = doctor("--fix")
    assert "removed 1 unreferenced blob(s) and 1 half-written file(s)" in fixed
    assert not store["orphan"].exists() and not store["incoming"].exists()
    assert store["kept"].exists() and store["fresh"].exists()
    assert "found 0 unreferenced blob(s) and 0 half-written file(s)" in doctor()


def test_storing_held_content_again_makes_it_new_for_the_sweep(store: dict[str, Path]) -> None:
    blob_put_bytes(b"a file of a report never committed")  # an import stores it again
    assert store["orphan"].name not in doctor()


def test_the_periodic_sweep_removes_leftovers_and_queues_the_next(
    store: dict[str, Path], settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert sweep_schedule() is True
    assert sweep_schedule() is False  # one is queued already
    queued = DBTaskResult.objects.get(task_path=blobs_sweep_task.module_path)
    assert queued.status == "READY" and queued.run_after.timestamp() > time.time() + DAY - 60
    queued.delete()
    assert blobs_sweep_task.call() == 2
    assert not store["orphan"].exists() and store["kept"].exists()
    assert DBTaskResult.objects.filter(task_path=blobs_sweep_task.module_path,
                                       status="READY").count() == 1
