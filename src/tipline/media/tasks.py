"""Background tasks of the media scan: thin, idempotent, by id, acting as the system user."""

from __future__ import annotations

from django_tasks import task

from tipline.accounts.services import system_user
from tipline.media.scan import scan_run
from tipline.media.services import reports_scan


@task(queue_name="scan")
def reports_scan_task(report_ids: list[int]) -> None:
    """Hash and match the files of newly imported reports."""
    reports_scan(actor=system_user("scanner"), report_ids=report_ids)


@task(queue_name="scan")
def media_scan_task(batch_id: int | None = None, bank: str | None = None,
                    since: str | None = None, until: str | None = None,
                    rehash: bool = False) -> None:
    """`tipline scan --background`: re-scan a selection of files (see media/scan.py)."""
    scan_run(actor=system_user("scanner"), batch_id=batch_id, bank=bank, since=since,
             until=until, rehash=rehash)
