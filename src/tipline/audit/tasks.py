"""Background tasks of the audit trail: the daily signed checkpoint."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django_tasks import task

from tipline.audit.services import audit_checkpoint_create
from tipline.core.tasks import periodic_queue

#: seconds between two signed checkpoints
CHECKPOINT_EVERY = 24 * 3600


@task()
def audit_checkpoint_task() -> int:
    """Sign the trail's head into TIPLINE_HOME/checkpoints/ and the database, then queue the
    next run; the checkpoint's seq."""
    folder = Path(settings.AUDIT_CHECKPOINT_DIR)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    done = audit_checkpoint_create(out=folder)
    periodic_queue(audit_checkpoint_task)
    return done.checkpoint.seq
