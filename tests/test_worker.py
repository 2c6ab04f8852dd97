"""The background worker as it runs in production: a real `tipline db_worker` process on a
fresh data folder, taking the tasks a web upload queues (import, scan, routing)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.test_cli import alive, children_of, fresh_env, run, tipline_argv

QUEUE_UPLOAD = """
from pathlib import Path
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from tipline.intake.services import batch_upload
path = Path({path!r})
admin = get_user_model().objects.get(username="admin")
print(batch_upload(actor=admin, files=[SimpleUploadedFile(path.name, path.read_bytes())]).pk)
"""


def query(home: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    """Read the worker's database the way an operator would, outside Django."""
    with sqlite3.connect(f"file:{home / 'tipline.sqlite3'}?mode=ro", uri=True, timeout=30) as db:
        return list(db.execute(sql, params))


def wait_until(what: str, check: Callable[[], bool], proc: subprocess.Popen[str],
               seconds: float, every: float = 0.3,
               diagnose: Callable[[], str] = lambda: "") -> None:
    """Wait for `check`; on failure say what `diagnose` finds (the worker's log, its rows)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        if proc.poll() is not None:
            pytest.fail(f"the process exited ({proc.returncode}) before {what}\n{diagnose()}")
        time.sleep(every)
    pytest.fail(f"{what} did not happen within {seconds} s\n{diagnose()}")


def tasks(home: Path) -> list[tuple[object, ...]]:
    """The flow's tasks (not the periodic ones the worker queues at start for later: the
    daily sweep of the blob store, the expiry of unfinished API reports, the audit trail's
    daily checkpoint, the alerts' sweep, and whatever registers later)."""
    from tipline.core.tasks import periodic_paths

    periodic = periodic_paths()
    assert "tipline.core.tasks.blobs_sweep_task" in periodic  # the apps registered theirs
    rows = query(home, "SELECT task_path, status FROM django_tasks_database_dbtaskresult "
                       "ORDER BY enqueued_at")
    return [row for row in rows if row[0] not in periodic]


def upload_queued(home: Path, reports: int) -> int:
    """A fresh home with a demo export of `reports` reports, uploaded as the web page does."""
    made = run(home, "demo", "--reports", str(reports), "--seed", "9", "--no-import", "--quiet")
    assert made.returncode == 0, made.stderr
    queued = run(home, "shell", "-c", QUEUE_UPLOAD.format(path=str(home / "demo/export.zip")))
    assert queued.returncode == 0, queued.stderr
    return int(queued.stdout.split()[-1])


def start_worker(home: Path, **env: str) -> subprocess.Popen[str]:
    """A worker logging to a file (a child it leaves behind can't hold the test's pipe);
    `env` adds settings (TIPLINE_HOST_NAME: as if on another machine)."""
    log = (home / "worker.log").open("a")
    return subprocess.Popen(  # noqa: S603 - our own command
        [*tipline_argv(), "db_worker", "--no-reload", "--queue-name", "*", "--interval", "0.2"],
        env=fresh_env(home) | env, stdout=log, stderr=subprocess.STDOUT, text=True,
        stdin=subprocess.DEVNULL,
    )


def outliving(pids: set[int], *, seconds: float) -> set[int]:
    """Those of `pids` still running after `seconds` (helpers see their parent go, then
    exit: the fork server at once, its children when it has gone)."""
    deadline = time.monotonic() + seconds
    while (left := {pid for pid in pids if alive(pid)}) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


def kill_all(pids: set[int]) -> None:
    """Kill what a failed test left behind (a helper orphaned by its worker)."""
    for pid in pids:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)


def test_worker_imports_scans_and_routes_an_upload_then_stops(tmp_path: Path) -> None:
    """The scan hashes in helper processes; it used to fork them from the worker, and the
    worker then waited for ever on a child running its inherited shutdown handler."""
    home = tmp_path / "home"
    batch = upload_queued(home, 60)
    worker = start_worker(home)
    helpers: set[int] = set()
    try:
        def all_done() -> bool:
            helpers.update(p for k in children_of(worker.pid) for p in [k, *children_of(k)])
            rows = tasks(home)
            return len(rows) >= 3 and all(status == "SUCCESSFUL" for _, status in rows)

        wait_until("the import, the scan and the routing finished", all_done, worker, 120)
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
        left = outliving(helpers, seconds=15)
        kill_all(left)
    paths = [str(path) for path, _ in tasks(home)]
    assert any(p.endswith("import_batch_run") for p in paths), paths
    assert any("scan" in p for p in paths), paths
    assert any("route" in p for p in paths), paths
    assert query(home, "SELECT status FROM intake_importbatch WHERE id=?", batch) == [("done",)]
    unrouted = query(home, "SELECT COUNT(*) FROM intake_report r WHERE r.is_current AND NOT "
                           "EXISTS (SELECT 1 FROM geo_reportlocation l WHERE l.report_id=r.id)")
    assert unrouted == [(0,)]
    assert query(home, "SELECT COUNT(*) FROM intake_report")[0][0] >= 60
    assert query(home, "SELECT COUNT(*) FROM media_filescan")[0][0] > 0
    assert helpers, "the scan ran in helper processes"
    assert worker.returncode == 0, (home / "worker.log").read_text()
    assert not left, "the worker's helper processes outlived it"


def test_a_killed_worker_s_import_is_taken_up_by_the_next_worker(tmp_path: Path) -> None:
    """kill -9 the worker while it imports: the next worker queues the task again and the
    import finishes, each report stored once."""
    home = tmp_path / "home"
    batch = upload_queued(home, 300)
    first = start_worker(home)
    helpers: set[int] = set()
    try:
        def importing() -> bool:
            helpers.update(children_of(first.pid))
            return query(home, "SELECT status FROM intake_importbatch WHERE id=?",
                         batch) == [("running",)]

        wait_until("the import started", importing, first, 60, every=0.01)
        first.kill()
        first.wait()
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
        kill_all(helpers)
    assert [status for _, status in tasks(home)] == ["RUNNING"]
    second = start_worker(home)
    try:
        def all_done() -> bool:
            rows = tasks(home)
            return len(rows) >= 2 and all(status == "SUCCESSFUL" for _, status in rows)

        wait_until("the import (run again), the scan and the routing finished", all_done,
                   second, 120)
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=30)
    finally:
        if second.poll() is None:
            second.kill()
            second.wait()
    log = (home / "worker.log").read_text()
    assert "tasks of dead workers: 1 queued again, 0 given up" in log
    assert query(home, "SELECT status, imported, duplicates FROM intake_importbatch "
                       "WHERE id=?", batch) == [("done", 300, 0)]
    assert query(home, "SELECT COUNT(*) FROM intake_report") == [(300,)]
    worker_ids = query(home, "SELECT worker_ids FROM django_tasks_database_dbtaskresult "
                             "WHERE task_path LIKE '%import_batch_run'")[0][0]
    assert str(worker_ids).count(":") == 4  # claimed twice: by the killed worker, then the next


def test_a_worker_lost_with_its_machine_is_found_by_its_lease_and_its_task_taken_over(
        tmp_path: Path) -> None:
    """Two workers on two 'machines' (their own host names): one dies mid-import where no
    process check can see it, so only its lease running out tells; the other worker's
    heartbeat takes its task back and finishes the flow."""
    home = tmp_path / "home"
    batch = upload_queued(home, 300)
    lease = {"TIPLINE_WORKER_BEAT_SECONDS": "1", "TIPLINE_WORKER_LEASE_SECONDS": "4",
             "TIPLINE_CLASSIFY_ON_SCAN": "0"}  # the takeover is under test, not classifiers
    first = start_worker(home, TIPLINE_HOST_NAME="machine-a", **lease)
    second: subprocess.Popen[str] | None = None
    helpers: set[int] = set()
    try:
        def importing() -> bool:
            helpers.update(children_of(first.pid))
            return query(home, "SELECT status FROM intake_importbatch WHERE id=?",
                         batch) == [("running",)]

        wait_until("the import started", importing, first, 60, every=0.01)
        first.kill()  # the machine is gone: no exit, no clean-up, a lease left behind
        first.wait()
        kill_all(helpers)
        assert query(home, "SELECT COUNT(*) FROM core_workerlease WHERE worker_id LIKE "
                           "'machine-a:%'") == [(1,)]
        second = start_worker(home, TIPLINE_HOST_NAME="machine-b", **lease)

        def all_done() -> bool:
            rows = tasks(home)
            return len(rows) >= 2 and all(status == "SUCCESSFUL" for _, status in rows)

        wait_until("the import (taken over), the scan and the routing finished", all_done,
                   second, 180)
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=30)
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait()
    log = (home / "worker.log").read_text()
    # at its start the lease was still fresh: the heartbeat found it once it ran out
    assert "tasks of dead workers: 1 queued again, 0 given up" in log
    assert query(home, "SELECT status, imported, duplicates FROM intake_importbatch "
                       "WHERE id=?", batch) == [("done", 300, 0)]
    assert query(home, "SELECT COUNT(*) FROM intake_report") == [(300,)]
    worker_ids = str(query(home, "SELECT worker_ids FROM django_tasks_database_dbtaskresult "
                                 "WHERE task_path LIKE '%import_batch_run'")[0][0])
    assert "machine-a:" in worker_ids and "machine-b:" in worker_ids
    # the stopped worker gave its lease back; the lost one's stays until it is a day old
    assert query(home, "SELECT worker_id FROM core_workerlease WHERE worker_id LIKE "
                       "'machine-b:%'") == []


def test_a_killed_command_line_import_shows_interrupted_and_the_same_command_resumes_it(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    made = run(home, "demo", "--reports", "150", "--seed", "9", "--no-import", "--quiet")
    assert made.returncode == 0, made.stderr
    export = str(home / "demo/export.zip")
    with (home / "ingest.log").open("w") as log:
        ingest = subprocess.Popen(  # noqa: S603 - our own command
            [*tipline_argv(), "ingest", "--quiet", export], env=fresh_env(home), stdout=log,
            stderr=subprocess.STDOUT, text=True, stdin=subprocess.DEVNULL)
    try:
        def importing() -> bool:
            return query(home, "SELECT status FROM intake_importbatch") == [("running",)]

        wait_until("the import started", importing, ingest, 60, every=0.01)
    finally:
        ingest.kill()
        ingest.wait()
    shown = run(home, "shell", "-c", (
        "from tipline.intake.models import ImportBatch\n"
        "from tipline.intake.selectors import import_batch_interrupted\n"
        "print(import_batch_interrupted(batch=ImportBatch.objects.get()))"))
    assert shown.stdout.split()[-1] == "True", shown.stderr
    again = run(home, "ingest", "--quiet", export)
    assert again.returncode in (0, 1), again.stderr  # 1: some demo records are rejected
    assert "resuming batch #1 (interrupted" in again.stdout
    rows = query(home, "SELECT id, status, imported, duplicates FROM intake_importbatch")
    assert rows == [(1, "done", 150, 0)]
    assert query(home, "SELECT COUNT(*) FROM intake_report") == [(150,)]
    third = run(home, "ingest", "--quiet", export)  # a finished batch is not resumed
    assert "resuming" not in third.stdout
    assert "batch #2: imported 0, duplicates skipped 150" in third.stdout


@pytest.mark.skipif(os.geteuid() != 0, reason="mounts a small file system (needs root)")
@pytest.mark.parametrize("options, said", [
    ("size=512k", "the data folder is full: "),
    ("ro,size=512k", "the data folder can't be written: "),
], ids=["full", "read-only"])
def test_a_full_or_read_only_data_folder_is_one_line_and_fails_the_batch(
    tmp_path: Path, options: str, said: str
) -> None:
    home = tmp_path / "home"
    made = run(home, "demo", "--reports", "150", "--seed", "9", "--no-import", "--quiet")
    assert made.returncode == 0, made.stderr
    blobs = home / "blobs"
    blobs.mkdir(exist_ok=True)
    mounted = subprocess.run(  # noqa: S603 - mount, with our own arguments
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(blobs)],  # noqa: S607
        capture_output=True, text=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"can't mount a small file system here: {mounted.stderr.strip()}")
    try:
        result = run(home, "ingest", "--quiet", str(home / "demo/export.zip"))
    finally:
        subprocess.run(["umount", str(blobs)], check=True)  # noqa: S603, S607
    assert result.returncode == 1
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"error: {said}"), result.stderr
    rows = query(home, "SELECT status, error FROM intake_importbatch")
    assert len(rows) == 1 and rows[0][0] == "failed" and said in str(rows[0][1])


def _mount(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["mount", *args], capture_output=True, text=True,  # noqa: S603, S607
                          check=False)


@pytest.mark.skipif(os.geteuid() != 0, reason="mounts a small file system (needs root)")
@pytest.mark.parametrize("fault, said", [
    ("full", "error: the database is full: its disk has no space left ("),
    ("read-only", "error: the database can't be written: it is read-only or can't be opened ("),
])
def test_a_database_full_or_read_only_is_one_line(tmp_path: Path, fault: str,
                                                   said: str) -> None:
    """The SQLite database's own disk full (or read-only) while the blobs have room: one
    line, exit 1, no traceback; nothing half-written (a rerun with room imports it all)."""
    home = tmp_path / "dbhome"
    home.mkdir()
    if (mounted := _mount("-t", "tmpfs", "-o", "size=96m", "tmpfs", str(home))).returncode:
        pytest.skip(f"can't mount a small file system here: {mounted.stderr.strip()}")
    blobs = tmp_path / "blobs"
    blobs.mkdir()
    try:
        made = run(home, "demo", "--reports", "400", "--seed", "9", "--no-import", "--quiet")
        assert made.returncode == 0, made.stderr
        export = tmp_path / "export.zip"
        export.write_bytes((home / "demo/export.zip").read_bytes())
        (home / "blobs").mkdir(exist_ok=True)
        assert _mount("--bind", str(blobs), str(home / "blobs")).returncode == 0
        try:
            if fault == "full":  # leave the database's disk a few pages of room
                free = os.statvfs(home).f_bavail * os.statvfs(home).f_frsize
                with (home / "filler").open("wb") as filler:
                    filler.truncate(0)
                    for _ in range(max(0, free - 256 * 1024) // (1 << 20)):
                        filler.write(b"\0" * (1 << 20))
            else:
                assert _mount("-o", "remount,ro", str(home)).returncode == 0
            result = run(home, "ingest", "--quiet", str(export))
            assert result.returncode == 1, result.stdout + result.stderr
            assert "Traceback" not in result.stderr, result.stderr
            lines = [line for line in result.stderr.splitlines() if line.strip()]
            assert len(lines) == 1 and lines[0].startswith(said), result.stderr
            if fault == "read-only":
                assert _mount("-o", "remount,rw", str(home)).returncode == 0
            (home / "filler").unlink(missing_ok=True)
            again = run(home, "ingest", "--quiet", str(export))  # with room: all of it, once
            assert again.returncode in (0, 1), again.stderr
            assert query(home, "SELECT COUNT(*) FROM intake_report") == [(400,)]
        finally:
            subprocess.run(["umount", str(home / "blobs")], check=False)  # noqa: S603, S607
    finally:
        subprocess.run(["umount", "-l", str(home)], check=False)  # noqa: S603, S607
