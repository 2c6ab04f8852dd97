"""tipline worker: run background tasks from some or all queues, with whichever backend is
configured: the database (embedded default, `db_worker`) or Redis (RQ's worker)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tipline.core.queues import DATABASE_BACKEND, REDIS_BACKEND, task_backend
from tipline.core.tasks import periodic_queue_all


class Command(BaseCommand):
    help = ("Run background tasks: every queue, or those named (--queues intake,scan,route,"
            "dispatch,trawl,default). Workers on many machines may share one Redis "
            "(TIPLINE_TASK_BACKEND=redis) or one database. --batch runs what is queued, "
            "then exits.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--queues", default="",
                            help="comma-separated queue names (default: every queue)")
        parser.add_argument("--batch", action="store_true",
                            help="run every task queued now, then exit")

    def handle(self, *args: Any, **options: Any) -> None:
        queues = [q.strip() for q in options["queues"].split(",") if q.strip()]
        unknown = sorted(set(queues) - set(settings.TASK_QUEUES))
        if unknown:
            raise CommandError(f"no queue {', '.join(unknown)}; the queues are "
                               f"{', '.join(settings.TASK_QUEUES)}")
        queues = queues or list(settings.TASK_QUEUES)
        backend = task_backend()
        verbosity = options["verbosity"]
        if backend == DATABASE_BACKEND:
            extra = ["--batch"] if options["batch"] else []
            call_command("db_worker", "--no-reload", "--no-startup-delay", "--queue-name",
                         ",".join(queues), *extra, verbosity=verbosity)
        elif backend == REDIS_BACKEND:
            # RQ's in-process worker with a short lease (core/rq_worker.py): each task runs
            # in this process, like the database's worker; nothing forks inside a worker
            from django_rq import get_worker

            periodic_queue_all()  # the periodic tasks (the daily sweep, ...) none of which waits
            worker = get_worker(*queues, job_class="django_tasks_rq.Job",
                                worker_class="tipline.core.rq_worker.LeasedWorker")
            worker.work(burst=options["batch"], logging_level="INFO" if verbosity
                        else "WARNING",
                        # no scheduler child: LeasedWorker queues what is due itself
                        with_scheduler=False)
        else:
            raise CommandError(f"the task backend {backend} runs tasks without a worker")
