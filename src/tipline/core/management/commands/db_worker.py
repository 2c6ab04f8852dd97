"""tipline db_worker: django-tasks-db's worker, which first takes back the tasks of dead workers.

The same command and options as django-tasks-db's (this app comes first in INSTALLED_APPS,
so its command is the one run), with these differences: the default worker id names this
machine and process (`core.recovery.worker_id_new`), so another worker can tell when it has
died; and at start the worker puts back in the queue what dead workers left RUNNING
(`core.recovery.tasks_recover`).
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django_tasks_db.management.commands import db_worker

from tipline.core.heartbeat import Heartbeat
from tipline.core.recovery import tasks_recover, worker_id_new
from tipline.core.tasks import periodic_queue_all


class Command(db_worker.Command):
    help = ("Run the background task worker; first queue again the tasks of workers that "
            "died (up to TIPLINE_TASK_ATTEMPTS tries each)")

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(worker_id=worker_id_new())

    def handle(self, *args: Any, **options: Any) -> None:
        done = tasks_recover()
        if done.requeued or done.failed:
            self.stdout.write(f"tasks of dead workers: {done.requeued} queued again, "
                              f"{done.failed} given up")
        periodic_queue_all()  # the periodic tasks (the daily sweep, ...) none of which waits
        with Heartbeat(options["worker_id"]):
            super().handle(*args, **options)
