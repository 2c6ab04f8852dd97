"""How routing follows intake: when an import batch finishes, whoever imported it, its reports
are routed (queued behind the scan of its chunks: `intake.signals.batch_finished`)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from tipline.intake.signals import batch_finished
from tipline.routing.tasks import route_pending


@receiver(batch_finished, dispatch_uid="routing.route")
def on_batch_finished(*, continue_flow: bool, **_: Any) -> None:
    if continue_flow:
        route_pending.enqueue()
