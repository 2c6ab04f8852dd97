"""Blobs in an S3-compatible object store (TIPLINE_BLOB_URL=s3://bucket/prefix), against a
real S3 server on loopback (moto's server mode): encrypted before upload exactly as on disk,
large ones uploaded in parts and read back as a stream, stored once, deleted, swept by
`tipline doctor --fix`, and copied out and back by `tipline blobs backup|restore`."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from tipline.core.blobs import (
    blob_delete,
    blob_exists,
    blob_open,
    blob_path,
    blob_put,
    blob_put_bytes,
    blob_read,
    blob_root,
)
from tipline.core.blobstores import INCOMING, LocalBackend, blob_backend, blob_name
from tipline.core.crypto import MAGIC, decrypt_bytes
from tipline.core.errors import RejectedInput, StorageError
from tipline.intake.models import ImportBatch

MB = 1024 * 1024


def pattern(size: int, seed: int) -> bytes:
    """Bytes that compress badly and differ by seed (never real media)."""
    block = bytes((i * 131 + seed * 17 + (i >> 8)) % 251 for i in range(64 * 1024))
    return (block * (size // len(block) + 1))[:size]


def test_a_small_blob_goes_up_encrypted_and_comes_back(s3_store: Any) -> None:
    data = b"a report's raw JSON, never in the clear outside the process"
    info = blob_put_bytes(data)
    stored = s3_store.objects()
    assert list(stored) == [blob_name(info.sha256)]
    raw = s3_store.get(blob_name(info.sha256))
    assert raw.startswith(MAGIC) and data not in raw
    assert decrypt_bytes(raw) == data  # the same format as on disk
    assert blob_read(info.sha256) == data and blob_exists(info.sha256)
    assert not blob_root().exists()  # nothing on the local disk


def test_a_large_blob_goes_up_in_parts_and_streams_back(s3_store: Any, settings: Any) -> None:
    settings.S3_PART_BYTES = 5 * MB
    data = pattern(13 * MB, seed=3)
    info = blob_put(data[i:i + MB] for i in range(0, len(data), MB))
    name = blob_name(info.sha256)
    assert list(s3_store.objects()) == [name]  # the incoming object is gone
    head = s3_store.client.head_object(Bucket=s3_store.name, Key=s3_store.prefix + name)
    assert head["ETag"].strip('"').endswith("-3")  # a multipart upload: 3 parts of 5 MB
    chunks = blob_open(info.sha256)
    first = next(chunks)
    assert len(first) < len(data)  # streamed, not read whole
    assert first + b"".join(chunks) == data
    assert info.size == len(data)


def test_the_same_content_is_stored_once_and_touched(s3_store: Any, settings: Any) -> None:
    settings.S3_PART_BYTES = 5 * MB
    small, large = b"the same upload twice", pattern(6 * MB, seed=4)
    first = [blob_put_bytes(small), blob_put([large])]
    before = s3_store.objects()
    again = [blob_put_bytes(small), blob_put([large[:MB], large[MB:]])]
    assert again == first and s3_store.objects() == before and len(before) == 2
    for info in first:  # held content stored again is made new for the sweep
        head = s3_store.client.head_object(Bucket=s3_store.name,
                                           Key=s3_store.prefix + blob_name(info.sha256))
        assert "touched" in head["Metadata"]


def test_an_upload_over_the_limit_leaves_nothing_behind(s3_store: Any,
                                                         settings: Any) -> None:
    settings.S3_PART_BYTES = 5 * MB
    data = pattern(12 * MB, seed=6)
    with pytest.raises(RejectedInput, match="larger than the limit"):
        blob_put((data[i:i + MB] for i in range(0, len(data), MB)), max_bytes=11 * MB)
    assert s3_store.objects() == {}


def test_a_deleted_blob_is_gone(s3_store: Any) -> None:
    info = blob_put_bytes(b"to be removed")
    blob_delete(info.sha256)
    assert s3_store.objects() == {} and not blob_exists(info.sha256)
    with pytest.raises(FileNotFoundError):
        blob_read(info.sha256)
    blob_delete(info.sha256)  # absent already is fine


def test_an_unreachable_store_is_one_clear_line(s3_store: Any, settings: Any) -> None:
    settings.S3_ENDPOINT_URL = "http://127.0.0.1:9"  # discard port: nothing listens
    with pytest.raises(StorageError, match="the object store can't be reached: s3://"):
        blob_put_bytes(b"nowhere to go")


def doctor(*args: str) -> str:
    out = io.StringIO()
    call_command("doctor", "--check", "blob leftovers", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_doctor_sweeps_the_bucket(s3_store: Any, tree: None) -> None:
    kept = blob_put_bytes(b"an upload a batch refers to")
    ImportBatch.objects.create(label="x", paths=[{"name": "a.xml", "sha256": kept.sha256,
                                                  "size": kept.size}])
    orphan = blob_put_bytes(b"a file of a report never committed")
    s3_store.client.put_object(Bucket=s3_store.name, Key=f"{s3_store.prefix}{INCOMING}abc",
                               Body=b"half")
    listed = doctor("--min-age-hours", "0")
    assert blob_name(orphan.sha256) in listed and f"{INCOMING}abc" in listed
    assert blob_name(kept.sha256) not in listed
    assert "found 1 unreferenced blob(s) and 1 half-written file(s)" in listed
    assert f"s3://{s3_store.name}/tipline/blobs" in listed
    assert len(s3_store.objects()) == 3
    assert "removed 1 unreferenced blob(s) and 1 half-written file(s)" in doctor(
        "--fix", "--min-age-hours", "0")
    assert list(s3_store.objects()) == [blob_name(kept.sha256)]
    assert "found 1" not in doctor()  # with the default age, nothing fresh is listed


def blobs(*args: str) -> str:
    out = io.StringIO()
    call_command("blobs", *args, stdout=out)
    return out.getvalue()


def test_backup_copies_the_bucket_out_and_restore_puts_it_back(
        s3_store: Any, tmp_path: Path, settings: Any) -> None:
    settings.S3_PART_BYTES = 5 * MB
    contents = [b"one", b"two", pattern(7 * MB, seed=5)]
    infos = [blob_put([c]) for c in contents]
    backup = tmp_path / "backup"
    assert "copied 3 blob(s)" in blobs("backup", "--to", str(backup))
    for info, content in zip(infos, contents, strict=True):
        saved = backup / blob_name(info.sha256)  # the local layout, encrypted as stored
        assert saved.read_bytes() == s3_store.get(blob_name(info.sha256))
        assert decrypt_bytes(saved.read_bytes()) == content
    assert "copied 0 blob(s), 0 bytes" in blobs("backup", "--to", str(backup))
    assert "3 already there" in blobs("backup", "--to", str(backup))
    assert not [p for p in backup.iterdir() if p.name.startswith(INCOMING)]
    # the bucket is lost; the backup restores it
    for name in s3_store.objects():
        s3_store.client.delete_object(Bucket=s3_store.name, Key=s3_store.prefix + name)
    assert "copied 3 blob(s)" in blobs("restore", "--from", str(backup))
    assert [blob_read(i.sha256) for i in infos] == contents


def test_restore_moves_a_local_store_into_the_bucket(s3_store: Any, settings: Any) -> None:
    url = settings.BLOB_URL
    settings.BLOB_URL = ""
    info = blob_put_bytes(b"kept on the local disk first")
    assert blob_path(info.sha256).exists()
    settings.BLOB_URL = url
    assert not blob_exists(info.sha256)
    assert "copied 1 blob(s)" in blobs("restore", "--from", str(blob_root()))
    assert blob_read(info.sha256) == b"kept on the local disk first"
    assert not isinstance(blob_backend(), LocalBackend)
    assert os.path.exists(blob_path(info.sha256))  # the local copy is left for the operator


def test_rotation_and_renames_work_on_the_bucket(s3_store: Any, db: Any) -> None:
    """`tipline keys rotate` re-encrypts objects in place (key ids read with ranged GETs),
    and a bucket written with plain SHA-256 names is renamed."""
    from tipline.core.blobstores import legacy_name
    from tipline.core.crypto import encrypt_bytes, key_id_of
    from tipline.core.rotation import blobs_census

    infos = [blob_put_bytes(pattern(1000, seed=n)) for n in range(3)]
    old = hashlib.sha256(b"stored before keyed names").hexdigest()
    s3_store.client.put_object(Bucket=s3_store.name, Key=s3_store.prefix + legacy_name(old),
                               Body=encrypt_bytes(b"stored before keyed names"))
    assert blobs_census() == {1: 4}
    out = io.StringIO()
    call_command("keys", "rotate", stdout=out, stderr=io.StringIO())
    assert "blobs: 4 re-encrypted" in out.getvalue()
    assert blobs_census() == {2: 4}
    assert all(key_id_of(s3_store.get(blob_name(i.sha256))) == 2 for i in infos)
    call_command("keys", "rename-blobs", stdout=io.StringIO(), stderr=io.StringIO())
    assert sorted(s3_store.objects()) == sorted(
        [*(blob_name(i.sha256) for i in infos), blob_name(old)])
    assert blob_read(old) == b"stored before keyed names"
    assert [blob_read(i.sha256) for i in infos] == [pattern(1000, seed=n) for n in range(3)]
