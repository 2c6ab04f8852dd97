"""Blob-store housekeeping: content nothing refers to, and half-written files.

A process killed while importing can leave blobs written for reports it never committed, and
a `blobs/.incoming-*` file it was writing. Each app that keeps content in the store registers
a function naming what it refers to (`blob_refs_register`, from its `ready()`); a blob none
of them names, and an incoming file, are left over once they are older than `min_age` (a
running import writes its blobs a moment before it commits the rows naming them, and a
blob found already stored is touched when stored again, so it counts as new). The same holds
for every blob store (core/blobstores.py): the local folder, or an S3 bucket's prefix.

A stored name does not show its SHA-256 (it is a keyed hash of it), so the sweep goes the
other way: it computes the name of every SHA-256 referred to, and keeps the blobs named so
(and the legacy names, which are the SHA-256 itself).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from tipline.core.blobstores import INCOMING, blob_backend, blob_name, name_sha256

#: how old a blob or incoming file must be before a sweep may remove it
MIN_AGE_SECONDS = 6 * 3600

_REFS: list[Callable[[], Iterable[str]]] = []


def blob_refs_register(refs: Callable[[], Iterable[str]]) -> None:
    """Add a function yielding the SHA-256 of every blob an app refers to."""
    if refs not in _REFS:
        _REFS.append(refs)


@dataclass
class Leftovers:
    """What a sweep found (or removed): blobs nothing refers to, and stale incoming files,
    by their names in the store (`ab/cd/<name>.tlb`, `.incoming-*`)."""

    blobs: list[str] = field(default_factory=list)
    incoming: list[str] = field(default_factory=list)
    size: int = 0  # bytes, together


def blobs_referenced() -> set[str]:
    """The SHA-256 of every blob some app refers to, read now (a backup reads it inside its
    database snapshot, a restore after it, to check that each is in the store)."""
    referenced: set[str] = set()
    for refs in _REFS:
        referenced.update(refs())
    return referenced


def blobs_leftover(*, min_age: float = MIN_AGE_SECONDS) -> Leftovers:
    """The blobs no app refers to and the incoming files, older than `min_age` seconds."""
    found = Leftovers()
    cutoff = time.time() - min_age
    referenced: set[str] | None = None
    names: set[str] = set()
    for entry in blob_backend().entries():
        if entry.mtime > cutoff:
            continue
        if entry.name.startswith(INCOMING):
            found.incoming.append(entry.name)
        else:
            if referenced is None:  # read the references only when something is old enough
                referenced = blobs_referenced()
                names = {blob_name(sha256) for sha256 in referenced}
            if entry.name in names or name_sha256(entry.name) in referenced:
                continue
            found.blobs.append(entry.name)
        found.size += entry.size
    found.blobs.sort()
    found.incoming.sort()
    return found


def blobs_sweep(*, min_age: float = MIN_AGE_SECONDS) -> Leftovers:
    """Remove what `blobs_leftover` finds; returns what was removed."""
    found = blobs_leftover(min_age=min_age)
    backend = blob_backend()
    for name in [*found.blobs, *found.incoming]:
        backend.delete(name)
    return found

