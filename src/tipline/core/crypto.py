"""AES-256-GCM encryption of data at rest, in 1 MiB segments so large files stream.

Format: b"TLB1" | 8-byte random nonce prefix | segments. Each segment is
AESGCM(key).encrypt(prefix + counter(4 bytes, big endian), chunk, aad) where the AAD marks
the last segment, so truncation and reordering are detected.
"""

from __future__ import annotations

import base64
import os
import secrets
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from tipline.core.errors import TiplineError

MAGIC = b"TLB1"
SEGMENT = 1024 * 1024
TAG = 16


class DecryptionError(TiplineError):
    """The stored bytes were altered, truncated or encrypted with another key."""


def load_key(*, configured: str | None, key_path: Path) -> bytes:
    """The media key: from configuration, else from the key file, created on first use."""
    if configured:
        raw = base64.b64decode(configured)
    else:
        if not key_path.exists():
            key_path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(base64.b64encode(secrets.token_bytes(32)))
        raw = base64.b64decode(key_path.read_bytes().strip())
    if len(raw) != 32:
        raise TiplineError("the media key must be 32 bytes (base64-encoded)")
    return raw


@lru_cache(maxsize=1)
def default_key() -> bytes:
    from django.conf import settings

    return load_key(configured=settings.MEDIA_KEY, key_path=settings.MEDIA_KEY_PATH)


def _nonce(prefix: bytes, counter: int) -> bytes:
    return prefix + counter.to_bytes(4, "big")


def encrypt_stream(chunks: Iterable[bytes], *, key: bytes) -> Iterator[bytes]:
    """Encrypt a byte stream; yields the header, then one ciphertext segment per SEGMENT."""
    aead = AESGCM(key)
    prefix = secrets.token_bytes(8)
    yield MAGIC + prefix
    buffer = b""
    counter = 0
    for chunk in chunks:
        buffer += chunk
        while len(buffer) > SEGMENT:
            yield aead.encrypt(_nonce(prefix, counter), buffer[:SEGMENT], b"0")
            buffer = buffer[SEGMENT:]
            counter += 1
    yield aead.encrypt(_nonce(prefix, counter), buffer, b"1")


def decrypt_stream(chunks: Iterable[bytes], *, key: bytes) -> Iterator[bytes]:
    """Decrypt what encrypt_stream produced; raises DecryptionError on any tampering."""
    aead = AESGCM(key)
    buffer = b""
    prefix: bytes | None = None
    counter = 0
    for chunk in chunks:
        buffer += chunk
        if prefix is None:
            if len(buffer) < 12:
                continue
            if buffer[:4] != MAGIC:
                raise DecryptionError("not a Tipline encrypted blob")
            prefix, buffer = buffer[4:12], buffer[12:]
        while len(buffer) > SEGMENT + TAG:
            yield _open(aead, prefix, counter, buffer[: SEGMENT + TAG], b"0")
            buffer = buffer[SEGMENT + TAG :]
            counter += 1
    if prefix is None:
        raise DecryptionError("encrypted blob is truncated")
    yield _open(aead, prefix, counter, buffer, b"1")


def _open(aead: AESGCM, prefix: bytes, counter: int, data: bytes, aad: bytes) -> bytes:
    try:
        return aead.decrypt(_nonce(prefix, counter), data, aad)
    except Exception as exc:  # cryptography raises InvalidTag
        raise DecryptionError("encrypted blob failed its integrity check") from exc


def encrypt_bytes(data: bytes, *, key: bytes | None = None) -> bytes:
    return b"".join(encrypt_stream([data], key=key or default_key()))


def decrypt_bytes(data: bytes, *, key: bytes | None = None) -> bytes:
    return b"".join(decrypt_stream([data], key=key or default_key()))
