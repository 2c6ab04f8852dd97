"""The at-rest encryption: AES-256-GCM in 1 MiB segments, with truncation and reorder checks."""

from __future__ import annotations

import base64
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tipline.core.crypto import (
    HEADERS,
    MAGIC,
    SEGMENT,
    TAG,
    DecryptionError,
    decrypt_bytes,
    decrypt_stream,
    default_key,
    encrypt_bytes,
    encrypt_stream,
)
from tipline.core.errors import TiplineError
from tipline.core.keys import forget, load_keyring

HEADER = HEADERS[MAGIC]
KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))


def pattern(size: int) -> bytes:
    """Deterministic, non-repeating-looking bytes (not all zeros, so a mix-up shows)."""
    block = bytes((i * 131 + 7) % 251 for i in range(251))
    return (block * (size // len(block) + 1))[:size]


def chunked(data: bytes, size: int) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


@pytest.mark.parametrize(
    "size", [0, 1, 1000, SEGMENT - 1, SEGMENT, SEGMENT + 1, 2 * SEGMENT, 2 * SEGMENT + 5]
)
def test_round_trip_at_every_segment_boundary(size: int) -> None:
    data = pattern(size)
    sealed = encrypt_bytes(data, key=KEY)
    segments = max(1, -(-size // SEGMENT))
    assert len(sealed) == HEADER + size + segments * TAG
    assert sealed.startswith(MAGIC)
    assert decrypt_bytes(sealed, key=KEY) == data


def test_same_plaintext_encrypts_differently_each_time() -> None:
    data = pattern(5000)
    assert encrypt_bytes(data, key=KEY) != encrypt_bytes(data, key=KEY)


@pytest.mark.parametrize("where", ["magic", "nonce", "body", "tag"])
def test_tampering_any_byte_is_detected(where: str) -> None:
    sealed = bytearray(encrypt_bytes(pattern(10_000), key=KEY))
    offset = {"magic": 0, "nonce": 8, "body": HEADER + 100, "tag": len(sealed) - 1}[where]
    sealed[offset] ^= 0x01
    with pytest.raises(DecryptionError):
        decrypt_bytes(bytes(sealed), key=KEY)


def test_truncation_is_detected() -> None:
    data = pattern(2 * SEGMENT + 10)
    sealed = encrypt_bytes(data, key=KEY)
    # Cut inside the last segment, at its start, and whole segments off the end: the
    # last segment left was not sealed as the last one, so each is found.
    for cut in (1, TAG + 10, TAG + 10 + SEGMENT, TAG + 10 + SEGMENT + TAG):
        with pytest.raises(DecryptionError):
            decrypt_bytes(sealed[:-cut], key=KEY)
    for short in (b"", MAGIC, sealed[: HEADER - 1]):
        with pytest.raises(DecryptionError, match="truncated"):
            decrypt_bytes(short, key=KEY)


def test_segments_cannot_be_reordered() -> None:
    data = pattern(3 * SEGMENT)
    sealed = encrypt_bytes(data, key=KEY)
    body = sealed[HEADER:]
    size = SEGMENT + TAG
    first, second, rest = body[:size], body[size : 2 * size], body[2 * size :]
    with pytest.raises(DecryptionError):
        decrypt_bytes(sealed[:HEADER] + second + first + rest, key=KEY)


def test_wrong_key_fails() -> None:
    sealed = encrypt_bytes(b"report body", key=KEY)
    with pytest.raises(DecryptionError):
        decrypt_bytes(sealed, key=OTHER_KEY)


def test_not_a_blob_is_refused() -> None:
    with pytest.raises(DecryptionError, match="not a Tipline"):
        decrypt_bytes(b"PK\x03\x04" + b"\x00" * 100, key=KEY)


def test_multi_segment_streams_in_bounded_pieces() -> None:
    """Over 1 MiB: odd-sized input chunks in, one plaintext segment at a time out, and the
    first plaintext comes out before the whole ciphertext has been read."""
    data = pattern(2 * SEGMENT + SEGMENT // 2)
    sealed_pieces = list(encrypt_stream(chunked(data, 77_777), key=KEY))
    assert sealed_pieces[0] == sealed_pieces[0][:HEADER]  # the header comes first, alone
    assert len(sealed_pieces) == 1 + 3
    assert all(len(piece) <= SEGMENT + TAG for piece in sealed_pieces)
    sealed = b"".join(sealed_pieces)

    consumed = 0

    def reader() -> Iterator[bytes]:
        nonlocal consumed
        for piece in chunked(sealed, 64 * 1024):
            consumed += len(piece)
            yield piece

    out = decrypt_stream(reader(), key=KEY)
    first = next(out)
    assert len(first) == SEGMENT
    assert consumed < len(sealed)
    rest = list(out)
    assert all(len(piece) <= SEGMENT for piece in rest)
    assert first + b"".join(rest) == data


def test_key_file_is_created_once_private_and_reused(settings: Any) -> None:
    key = load_keyring().current
    path = Path(settings.KEY_DIR) / "data-1.key"
    assert len(key) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert load_keyring().current == key


def test_configured_key_wins_and_must_be_32_bytes(settings: Any) -> None:
    settings.MEDIA_KEY = base64.b64encode(KEY).decode()
    assert load_keyring().current == KEY
    assert not (Path(settings.KEY_DIR) / "data-1.key").exists()
    settings.MEDIA_KEY = base64.b64encode(b"short").decode()
    with pytest.raises(TiplineError, match="32 bytes"):
        load_keyring()


def test_default_key_is_generated_into_the_key_folder(settings: Any) -> None:
    """The embedded default: no key configured, so one is made in the key folder on first use."""
    forget()
    first = default_key()
    assert (Path(settings.KEY_DIR) / "data-1.key").exists()
    assert default_key() == first
    assert decrypt_bytes(encrypt_bytes(b"x")) == b"x"


def test_a_legacy_media_key_is_data_key_one(settings: Any) -> None:
    Path(settings.MEDIA_KEY_PATH).write_bytes(base64.b64encode(KEY))
    assert load_keyring().keys == {1: KEY}


def test_configured_default_key(settings: Any) -> None:
    settings.MEDIA_KEY = base64.b64encode(KEY).decode()
    forget()
    try:
        assert default_key() == KEY
        assert not (Path(settings.KEY_DIR) / "data-1.key").exists()
    finally:
        forget()
