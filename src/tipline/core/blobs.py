"""The encrypted blob store: content-addressed by SHA-256 of the plaintext.

Every file, raw JSON/XML/PDF artifact and upload Tipline keeps goes through `blob_put`,
which hashes (MD5, SHA-1, SHA-256) and encrypts in one pass; nothing is written in the clear.
The local store keeps blobs under TIPLINE_HOME/blobs; an S3-compatible store is the scale path
and plugs in behind the same two functions.
"""

from __future__ import annotations

import errno
import hashlib
import itertools
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from tipline.core.crypto import decrypt_stream, default_key, encrypt_stream
from tipline.core.errors import RejectedInput, StorageError


@dataclass(frozen=True)
class BlobInfo:
    """What Tipline knows of stored content: its size and its hashes."""

    sha256: str
    sha1: str
    md5: str
    size: int


def blob_root() -> Path:
    return Path(settings.TIPLINE_HOME) / "blobs"


_KEY = re.compile(r"[0-9a-f]{64}")
_made: set[str] = set()


def blob_path(sha256: str) -> Path:
    if not _KEY.fullmatch(sha256):
        raise ValueError("blob key must be a lower-case SHA-256 hex digest")
    return blob_root() / sha256[:2] / sha256[2:4] / f"{sha256}.tlb"


def _ensure_dir(path: Path) -> None:
    key = str(path)
    if key not in _made:
        path.mkdir(parents=True, exist_ok=True)
        _made.add(key)


def hash_bytes(data: bytes) -> BlobInfo:
    return BlobInfo(
        sha256=hashlib.sha256(data).hexdigest(),
        sha1=hashlib.sha1(data, usedforsecurity=False).hexdigest(),
        md5=hashlib.md5(data, usedforsecurity=False).hexdigest(),
        size=len(data),
    )


SMALL = 4 * 1024 * 1024


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
        _keep_or_write(info.sha256, data)
        return info
    try:
        return _put_stream(itertools.chain(head, iterator), limit=limit)
    except OSError as exc:
        if (clear := storage_error(exc, needed=held)) is not None:
            raise clear from None
        raise


def _keep_or_write(sha256: str, data: bytes) -> None:
    """Store `data` unless held already; held content is touched, so a sweep of leftovers
    (core/sweep.py) sees it as new while the import storing it again commits."""
    try:
        os.utime(blob_path(sha256))
    except FileNotFoundError:
        _write(sha256, [data])


def storage_error(exc: OSError, *, needed: int) -> StorageError | None:
    """One clear line for a data folder that is full or read-only (None: another error)."""
    root = blob_root()
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        try:
            free = shutil.disk_usage(root).free
        except OSError:
            free = 0
        return StorageError(f"the data folder is full: {max(needed, 1) / 2**20:.0f} MB free "
                            f"needed, {free / 2**20:.0f} left ({root})")
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return StorageError(f"the data folder can't be written: {root} is read-only "
                            f"({exc.strerror})")
    return None


def _write(sha256: str, chunks: Iterable[bytes]) -> None:
    data = list(chunks)
    try:
        _write_file(sha256, data)
    except OSError as exc:
        if (clear := storage_error(exc, needed=sum(len(c) for c in data))) is not None:
            raise clear from None
        raise


def _write_file(sha256: str, chunks: Iterable[bytes]) -> None:
    root = blob_root()
    _ensure_dir(root)
    fd, tmp_name = tempfile.mkstemp(dir=root, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as out:
            for piece in encrypt_stream(chunks, key=default_key()):
                out.write(piece)
        final = blob_path(sha256)
        _ensure_dir(final.parent)
        os.replace(tmp_name, final)
    except BaseException:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
        raise


def _put_stream(chunks: Iterable[bytes], *, limit: int) -> BlobInfo:
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

    root = blob_root()
    _ensure_dir(root)
    fd, tmp_name = tempfile.mkstemp(dir=root, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as out:
            for piece in encrypt_stream(hashed(), key=default_key()):
                out.write(piece)
        info = BlobInfo(sha256.hexdigest(), sha1.hexdigest(), md5.hexdigest(), size)
        final = blob_path(info.sha256)
        if final.exists():
            os.unlink(tmp_name)
            os.utime(final)  # held already: new again for a sweep (see _keep_or_write)
        else:
            _ensure_dir(final.parent)
            os.replace(tmp_name, final)
        return info
    except BaseException:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
        raise


def blob_put_bytes(data: bytes) -> BlobInfo:
    return blob_put([data])


def blob_exists(sha256: str) -> bool:
    return blob_path(sha256).exists()


def blob_open(sha256: str) -> Iterator[bytes]:
    """The decrypted content, streamed; raises DecryptionError if it was altered."""
    path = blob_path(sha256)

    def read() -> Iterator[bytes]:
        with path.open("rb") as fh:
            while chunk := fh.read(1024 * 1024):
                yield chunk

    return decrypt_stream(read(), key=default_key())


def blob_read(sha256: str) -> bytes:
    return b"".join(blob_open(sha256))
