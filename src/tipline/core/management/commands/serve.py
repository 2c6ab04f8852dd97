"""tipline serve: the web server (gunicorn) and a background worker (db_worker), together.

Both run as child processes in their own session, so a Ctrl-C in the terminal reaches only
this supervisor, which then stops them in order: one SIGTERM each, a grace period, then
SIGKILL for whatever is left. If either child dies, the other is stopped too and the command
exits non-zero, so a process manager (systemd, a container runtime) can restart the pair.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

#: Seconds a child gets to finish after SIGTERM before it is killed.
GRACE_SECONDS = 15


def _die_with_parent() -> Callable[[], None] | None:
    """A preexec function asking Linux to SIGTERM the child if this supervisor dies."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:  # pragma: no cover - no libc to ask
        return None
    pr_set_pdeathsig = 1

    def preexec() -> None:
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)

    return preexec


def uses_db_worker() -> bool:
    """Whether the configured task backend needs a worker process (the database's or
    Redis's; the immediate backend runs tasks inline)."""
    backend = str(settings.TASKS.get("default", {}).get("BACKEND", ""))
    return backend.startswith(("django_tasks_db", "django_tasks_rq"))


class Command(BaseCommand):
    help = (
        "Run the web server (gunicorn, serving tipline.wsgi) and a background task worker "
        "(db_worker) in the foreground. Ctrl-C or SIGTERM stops both."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bind", default="127.0.0.1:8000", help="address:port to serve on (127.0.0.1:8000)"
        )
        parser.add_argument(
            "--workers", type=int, default=2, help="gunicorn worker processes (2)"
        )
        parser.add_argument(
            "--threads", type=int, default=4, help="threads per gunicorn worker (4)"
        )
        parser.add_argument(
            "--no-worker", action="store_true",
            help="do not start a background task worker (run `tipline db_worker` elsewhere)",
        )
        parser.add_argument(
            "--skip-collectstatic", action="store_true",
            help="do not collect static files into TIPLINE_HOME/static first",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["workers"] < 1 or options["threads"] < 1:
            raise CommandError("--workers and --threads must be at least 1")
        if not options["skip_collectstatic"]:
            # whitenoise warns at every start if the folder is missing, even when empty.
            Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
            call_command("collectstatic", interactive=False, verbosity=0)

        env = dict(os.environ)
        # Children must see the same data folder whatever their working directory.
        env["TIPLINE_HOME"] = str(settings.TIPLINE_HOME)
        env.setdefault("DJANGO_SETTINGS_MODULE", "tipline.settings")
        preexec = _die_with_parent()

        children: list[tuple[str, subprocess.Popen[bytes]]] = []
        stopping = {"signals": 0}

        def on_signal(signum: int, frame: FrameType | None) -> None:
            stopping["signals"] += 1

        previous = {
            sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            if not options["no_worker"] and uses_db_worker():
                worker = subprocess.Popen(  # noqa: S603 - our own interpreter and module
                    [sys.executable, "-m", "tipline.cli", "worker"],
                    env=env, start_new_session=True, preexec_fn=preexec,
                )
                children.append(("worker", worker))
            web = subprocess.Popen(  # noqa: S603 - our own interpreter and module
                [
                    sys.executable, "-m", "gunicorn", "tipline.wsgi:application",
                    "--bind", options["bind"],
                    "--workers", str(options["workers"]),
                    "--threads", str(options["threads"]),
                    "--worker-class", "gthread",
                    "--graceful-timeout", str(GRACE_SECONDS - 5),
                    "--timeout", "120",
                    "--access-logfile", "-",
                    "--no-control-socket",
                ],
                env=env, start_new_session=True, preexec_fn=preexec,
            )
            children.append(("web", web))
            names = " and ".join(name for name, _ in children)
            self.stdout.write(
                f"Tipline serving on http://{options['bind']}/ ({names}); Ctrl-C stops."
            )
            self.stdout.flush()
            failed = self._supervise(children, stopping)
        finally:
            self._stop(children, stopping)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if failed:
            raise CommandError(f"{failed} exited unexpectedly; stopped everything")
        self.stdout.write("Tipline stopped.")

    def _supervise(
        self, children: list[tuple[str, subprocess.Popen[bytes]]], stopping: dict[str, int]
    ) -> str | None:
        """Wait until a signal arrives (None) or a child exits by itself (its name)."""
        while not stopping["signals"]:
            for name, proc in children:
                if proc.poll() is not None:
                    return f"the {name} process (exit code {proc.returncode})"
            time.sleep(0.2)
        return None

    def _stop(
        self, children: list[tuple[str, subprocess.Popen[bytes]]], stopping: dict[str, int]
    ) -> None:
        """SIGTERM to each child (the web server first, so no new work is queued), then wait;
        past GRACE_SECONDS, or at a second Ctrl-C, kill what is left."""
        signals_before = stopping["signals"]
        for _, proc in reversed(children):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + GRACE_SECONDS
        while any(proc.poll() is None for _, proc in children):
            hurried = stopping["signals"] > signals_before
            if hurried or time.monotonic() > deadline:
                for name, proc in children:
                    if proc.poll() is None:
                        self.stderr.write(f"killing the {name} process")
                        proc.kill()
                        proc.wait()
                break
            time.sleep(0.1)
