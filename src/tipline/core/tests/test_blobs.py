"""The encrypted, content-addressed blob store."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tipline.core.blobs import (
    blob_exists,
    blob_open,
    blob_path,
    blob_put,
    blob_put_bytes,
    blob_read,
    blob_root,
    hash_bytes,
)
from tipline.core.crypto import MAGIC, SEGMENT, DecryptionError
from tipline.core.errors import RejectedInput
from tipline.core.keys import forget

CONTENT = b"Synthetic test file: a pattern, never a person.\n" * 1000


def stored_files() -> list[Path]:
    root = blob_root()
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_hashes_match_hashlib() -> None:
    info = blob_put_bytes(CONTENT)
    assert info.sha256 == hashlib.sha256(CONTENT).hexdigest()
    assert info.sha1 == hashlib.sha1(CONTENT).hexdigest()  # noqa: S324 - comparing, not securing
    assert info.md5 == hashlib.md5(CONTENT).hexdigest()  # noqa: S324
    assert info.size == len(CONTENT)
    assert hash_bytes(CONTENT) == info


def test_streamed_put_equals_whole_put_and_reads_back() -> None:
    data = bytes(range(256)) * (SEGMENT // 256 * 2 + 3)  # over two segments
    info = blob_put(data[i : i + 10_000] for i in range(0, len(data), 10_000))
    assert info == hash_bytes(data)
    assert blob_exists(info.sha256)
    assert blob_read(info.sha256) == data
    assert all(len(piece) <= SEGMENT for piece in blob_open(info.sha256))


def test_same_content_is_stored_once() -> None:
    first = blob_put_bytes(CONTENT)
    second = blob_put([CONTENT[:100], CONTENT[100:]])
    assert first == second
    assert stored_files() == [blob_path(first.sha256)]


def test_the_file_on_disk_is_not_the_plaintext() -> None:
    info = blob_put_bytes(CONTENT)
    raw = blob_path(info.sha256).read_bytes()
    assert raw.startswith(MAGIC)
    assert CONTENT[:48] not in raw
    assert b"never a person" not in raw


def test_size_limit_raises_and_leaves_no_temp_file() -> None:
    with pytest.raises(RejectedInput, match="larger than the limit"):
        blob_put(iter([b"x" * 600, b"x" * 600]), max_bytes=1000)
    assert stored_files() == []


def test_size_limit_defaults_to_the_setting(settings: Any) -> None:
    settings.MAX_UPLOAD_BYTES = 10
    with pytest.raises(RejectedInput):
        blob_put_bytes(b"x" * 11)
    assert blob_put_bytes(b"x" * 10).size == 10


def test_failing_source_leaves_no_temp_file() -> None:
    def source() -> Iterator[bytes]:
        yield b"some bytes"
        raise OSError("disk went away")

    with pytest.raises(OSError, match="disk went away"):
        blob_put(source())
    assert stored_files() == []


def test_altered_blob_fails_to_read() -> None:
    info = blob_put_bytes(CONTENT)
    path = blob_path(info.sha256)
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    path.write_bytes(bytes(raw))
    with pytest.raises(DecryptionError):
        blob_read(info.sha256)


def test_blob_needs_its_key(settings: Any) -> None:
    info = blob_put_bytes(CONTENT)
    settings.MEDIA_KEY = base64.b64encode(b"\x07" * 32).decode()
    forget()
    try:
        with pytest.raises(DecryptionError):
            blob_read(info.sha256)
    finally:
        forget()


@pytest.mark.parametrize(
    "key", ["../../etc/passwd", "A" * 64, "0" * 63, "g" * 64, "0" * 64 + "/x"]
)
def test_blob_path_only_accepts_a_sha256(key: str) -> None:
    with pytest.raises(ValueError, match="SHA-256"):
        blob_path(key)
