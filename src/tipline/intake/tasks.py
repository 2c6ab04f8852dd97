"""Background tasks of the intake step: thin, idempotent, by id."""

from __future__ import annotations

from django_tasks import task

from tipline.core.tasks import periodic_queue
from tipline.intake.ingest import batch_run
from tipline.intake.submissions import submissions_expire

#: seconds between two runs of the expiry of unfinished CyberTipline API reports
EXPIRE_EVERY = 600


@task(queue_name="intake")
def import_batch_run(batch_id: int) -> None:
    """Import an uploaded batch in the worker (the flow then continues: intake.signals)."""
    batch_run(batch_id=batch_id)


@task()
def submissions_expire_task() -> int:
    """Delete the platforms' unfinished reports past NCMEC's deadline (24 hours after they
    were opened, or 1 hour after their last change), then queue the next run."""
    deleted = 0
    while done := submissions_expire():
        deleted += done
    periodic_queue(submissions_expire_task)
    return deleted
