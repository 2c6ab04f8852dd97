"""Parsing a large file in a second process while this one writes (two cores, one import).

Only for importers whose records carry no open handles (`Importer.parallel`), and only for
files on disk, which the child reopens by path. The child also does the writer's pure work
(`writer.prepare`), so the writing process only writes. Records come back in pickled chunks through
a bounded queue, so memory stays flat; if the child dies, the rest of the file is rejected
with the reason.
"""

from __future__ import annotations

import gc
import os
import queue
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tipline.core import processes
from tipline.core.keys import keys_ready
from tipline.intake.importers import importers
from tipline.intake.records import RejectedRec, ReportRec
from tipline.intake.sources import Container, Entry
from tipline.intake.writer import prepare

CHUNK = 250
MIN_BYTES = 2 * 1024 * 1024


def worthwhile(path: Path) -> bool:
    return (os.cpu_count() or 1) > 1 and path.stat().st_size >= MIN_BYTES


def _child(importer_name: str, name: str, path: str, out: Any) -> None:
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)
    try:
        importer = importers()[importer_name]
        entry = Entry(name, Path(path).name, os.path.getsize(path), lambda: open(path, "rb"))  # noqa: SIM115
        chunk: list[object] = []
        for outcome in importer.records(entry, Container(name, {}, [])):
            chunk.append(prepare(outcome) if isinstance(outcome, ReportRec) else outcome)
            if len(chunk) >= CHUNK:
                out.put(("records", chunk))
                chunk = []
        out.put(("records", chunk))
        out.put(("done", None))
    except BaseException as exc:  # report anything to the parent, which decides
        out.put(("error", f"{type(exc).__name__}: {exc}"))


def parse_in_child(importer_name: str, path: Path, *, name: str) -> Iterator[object]:
    # The media key is made now if it is new, so the child (which never touches the
    # database) reads the same one; the child is started by the fork server, not forked.
    keys_ready()
    ctx = processes.context()
    out = ctx.Queue(maxsize=8)
    proc = ctx.Process(target=processes.call, daemon=True,
                       args=(processes.child_settings(), True, f"{__name__}:_child",
                             importer_name, name, str(path), out))
    proc.start()
    try:
        while True:
            try:
                kind, payload = out.get(timeout=1.0)
            except queue.Empty:
                if not proc.is_alive():
                    yield RejectedRec(name, "file", f"the parser stopped (exit {proc.exitcode})")
                    return
                continue
            if kind == "records":
                yield from payload
            elif kind == "error":
                yield RejectedRec(name, "file", f"could not be read: {payload}")
                return
            else:
                return
    finally:
        if proc.is_alive():
            proc.terminate()
        proc.join(timeout=5)
        out.close()
