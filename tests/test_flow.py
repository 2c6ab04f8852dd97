"""One continuation for every source: a report imported on the command line is scanned and
routed, and its case opened, exactly as a web upload's is (intake -> media -> routing -> cases
through the signals each step owns, not by intake calling the later steps)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from tipline.accounts.services import system_user
from tipline.cases.models import Case
from tipline.intake.ingest import ingest_paths
from tipline.intake.models import Report
from tipline.intake.tests import builders as b
from tipline.media.models import FileScan


def test_cli_ingest_continues_to_scan_route_and_open_the_case(
    tree: None, tmp_path: Path, immediate_tasks: None,
    django_capture_on_commit_callbacks: Any, capsys: pytest.CaptureFixture[str],
) -> None:
    folder = b.ncmec_folder(tmp_path, "7001", seed=5)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("ingest", str(folder), "--quiet")
    assert "imported 1" in capsys.readouterr().out
    report = Report.objects.get(external_id="7001")
    assert FileScan.objects.filter(file__report=report).count() == 1  # scanned
    assert report.status == Report.Status.ROUTED  # routed to Beed's unit
    assert report.jurisdiction.code == "IN-MH-BEED"
    assert Case.objects.get(report=report).unit.code == "IN-MH-BEED"  # and its case opened


def test_a_caller_that_drives_the_steps_itself_gets_no_continuation(
    tree: None, tmp_path: Path, immediate_tasks: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    folder = b.ncmec_folder(tmp_path, "7002", seed=6)
    with django_capture_on_commit_callbacks(execute=True):
        ingest_paths(paths=[folder], actor=system_user("test"), continue_flow=False)
    report = Report.objects.get(external_id="7002")
    assert not FileScan.objects.filter(file__report=report).exists()
    assert report.status == Report.Status.NEW and not hasattr(report, "location")
    assert not Case.objects.exists()


def test_the_continuation_is_queued_for_the_worker(
    tree: None, tmp_path: Path, django_capture_on_commit_callbacks: Any,
) -> None:
    """With the embedded database queue, the scan and the routing wait for `db_worker`."""
    from django_tasks_db.models import DBTaskResult

    folder = b.ncmec_folder(tmp_path, "7003", seed=7)
    with django_capture_on_commit_callbacks(execute=True):
        ingest_paths(paths=[folder], actor=system_user("test"))
    queued = [(r.task_path, r.queue_name) for r in DBTaskResult.objects.order_by("enqueued_at")]
    assert queued == [("tipline.media.tasks.reports_scan_task", "scan"),
                      ("tipline.routing.tasks.route_pending", "route")]
