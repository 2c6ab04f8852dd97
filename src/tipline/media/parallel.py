"""Hashing stored files on every core: the scan's CPU work, in helper processes.

Each helper reads (decrypts) a file from the blob store and hashes it; only the hashes come
back. Helpers are started by a fork server (`core.processes`), never forked from the task
worker, and see this process's settings; they never touch the database. Small sets, or
TIPLINE_SCAN_PROCESSES=1, are hashed in this process.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from django.conf import settings

from tipline.core import processes as helpers
from tipline.core.blobs import blob_read
from tipline.core.keys import keys_ready
from tipline.media.content import FileHashes, file_hashes

MIN_PARALLEL = 8


def hash_stored(sha256: str) -> FileHashes:
    """The hashes of one stored file; a file that can't be read says why in `error`."""
    try:
        return file_hashes(blob_read(sha256))
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop a scan
        return FileHashes("", "", sha256, 0, error=f"could not be read: {exc}"[:500])


def processes() -> int:
    wanted = int(settings.SCAN_PROCESSES)
    return max(1, wanted if wanted > 0 else (os.cpu_count() or 1))


def hash_stored_many(sha256s: Sequence[str]) -> list[FileHashes]:
    """hash_stored of each, in order, on every core when there are enough of them. The same
    content (material circulates: one image in many reports) is decoded and hashed once."""
    unique = list(dict.fromkeys(sha256s))
    workers = min(processes(), len(unique) // (MIN_PARALLEL // 2) or 1)
    if workers <= 1 or len(unique) < MIN_PARALLEL:
        hashed = [hash_stored(s) for s in unique]
    else:
        keys_ready()  # made now if they are new, so every helper reads the same keys
        with helpers.context().Pool(workers, initializer=helpers.child_start,
                                      initargs=(helpers.child_settings(),)) as pool:
            hashed = pool.map(hash_stored, unique,
                              chunksize=max(1, len(unique) // (workers * 4)))
    by_content = dict(zip(unique, hashed, strict=True))
    return [by_content[s] for s in sha256s]
