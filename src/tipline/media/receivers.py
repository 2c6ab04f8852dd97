"""How the media scan follows intake: each chunk of new reports with files is queued for
scanning once it commits (`intake.signals.reports_stored`), whoever imported it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.dispatch import receiver

from tipline.intake.signals import reports_stored
from tipline.media.tasks import reports_scan_task


@receiver(reports_stored, dispatch_uid="media.scan")
def on_reports_stored(*, report_ids: Sequence[int], with_files: bool, **_: Any) -> None:
    if settings.SCAN_ON_IMPORT and with_files and report_ids:
        reports_scan_task.enqueue(report_ids=list(report_ids))
