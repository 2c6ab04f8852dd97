"""How routing follows intake: when an import batch finishes, whoever imported it, its reports
are routed (queued behind the scan of its chunks: `intake.signals.batch_finished`).

The task is imported when the receiver first runs, not when the app starts: wiring receivers
at start-up must not load routing's stack (the locators' reference data) into every process.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from tipline.intake.signals import batch_finished


@receiver(batch_finished, dispatch_uid="routing.route")
def on_batch_finished(*, continue_flow: bool, **_: Any) -> None:
    if continue_flow:
        from tipline.routing.tasks import route_pending  # see the module's docstring

        route_pending.enqueue()
