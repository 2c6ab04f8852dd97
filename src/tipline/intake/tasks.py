"""Background tasks of the intake step: thin, idempotent, by id."""

from __future__ import annotations

from django_tasks import task

from tipline.intake.services import batch_run


@task()
def import_batch_run(batch_id: int) -> None:
    """Import an uploaded batch in the worker, then have the new reports routed."""
    from tipline.routing.tasks import route_pending

    batch_run(batch_id=batch_id)
    route_pending.enqueue()
