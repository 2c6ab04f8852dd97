"""The blob store under key rotation: which data key seals each blob, re-encrypting those
under an older one, and renaming blobs a store still keeps under their plain SHA-256.

Each blob is rewritten whole under its own name (`BlobBackend.replace`: the new ciphertext
replaces the old only once complete), so a rotation stopped anywhere leaves every blob
readable, and the next run skips the blobs already under the current key.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from tipline.core.blobstores import blob_backend, blob_name, is_blob_name, name_sha256
from tipline.core.crypto import (
    HEADER_MAX,
    DecryptionError,
    decrypt_stream,
    encrypt_stream,
    key_id_of,
)
from tipline.core.keys import Keyring, Rotated
from tipline.core.progress import NullProgress, Progress

#: the key id counted for a blob whose header can't be read (not a Tipline blob)
UNREADABLE = 0


def blobs_census() -> dict[int, int]:
    """How many blobs each data key seals (UNREADABLE: a header that is no Tipline blob's)."""
    backend = blob_backend()
    counts: Counter[int] = Counter()
    for entry in backend.entries():
        if not is_blob_name(entry.name):
            continue
        try:
            counts[key_id_of(backend.head(entry.name, HEADER_MAX))] += 1
        except FileNotFoundError:
            continue  # deleted meanwhile
        except DecryptionError:
            counts[UNREADABLE] += 1
    return dict(counts)


def blobs_rotate(*, keyring: Keyring, limit: int | None = None,
                 progress: Progress | None = None) -> Rotated:
    """Re-encrypt under `keyring.current` every blob sealed under another key, at most
    `limit` of them. A blob that fails to decrypt is named in `failed` and left as it was."""
    progress = progress or NullProgress()
    backend = blob_backend()
    result = Rotated()
    for entry in backend.entries():
        if not is_blob_name(entry.name):
            continue
        try:
            key_id = key_id_of(backend.head(entry.name, HEADER_MAX))
            if key_id == keyring.current_id:
                result.current += 1
                continue
            if limit is not None and result.done >= limit:
                result.stopped = True
                break
            plain = decrypt_stream(backend.open(entry.name), keyring=keyring)
            backend.replace(entry.name, encrypt_stream(
                plain, key=keyring.current, key_id=keyring.current_id))
        except FileNotFoundError:
            continue  # deleted meanwhile
        except DecryptionError as exc:
            result.failed.append(f"{entry.name}: {exc}")
            continue
        result.done += 1
        progress.update(done=result.done, note=f"{result.current} already current")
    return result


@dataclass
class Renamed:
    """What `blobs_rename_legacy` did: blobs moved to their keyed name, legacy copies
    dropped because the keyed name held the same content already, and whether it stopped
    at its limit."""

    moved: int = 0
    dropped: int = 0
    stopped: bool = False


def blobs_legacy_count() -> int:
    """How many blobs are still stored under their plain SHA-256."""
    return sum(1 for entry in blob_backend().entries() if name_sha256(entry.name))


def blobs_rename_legacy(*, limit: int | None = None,
                        progress: Progress | None = None) -> Renamed:
    """Move every blob kept under its plain SHA-256 to its keyed name (`blob_name`).

    Each move is whole (the keyed copy is complete before the legacy one goes), and a run
    stopped anywhere is finished by the next: a legacy name whose keyed name is held is the
    same content, and is dropped."""
    progress = progress or NullProgress()
    backend = blob_backend()
    done = Renamed()
    for entry in list(backend.entries()):
        sha256 = name_sha256(entry.name)
        if sha256 is None:
            continue
        if limit is not None and done.moved + done.dropped >= limit:
            done.stopped = True
            break
        target = blob_name(sha256)
        try:
            if backend.exists(target):
                backend.delete(entry.name)
                done.dropped += 1
            else:
                backend.move(entry.name, target)
                done.moved += 1
        except FileNotFoundError:
            continue  # deleted meanwhile
        progress.update(done=done.moved + done.dropped)
    return done
