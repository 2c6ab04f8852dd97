"""tipline serve: the web server (gunicorn) and a background worker (db_worker), together.

Both run as child processes in their own session, so a Ctrl-C in the terminal reaches only
this supervisor, which then stops them in order: one SIGTERM each, a grace period, then
SIGKILL for whatever is left. If either child dies by itself (killed, out of memory, a crash),
the supervisor says why and starts it again, after a pause that doubles with each quick
failure (1 s up to BACKOFF_MAX) and starts over once a child has stayed up STABLE_SECONDS;
the other child keeps running.
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

from tipline.core.queues import needs_worker

#: How much lower the worker's CPU priority is than the web server's (`nice`): a platform's
#: or an officer's request is answered first; the scan and routing catch up when the web is
#: idle (they are queued, and nothing waits on them).
WORKER_NICE = 10
#: Seconds a child gets to finish after SIGTERM before it is killed.
GRACE_SECONDS = 15
#: Pause before the first restart of a dead child, doubled after each quick failure.
BACKOFF_START = 1.0
#: The longest pause between restarts.
BACKOFF_MAX = 60.0
#: A child that stayed up this long is healthy again: its next restart waits BACKOFF_START.
STABLE_SECONDS = 60.0


def _child_setup(nice: int = 0) -> Callable[[], None]:
    """A preexec function for a child: lower its CPU priority by `nice`, and ask Linux to
    SIGTERM it if this supervisor dies."""
    libc: Any = None
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
        except OSError:  # pragma: no cover - no libc to ask
            libc = None
    pr_set_pdeathsig = 1

    def preexec() -> None:
        if nice:
            os.nice(nice)
        if libc is not None:
            libc.prctl(pr_set_pdeathsig, signal.SIGTERM)

    return preexec


def exit_reason(code: int) -> str:
    """What a child's exit code means, for the log: a signal's name or the code."""
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


class Child:
    """One supervised process: how to start it, the running process, and its restarts."""

    def __init__(self, name: str, argv: list[str], start: Callable[[list[str]],
                 subprocess.Popen[bytes]]) -> None:
        self.name, self.argv, self._start = name, argv, start
        self.proc = start(argv)
        self.started = time.monotonic()
        self.pause = BACKOFF_START
        self.restart_at: float | None = None

    def restart(self) -> None:
        self.proc = self._start(self.argv)
        self.started = time.monotonic()
        self.restart_at = None


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
            "--worker-nice", type=int, default=WORKER_NICE,
            help=f"how much lower the worker's CPU priority is than the web server's "
                 f"({WORKER_NICE}: answers first, background work when the web is idle; "
                 f"0 for the same)")
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

        children: list[Child] = []
        stopping = {"signals": 0}

        def on_signal(signum: int, frame: FrameType | None) -> None:
            stopping["signals"] += 1

        def starter(nice: int) -> Callable[[list[str]], subprocess.Popen[bytes]]:
            preexec = _child_setup(nice)

            def start(argv: list[str]) -> subprocess.Popen[bytes]:
                return subprocess.Popen(  # noqa: S603 - our own interpreter and module
                    argv, env=env, start_new_session=True, preexec_fn=preexec)

            return start

        previous = {
            sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            if not options["no_worker"] and needs_worker():
                children.append(Child("worker", [
                    sys.executable, "-m", "tipline.cli", "worker"],
                    starter(max(0, options["worker_nice"]))))
            children.append(Child("web", [
                sys.executable, "-m", "gunicorn", "tipline.wsgi:application",
                "--bind", options["bind"],
                "--workers", str(options["workers"]),
                "--threads", str(options["threads"]),
                "--worker-class", "gthread",
                "--graceful-timeout", str(GRACE_SECONDS - 5),
                "--timeout", "120",
                "--access-logfile", "-",
                "--no-control-socket",
            ], starter(0)))
            names = " and ".join(child.name for child in children)
            self.stdout.write(
                f"Tipline serving on http://{options['bind']}/ ({names}); Ctrl-C stops."
            )
            self.stdout.flush()
            self._supervise(children, stopping)
        finally:
            self._stop(children, stopping)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self.stdout.write("Tipline stopped.")

    def _supervise(self, children: list[Child], stopping: dict[str, int]) -> None:
        """Until a signal arrives, start again each child that exits by itself, after its
        pause (see BACKOFF_START), saying why."""
        while not stopping["signals"]:
            now = time.monotonic()
            for child in children:
                if child.restart_at is not None:
                    if now >= child.restart_at:
                        child.restart()
                        self.stderr.write(f"restarted the {child.name} process "
                                          f"(pid {child.proc.pid})")
                    continue
                code = child.proc.poll()
                if code is None:
                    continue
                if now - child.started >= STABLE_SECONDS:
                    child.pause = BACKOFF_START
                self.stderr.write(
                    f"the {child.name} process exited by itself ({exit_reason(code)}) after "
                    f"{now - child.started:.0f} s; restarting it in {child.pause:.0f} s")
                self.stderr.flush()
                child.restart_at = now + child.pause
                child.pause = min(child.pause * 2, BACKOFF_MAX)
            time.sleep(0.2)

    def _stop(self, children: list[Child], stopping: dict[str, int]) -> None:
        """SIGTERM to each child (the web server first, so no new work is queued), then wait;
        past GRACE_SECONDS, or at a second Ctrl-C, kill what is left."""
        signals_before = stopping["signals"]
        for child in reversed(children):
            if child.proc.poll() is None:
                child.proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + GRACE_SECONDS
        while any(child.proc.poll() is None for child in children):
            hurried = stopping["signals"] > signals_before
            if hurried or time.monotonic() > deadline:
                for child in children:
                    if child.proc.poll() is None:
                        self.stderr.write(f"killing the {child.name} process")
                        child.proc.kill()
                        child.proc.wait()
                break
            time.sleep(0.1)
