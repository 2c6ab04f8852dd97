"""How intake follows the foundation: an import task given up marks its batch failed."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from tipline.core.signals import task_abandoned

IMPORT_TASK = "tipline.intake.tasks.import_batch_run"


@receiver(task_abandoned, dispatch_uid="intake.import_abandoned")
def import_abandoned(*, task_path: str, kwargs: dict[str, Any], reason: str,
                     **_: Any) -> None:
    if task_path == IMPORT_TASK and isinstance(kwargs.get("batch_id"), int):
        from tipline.intake.ingest import batch_fail

        batch_fail(batch_id=kwargs["batch_id"], error=f"the import stopped: {reason}")
