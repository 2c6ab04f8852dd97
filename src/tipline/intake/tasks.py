"""Background tasks of the intake step: thin, idempotent, by id."""

from __future__ import annotations

from django_tasks import task

from tipline.intake.ingest import batch_run


@task(queue_name="intake")
def import_batch_run(batch_id: int) -> None:
    """Import an uploaded batch in the worker (the flow then continues: intake.signals)."""
    batch_run(batch_id=batch_id)
