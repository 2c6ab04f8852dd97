"""Blob-store housekeeping: content nothing refers to, and half-written files.

A process killed while importing can leave blobs written for reports it never committed, and
a `blobs/.incoming-*` file it was writing. Each app that keeps content in the store registers
a function naming what it refers to (`blob_refs_register`, from its `ready()`); a blob none
of them names, and an incoming file, are left over once they are older than `min_age` (a
running import writes its blobs a moment before it commits the rows naming them, and a
blob found already stored is touched when stored again, so it counts as new).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tipline.core.blobs import blob_root

#: how old a blob or incoming file must be before a sweep may remove it
MIN_AGE_SECONDS = 6 * 3600

_REFS: list[Callable[[], Iterable[str]]] = []


def blob_refs_register(refs: Callable[[], Iterable[str]]) -> None:
    """Add a function yielding the SHA-256 of every blob an app refers to."""
    if refs not in _REFS:
        _REFS.append(refs)


@dataclass
class Leftovers:
    """What a sweep found (or removed): blobs nothing refers to, and stale incoming files."""

    blobs: list[Path] = field(default_factory=list)
    incoming: list[Path] = field(default_factory=list)
    size: int = 0  # bytes, together


def blobs_leftover(*, min_age: float = MIN_AGE_SECONDS) -> Leftovers:
    """The blobs no app refers to and the incoming files, older than `min_age` seconds."""
    root = blob_root()
    found = Leftovers()
    if not root.is_dir():
        return found
    cutoff = time.time() - min_age
    referenced: set[str] = set()
    for refs in _REFS:
        referenced.update(refs())
    found.incoming = sorted(p for p in root.glob(".incoming-*") if p.stat().st_mtime <= cutoff)
    found.blobs = sorted(p for p in root.glob("??/??/*.tlb")
                         if p.stem not in referenced and p.stat().st_mtime <= cutoff)
    found.size = sum(p.stat().st_size for p in [*found.blobs, *found.incoming])
    return found


def blobs_sweep(*, min_age: float = MIN_AGE_SECONDS) -> Leftovers:
    """Remove what `blobs_leftover` finds; returns what was removed."""
    found = blobs_leftover(min_age=min_age)
    for path in [*found.blobs, *found.incoming]:
        try:
            os.unlink(path)
        except FileNotFoundError:
            continue
    return found
