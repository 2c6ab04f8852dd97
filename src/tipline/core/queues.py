"""Which task backend is configured, asked in one place (`serve`, `worker`, the sweep)."""

from __future__ import annotations

from django.conf import settings

DATABASE_BACKEND = "django_tasks_db.DatabaseBackend"
REDIS_BACKEND = "django_tasks_rq.RQBackend"


def task_backend() -> str:
    """The default task backend's class path."""
    return str(settings.TASKS.get("default", {}).get("BACKEND", ""))


def needs_worker() -> bool:
    """Whether tasks wait for a worker process (the database's or Redis's queue), rather than
    running inline."""
    return task_backend() in (DATABASE_BACKEND, REDIS_BACKEND)
