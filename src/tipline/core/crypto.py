"""AES-256-GCM encryption of data at rest, in 1 MiB segments so large files stream.

Format (written now): b"TLB2" | 2-byte data key id (big endian) | 8-byte random nonce prefix |
segments. The key id names the `data-N.key` (core/keys.py) that sealed it, so keys can be
rotated: every key decrypts, the current one encrypts. Blobs written before key ids,
b"TLB1" | prefix | segments, are read with data key 1.

Each segment is AESGCM(key).encrypt(prefix + counter(4 bytes, big endian), chunk, aad) where
the AAD marks the last segment, so truncation and reordering are detected. The key id is not
in the AAD: a changed id picks another key, and the first segment then fails its tag.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from tipline.core.errors import TiplineError

if TYPE_CHECKING:
    from tipline.core.keys import Keyring

MAGIC = b"TLB2"
MAGIC_V1 = b"TLB1"
#: the header's length in each version: magic, (key id,) nonce prefix
HEADERS = {MAGIC_V1: 4 + 8, MAGIC: 4 + 2 + 8}
HEADER_MAX = max(HEADERS.values())
MAX_KEY_ID = 0xFFFF
SEGMENT = 1024 * 1024
TAG = 16


class DecryptionError(TiplineError):
    """The stored bytes were altered, truncated or encrypted with another key."""


def default_key() -> bytes:
    """The data key that encrypts now (core/keys.py: the highest data-N.key)."""
    from tipline.core.keys import data_keyring

    return data_keyring().current


def _nonce(prefix: bytes, counter: int) -> bytes:
    return prefix + counter.to_bytes(4, "big")


def key_id_of(header: bytes) -> int:
    """The data key id a ciphertext was sealed with, from its first HEADER_MAX bytes (a
    TLB1 blob: key 1). DecryptionError when it is not a Tipline ciphertext."""
    magic = header[:4]
    if magic not in HEADERS:
        if len(header) < 4:
            raise DecryptionError("encrypted blob is truncated")
        raise DecryptionError("not a Tipline encrypted blob")
    if len(header) < HEADERS[magic]:
        raise DecryptionError("encrypted blob is truncated")
    return 1 if magic == MAGIC_V1 else int.from_bytes(header[4:6], "big")


def encrypt_stream(chunks: Iterable[bytes], *, key: bytes | None = None,
                   key_id: int | None = None) -> Iterator[bytes]:
    """Encrypt a byte stream; yields the header, then one ciphertext segment per SEGMENT.

    Without `key`, the current data key (and its id); an explicit key is labelled `key_id`
    (default 1)."""
    if key is None:
        from tipline.core.keys import data_keyring

        ring = data_keyring()
        key, key_id = ring.current, ring.current_id
    key_id = 1 if key_id is None else key_id
    if not 0 < key_id <= MAX_KEY_ID:
        raise ValueError(f"data key id must be 1..{MAX_KEY_ID}")
    aead = AESGCM(key)
    prefix = secrets.token_bytes(8)
    yield MAGIC + key_id.to_bytes(2, "big") + prefix
    buffer = b""
    counter = 0
    for chunk in chunks:
        buffer += chunk
        while len(buffer) > SEGMENT:
            yield aead.encrypt(_nonce(prefix, counter), buffer[:SEGMENT], b"0")
            buffer = buffer[SEGMENT:]
            counter += 1
    yield aead.encrypt(_nonce(prefix, counter), buffer, b"1")


def _key_for(key_id: int, keyring: Keyring | None) -> bytes:
    from tipline.core.keys import KeyError_, data_keyring

    ring = keyring or data_keyring()
    try:
        return ring.get(key_id)
    except KeyError_:
        if keyring is not None:
            raise DecryptionError(f"sealed with data key {key_id}, which is not in the "
                                  "key ring given") from None
    # another process may have just added the key (`tipline keys rotate`): read the folder
    from tipline.core.keys import forget, key_dir

    forget()
    try:
        return data_keyring().get(key_id)
    except KeyError_:
        raise DecryptionError(f"sealed with data key {key_id}, which is not in the key "
                              f"folder {key_dir()} (data-{key_id}.key)") from None


def decrypt_stream(chunks: Iterable[bytes], *, key: bytes | None = None,
                   keyring: Keyring | None = None) -> Iterator[bytes]:
    """Decrypt what encrypt_stream produced; raises DecryptionError on any tampering.

    The key is the one the header names, from `keyring` (default: the data keys), unless
    `key` is given."""
    aead: AESGCM | None = None
    buffer = b""
    prefix: bytes | None = None
    counter = 0
    for chunk in chunks:
        buffer += chunk
        if prefix is None:
            if len(buffer) < HEADER_MAX and (buffer[:4] != MAGIC_V1 or len(buffer) < 12):
                continue
            key_id = key_id_of(buffer[:HEADER_MAX])
            size = HEADERS[buffer[:4]]
            aead = AESGCM(key if key is not None else _key_for(key_id, keyring))
            prefix, buffer = buffer[size - 8 : size], buffer[size:]
        assert aead is not None
        while len(buffer) > SEGMENT + TAG:
            yield _open(aead, prefix, counter, buffer[: SEGMENT + TAG], b"0")
            buffer = buffer[SEGMENT + TAG :]
            counter += 1
    if prefix is None:
        key_id_of(buffer)  # says which: not a blob, or truncated
        raise DecryptionError("encrypted blob is truncated")
    assert aead is not None
    yield _open(aead, prefix, counter, buffer, b"1")


def _open(aead: AESGCM, prefix: bytes, counter: int, data: bytes, aad: bytes) -> bytes:
    try:
        return aead.decrypt(_nonce(prefix, counter), data, aad)
    except Exception as exc:  # cryptography raises InvalidTag
        raise DecryptionError("encrypted blob failed its integrity check") from exc


def encrypt_bytes(data: bytes, *, key: bytes | None = None, key_id: int | None = None) -> bytes:
    """`data` sealed whole (under the current data key unless `key` is given)."""
    return b"".join(encrypt_stream([data], key=key, key_id=key_id))


def decrypt_bytes(data: bytes, *, key: bytes | None = None,
                  keyring: Keyring | None = None) -> bytes:
    return b"".join(decrypt_stream([data], key=key, keyring=keyring))


def reencrypt_bytes(data: bytes, *, keyring: Keyring | None = None) -> bytes | None:
    """`data` sealed again under the current data key, or None when it already is: the step
    every holder of encrypted values runs in `tipline keys rotate` (core/keys.py)."""
    from tipline.core.keys import data_keyring

    ring = keyring or data_keyring()
    if key_id_of(data[:HEADER_MAX]) == ring.current_id:
        return None
    plain = decrypt_bytes(data, keyring=ring)
    return encrypt_bytes(plain, key=ring.current, key_id=ring.current_id)
