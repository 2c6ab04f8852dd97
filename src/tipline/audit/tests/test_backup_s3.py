"""A backup reads the blobs from whichever store is configured: here an S3 bucket (a real
S3 server on loopback), with a blob the database refers to and one it does not."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tipline.audit.backups import backup_create
from tipline.core import archive
from tipline.core.archive import Secret, archive_members
from tipline.core.blobs import blob_put, blob_put_bytes
from tipline.core.blobstores import blob_name
from tipline.intake.models import ImportBatch

MB = 1024 * 1024


@pytest.fixture(autouse=True)
def _cheap_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive, "SCRYPT_N", 2**10)


def test_backup_holds_every_blob_of_an_object_store(
    s3_store: Any, transactional_db: Any, tmp_path: Path,
) -> None:
    referred = blob_put_bytes(b"a batch file an import was given")
    large = blob_put([bytes([i % 251]) * MB for i in range(3)])  # several archive segments
    blob_put_bytes(b"a blob nothing refers to (a sweep's business, kept all the same)")
    ImportBatch.objects.create(label="batch.zip", paths=[{"sha256": referred.sha256}])
    ImportBatch.objects.create(label="missing.zip", paths=[{"sha256": "e" * 64}])
    secret = Secret.from_passphrase("correct horse battery staple", new=True)

    done = backup_create(out=tmp_path, secret=secret, include_keys=False)

    members = {name: b"".join(chunks) for name, chunks in archive_members(done.path, secret)}
    stored = s3_store.objects()
    assert len(stored) == 3
    assert {f"blobs/{name}": s3_store.get(name) for name in stored} == {
        name: data for name, data in members.items() if name.startswith("blobs/")}
    assert f"blobs/{blob_name(large.sha256)}" in members
    manifest = json.loads(members["manifest.json"])
    assert manifest == done.manifest
    assert manifest["counts"]["intake_importbatch"] == 2
    assert manifest["blobs"]["count"] == 3
    # the batch naming a blob the store lacks is reported, not hidden
    assert manifest["blobs"]["missing"] == [blob_name("e" * 64)]
    # the keys it needs, by fingerprint (the index key names the blobs)
    assert manifest["keys"]["included"] is False
    assert sorted(manifest["keys"]["fingerprints"]) == ["data-1.key", "index.key"]
    assert not any(name.startswith("keys/") for name in members)
