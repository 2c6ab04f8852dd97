"""Helper processes for CPU work (hashing, parsing, rendering), safe to start from anywhere.

They are started by a fork server, never forked from the caller: a task worker (`db_worker`)
installs its own SIGTERM handler (finish the task, then stop), holds database connections and
may run threads, and a child forked from it inherits all three: on SIGTERM such a child ran
the worker's graceful-shutdown handler and never exited, so the worker waited on it for ever.
A child here starts from a clean interpreter with the default signal handling (SIGTERM
stops it; Ctrl-C is left to its parent, which decides), dies with its parent (Linux), and
sees the caller's settings as they are now, test overrides included. It opens the database
only when the caller asks for apps and its work reads committed rows (routing's helpers read
the clues of the chunks they resolve); it never writes.
"""

from __future__ import annotations

import importlib
import multiprocessing as mp
import pickle
import signal
import sys
from multiprocessing.context import ForkServerContext
from typing import Any

from django.conf import settings


def context() -> ForkServerContext:
    """The start method for helper processes: a fork server (a fresh interpreter forks them)."""
    return mp.get_context("forkserver")


def child_settings() -> dict[str, Any]:
    """The caller's settings, as a child must see them (what can't be pickled is left out)."""
    carried: dict[str, Any] = {}
    for name in dir(settings):
        if not name.isupper():
            continue
        value = getattr(settings, name)
        try:
            pickle.dumps(value)
        except Exception:  # noqa: BLE001, S112 - a setting a child can't receive is not carried
            continue
        carried[name] = value
    return carried


def _die_with_parent() -> None:
    """Ask Linux to SIGTERM this process when the process that started it dies."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:  # pragma: no cover - no libc to ask
        return


def child_start(carried: dict[str, Any], apps: bool = False) -> None:
    """First thing a helper process runs: plain signals, the caller's settings, and, when
    `apps`, Django's app registry (for code that imports models)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    if settings.configured:
        for name, value in carried.items():
            setattr(settings, name, value)
    else:
        settings.configure(**carried)
    if apps:
        import django

        django.setup()


def call(carried: dict[str, Any], apps: bool, target: str, *args: Any) -> Any:
    """Start as a helper process, then call `target` ("module:function") with `args`; the
    target's module is imported only after settings (and apps) are ready."""
    child_start(carried, apps)
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)(*args)
