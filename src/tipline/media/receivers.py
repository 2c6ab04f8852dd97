"""How the media scan follows intake: each chunk of new reports with files is queued for
scanning once it commits (`intake.signals.reports_stored`), whoever imported it.

The task is imported when the receiver first runs, not when the app starts: wiring receivers
at start-up must not load the scan's stack (PyAV, numpy, the PDQ index) into every process.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.dispatch import receiver

from tipline.intake.signals import reports_stored


@receiver(reports_stored, dispatch_uid="media.scan")
def on_reports_stored(*, report_ids: Sequence[int], with_files: bool, **_: Any) -> None:
    if settings.SCAN_ON_IMPORT and with_files and report_ids:
        from tipline.media.tasks import reports_scan_task  # see the module's docstring

        reports_scan_task.enqueue(report_ids=list(report_ids))
