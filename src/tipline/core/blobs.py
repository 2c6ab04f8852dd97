"""The encrypted blob store: content-addressed by SHA-256 of the plaintext.

A blob is stored under a keyed hash of that SHA-256 (core/blobstores.py `blob_name`), so its
name does not tell a thief which file it holds; blobs a store kept under the plain SHA-256
before (`legacy_name`) are still found until `tipline keys rename-blobs` renames them.

Every file, raw JSON/XML/PDF artifact and upload Tipline keeps goes through `blob_put`,
which hashes (MD5, SHA-1, SHA-256) and encrypts in one pass; nothing is written in the clear.
Where the encrypted bytes go is a `BlobBackend` (core/blobstores.py) chosen by
TIPLINE_BLOB_URL: the local disk under TIPLINE_HOME/blobs by default, or an S3-compatible
object store; the functions here are the same for both.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from django.conf import settings

from tipline.core.blobstores import (
    BlobBackend,
    LocalBackend,
    blob_backend,
    blob_name,
    legacy_name,
)
from tipline.core.crypto import decrypt_stream, encrypt_stream
from tipline.core.errors import RejectedInput, StorageError


@dataclass(frozen=True)
class BlobInfo:
    """What Tipline knows of stored content: its size and its hashes."""

    sha256: str
    sha1: str
    md5: str
    size: int


def blob_root() -> Path:
    """The local store's folder (TIPLINE_HOME/blobs), whichever store is configured."""
    return Path(settings.TIPLINE_HOME) / "blobs"


def blob_path(sha256: str) -> Path:
    """Where the local store keeps a blob (under its keyed name)."""
    return blob_root() / blob_name(sha256)


def hash_bytes(data: bytes) -> BlobInfo:
    return BlobInfo(
        sha256=hashlib.sha256(data).hexdigest(),
        sha1=hashlib.sha1(data, usedforsecurity=False).hexdigest(),
        md5=hashlib.md5(data, usedforsecurity=False).hexdigest(),
        size=len(data),
    )


SMALL = 4 * 1024 * 1024
T = TypeVar("T")


def blob_put(chunks: Iterable[bytes], *, max_bytes: int | None = None) -> BlobInfo:
    """Hash and encrypt a stream into the store; the same content is stored once.

    Small content is hashed first, so content already held is neither encrypted nor written
    again; large content is hashed and encrypted in one streaming pass.
    """
    limit = settings.MAX_UPLOAD_BYTES if max_bytes is None else max_bytes
    iterator = iter(chunks)
    head: list[bytes] = []
    held = 0
    for chunk in iterator:
        head.append(chunk)
        held += len(chunk)
        if held > SMALL:
            break
    else:
        data = b"".join(head)
        if len(data) > limit:
            raise RejectedInput(f"file is larger than the limit of {limit} bytes")
        info = hash_bytes(data)
        _guarded(functools.partial(_keep_or_write, sha256=info.sha256, data=data),
                 needed=len(data))
        return info
    return _guarded(functools.partial(_put_stream, chunks=itertools.chain(head, iterator),
                                      limit=limit), needed=held)


def _guarded(write: Callable[[BlobBackend], T], *, needed: int) -> T:
    backend = blob_backend()
    try:
        return write(backend)
    except (RejectedInput, StorageError):
        raise
    except Exception as exc:
        if (clear := backend.storage_error(exc, needed=needed)) is not None:
            raise clear from None
        raise


def _keep_or_write(backend: BlobBackend, *, sha256: str, data: bytes) -> None:
    """Store `data` unless held already; held content is touched, so a sweep of leftovers
    (core/sweep.py) sees it as new while the import storing it again commits."""
    name = blob_name(sha256)
    if not backend.touch(name):
        backend.put(name, encrypt_stream([data]))


def storage_error(exc: OSError, *, needed: int) -> StorageError | None:
    """One clear line for a local data folder that is full or read-only (None: another)."""
    return LocalBackend(blob_root()).storage_error(exc, needed=needed)


def _put_stream(backend: BlobBackend, *, chunks: Iterable[bytes], limit: int) -> BlobInfo:
    sha256, sha1 = hashlib.sha256(), hashlib.sha1(usedforsecurity=False)
    md5 = hashlib.md5(usedforsecurity=False)
    size = 0

    def hashed() -> Iterator[bytes]:
        nonlocal size
        for chunk in chunks:
            size += len(chunk)
            if size > limit:
                raise RejectedInput(f"file is larger than the limit of {limit} bytes")
            sha256.update(chunk)
            sha1.update(chunk)
            md5.update(chunk)
            yield chunk

    backend.put_stream(encrypt_stream(hashed()),
                       lambda: blob_name(sha256.hexdigest()))
    return BlobInfo(sha256.hexdigest(), sha1.hexdigest(), md5.hexdigest(), size)


def blob_put_bytes(data: bytes) -> BlobInfo:
    return blob_put([data])


def blob_exists(sha256: str) -> bool:
    backend = blob_backend()
    return backend.exists(blob_name(sha256)) or backend.exists(legacy_name(sha256))


def _stored(backend: BlobBackend, sha256: str) -> Iterator[bytes]:
    """The stored bytes under the keyed name, or else the legacy one."""
    name = blob_name(sha256)
    chunks = backend.open(name)
    try:
        first = next(chunks)
    except FileNotFoundError:
        chunks = backend.open(legacy_name(sha256))
        try:
            first = next(chunks)
        except FileNotFoundError:
            raise FileNotFoundError(f"{backend.describe()}: no blob {name}") from None
        except StopIteration:
            return
    except StopIteration:
        return
    yield first
    yield from chunks


def blob_open(sha256: str) -> Iterator[bytes]:
    """The decrypted content, streamed; raises DecryptionError if it was altered."""
    return decrypt_stream(_stored(blob_backend(), sha256))


def blob_read(sha256: str) -> bytes:
    return b"".join(blob_open(sha256))


def blob_delete(sha256: str) -> None:
    """Remove a blob from the store (absent already is fine)."""
    backend = blob_backend()
    backend.delete(blob_name(sha256))
    backend.delete(legacy_name(sha256))
