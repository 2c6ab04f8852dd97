"""Progress reporting shared by the CLI (a bar on stderr) and background tasks (a DB row)."""

from __future__ import annotations

import sys
import time
from typing import Protocol, TextIO


class Progress(Protocol):
    def update(self, *, done: int, total: int | None = None, note: str = "") -> None: ...


class NullProgress:
    def update(self, *, done: int, total: int | None = None, note: str = "") -> None:
        return None


class TerminalProgress:
    """A one-line progress bar, redrawn at most ten times a second."""

    def __init__(self, label: str, *, stream: TextIO | None = None) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self._last = 0.0

    def update(self, *, done: int, total: int | None = None, note: str = "") -> None:
        now = time.monotonic()
        if now - self._last < 0.1 and (total is None or done < total):
            return
        self._last = now
        rate = done / max(now - self.started, 1e-6)
        if total:
            width = 30
            filled = int(width * min(done, total) / total)
            bar = "#" * filled + "." * (width - filled)
            text = f"\r{self.label} [{bar}] {done}/{total} {rate:,.0f}/s {note}"
        else:
            text = f"\r{self.label} {done} {rate:,.0f}/s {note}"
        self.stream.write(text[:160].ljust(80))
        self.stream.flush()

    def finish(self) -> None:
        self.stream.write("\n")
        self.stream.flush()
