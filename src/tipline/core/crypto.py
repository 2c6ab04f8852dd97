"""AES-256-GCM encryption of data at rest, in 1 MiB segments so large files stream.

Format: b"TLB1" | 8-byte random nonce prefix | segments. Each segment is
AESGCM(key).encrypt(prefix + counter(4 bytes, big endian), chunk, aad) where the AAD marks
the last segment, so truncation and reordering are detected.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from tipline.core.errors import TiplineError

MAGIC = b"TLB1"
SEGMENT = 1024 * 1024
TAG = 16


class DecryptionError(TiplineError):
    """The stored bytes were altered, truncated or encrypted with another key."""


@lru_cache(maxsize=1)
def default_key() -> bytes:
    """The data key that encrypts now (core/keys.py: the highest data-N.key)."""
    from tipline.core.keys import load_keyring

    return load_keyring().current


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
