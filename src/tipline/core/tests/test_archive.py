"""The backup archive's format: members come back byte for byte, and a wrong secret, a cut
or an altered byte is refused with one clear line before anything is handed out whole."""

from __future__ import annotations

import base64
import secrets
from pathlib import Path

import pytest

from tipline.core import archive
from tipline.core.archive import ArchiveError, ArchiveWriter, Secret, archive_members

PASS = Secret.from_passphrase("correct horse battery staple", new=True)


@pytest.fixture(autouse=True)
def _cheap_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    """The header carries scrypt's cost, so a lower one reads back the same way."""
    monkeypatch.setattr(archive, "SCRYPT_N", 2**10)


def members() -> dict[str, bytes]:
    return {
        "database.sqlite3": secrets.token_bytes(3 * 1024 * 1024 + 17),  # crosses segments
        "blobs/ab/cd/x.tlb": b"",
        "keys/data-1.key": b"QUJD\n",
        "manifest.json": b'{"format": "x"}',
    }


def write(path: Path, secret: Secret, content: dict[str, bytes]) -> ArchiveWriter:
    with path.open("wb") as fh:
        writer = ArchiveWriter(fh, secret)
        for name, data in content.items():
            # in uneven pieces, as a stream would come
            writer.add(name, [data[i:i + 70_000] for i in range(0, len(data), 70_000)])
        writer.close()
    return writer


def read(path: Path, secret: Secret) -> dict[str, bytes]:
    return {name: b"".join(chunks) for name, chunks in archive_members(path, secret)}


def test_members_round_trip_and_the_writer_reports_size_and_sha256(tmp_path: Path) -> None:
    import hashlib

    content = members()
    path = tmp_path / "a.tlbackup"
    writer = write(path, PASS, content)
    assert read(path, PASS) == content
    raw = path.read_bytes()
    assert writer.size == len(raw)
    assert writer.sha256.hexdigest() == hashlib.sha256(raw).hexdigest()
    assert content["keys/data-1.key"] not in raw and content["database.sqlite3"][:64] not in raw


def test_a_key_file_opens_what_it_made_and_a_passphrase_does_not(tmp_path: Path) -> None:
    key_file = tmp_path / "backup.key"
    key_file.write_bytes(base64.b64encode(secrets.token_bytes(32)) + b"\n")
    path = tmp_path / "k.tlbackup"
    write(path, Secret.from_key_file(key_file), {"m": b"hello"})
    assert read(path, Secret.from_key_file(key_file)) == {"m": b"hello"}
    with pytest.raises(ArchiveError, match="made with a key file"):
        read(path, PASS)
    other = tmp_path / "other.key"
    other.write_bytes(base64.b64encode(secrets.token_bytes(32)))
    with pytest.raises(ArchiveError, match="wrong key file"):
        read(path, Secret.from_key_file(other))


def test_a_wrong_passphrase_is_named_before_any_member(tmp_path: Path) -> None:
    path = tmp_path / "a.tlbackup"
    write(path, PASS, members())
    with pytest.raises(ArchiveError, match="wrong passphrase"):
        next(archive_members(path, Secret.from_passphrase("correct horse battery stapler")))


@pytest.mark.parametrize("cut", [40, 200, 1024 * 1024, -17, -1])
def test_a_truncated_archive_is_refused(tmp_path: Path, cut: int) -> None:
    path = tmp_path / "a.tlbackup"
    write(path, PASS, members())
    raw = path.read_bytes()
    path.write_bytes(raw[:cut])
    with pytest.raises(ArchiveError):
        read(path, PASS)


def test_an_altered_byte_or_appended_data_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.tlbackup"
    write(path, PASS, members())
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 1
    path.write_bytes(bytes(raw))
    with pytest.raises(ArchiveError, match="damaged"):
        read(path, PASS)
    raw[len(raw) // 2] ^= 1
    path.write_bytes(bytes(raw) + b"more")
    with pytest.raises(ArchiveError, match="damaged"):
        read(path, PASS)


def test_not_an_archive_and_bad_secrets_say_so(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello, this is not a backup at all")
    with pytest.raises(ArchiveError, match="not a Tipline backup"):
        read(path, PASS)
    with pytest.raises(ArchiveError, match="at least 12"):
        Secret.from_passphrase("short", new=True)
    bad = tmp_path / "bad.key"
    bad.write_text("not base64 at all!")
    with pytest.raises(ArchiveError, match="not base64"):
        Secret.from_key_file(bad)
    bad.write_bytes(base64.b64encode(b"16 bytes only!!!"))
    with pytest.raises(ArchiveError, match="32 bytes"):
        Secret.from_key_file(bad)
