"""Key ids in ciphertexts, key rotation (`tipline keys`), and blobs named by a keyed hash."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.management import CommandError, call_command

from tipline.core.blobs import blob_path, blob_put_bytes, blob_read, blob_root
from tipline.core.blobstores import blob_backend, blob_name, legacy_name
from tipline.core.crypto import (
    MAGIC,
    MAGIC_V1,
    DecryptionError,
    decrypt_bytes,
    encrypt_bytes,
    key_id_of,
    reencrypt_bytes,
)
from tipline.core.keys import data_key_create, data_keyring, forget, load_keyring
from tipline.core.rotation import blobs_census

KEY = bytes(range(32))


def sealed_v1(data: bytes, key: bytes) -> bytes:
    """A blob as Tipline wrote them before key ids (b"TLB1", one segment)."""
    prefix = secrets.token_bytes(8)
    return MAGIC_V1 + prefix + AESGCM(key).encrypt(prefix + (0).to_bytes(4, "big"), data, b"1")


def keys(*args: str) -> str:
    out = StringIO()
    call_command("keys", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def content(i: int) -> bytes:
    return f"synthetic file {i}: a pattern, never a person\n".encode() * 50


# -- the ciphertext names its key ---------------------------------------------------------


def test_a_legacy_tlb1_blob_decrypts_with_data_key_one(settings: Any) -> None:
    settings.MEDIA_KEY = base64.b64encode(KEY).decode()
    forget()
    old = sealed_v1(b"written before key ids", KEY)
    assert key_id_of(old) == 1
    assert decrypt_bytes(old) == b"written before key ids"


def test_new_ciphertexts_carry_the_current_key_id() -> None:
    first = encrypt_bytes(b"one")
    assert first.startswith(MAGIC) and key_id_of(first) == 1
    assert data_key_create() == 2
    second = encrypt_bytes(b"two")
    assert key_id_of(second) == 2
    # both decrypt: every key in the folder decrypts, the highest encrypts
    assert decrypt_bytes(first) == b"one" and decrypt_bytes(second) == b"two"
    assert data_keyring().current_id == 2


def test_an_unknown_key_id_is_a_clear_error(settings: Any) -> None:
    sealed = bytearray(encrypt_bytes(b"secret"))
    sealed[4:6] = (7).to_bytes(2, "big")
    with pytest.raises(DecryptionError, match=r"data key 7, which is not in the key folder"):
        decrypt_bytes(bytes(sealed))


def test_a_key_added_by_another_process_is_found_when_needed(settings: Any) -> None:
    """A worker that read the keys before a rotation still decrypts what is sealed under
    the new key: the unknown id makes it read the folder again."""
    data_keyring()
    other = load_keyring()  # the rotating process
    Path(settings.KEY_DIR, "data-2.key").write_bytes(base64.b64encode(KEY))
    assert other.current_id == 1
    sealed = encrypt_bytes(b"new", key=KEY, key_id=2)
    assert decrypt_bytes(sealed) == b"new"


def test_reencrypt_skips_what_is_current() -> None:
    sealed = encrypt_bytes(b"x")
    assert reencrypt_bytes(sealed) is None
    data_key_create()
    forget()
    again = reencrypt_bytes(sealed)
    assert again is not None and key_id_of(again) == 2 and decrypt_bytes(again) == b"x"


# -- rotation ------------------------------------------------------------------------------


def test_rotate_reencrypts_every_blob_and_the_old_key_can_go(db: Any, settings: Any) -> None:
    from tipline.audit.models import AuditEvent

    infos = [blob_put_bytes(content(i)) for i in range(4)]
    before = {i.sha256: blob_path(i.sha256).read_bytes() for i in infos}
    assert blobs_census() == {1: 4}

    out = keys("rotate")
    assert "created data key 2" in out and "blobs: 4 re-encrypted" in out
    assert "everything is under data key 2" in out
    assert blobs_census() == {2: 4}
    for info in infos:
        assert blob_path(info.sha256).read_bytes() != before[info.sha256]
        assert blob_read(info.sha256) == content(infos.index(info))
    assert not list(blob_root().glob(".incoming-*"))

    status = keys("status")
    assert "data key 1" in status and "data key 2" in status and "blobs: 4 under key 2" in status
    assert base64.b64encode(load_keyring().keys[2]).decode() not in status  # never the key

    keys("retire", "1")
    assert not Path(settings.KEY_DIR, "data-1.key").exists()
    assert Path(settings.KEY_DIR, "retired-data-1.key").exists()
    forget()
    assert set(load_keyring().keys) == {2}
    assert all(blob_read(i.sha256) == content(n) for n, i in enumerate(infos))

    actions = list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))
    assert actions == ["keys.created", "keys.rotated", "keys.retired"]
    rotated = AuditEvent.objects.get(action="keys.rotated")
    assert rotated.data["finished"] is True
    assert rotated.data["counts"]["blobs"]["reencrypted"] == 4


def test_retire_refuses_a_key_still_in_use(db: Any) -> None:
    blob_put_bytes(content(1))
    data_key_create()
    with pytest.raises(CommandError, match="data key 1 still seals 1 blobs"):
        keys("retire", "1")
    with pytest.raises(CommandError, match="encrypts now"):
        keys("retire", "2")


def test_an_interrupted_rotation_continues_without_another_key(db: Any) -> None:
    infos = [blob_put_bytes(content(i)) for i in range(5)]
    with pytest.raises(CommandError, match="unfinished"):
        keys("rotate", "--limit", "2")
    assert blobs_census() == {1: 3, 2: 2}
    # running again continues under key 2: no key 3
    with pytest.raises(CommandError, match="unfinished"):
        keys("rotate", "--limit", "2")
    assert blobs_census() == {1: 1, 2: 4}
    out = keys("rotate")
    assert "continuing under data key 2" in out and "blobs: 1 re-encrypted, 4 already" in out
    assert blobs_census() == {2: 5}
    assert set(load_keyring().keys) == {1, 2}
    assert all(blob_read(i.sha256) == content(n) for n, i in enumerate(infos))
    # finished: the next rotate makes a new key
    assert "created data key 3" in keys("rotate")


def test_a_damaged_blob_is_named_left_alone_and_the_rest_rotated(db: Any) -> None:
    good = [blob_put_bytes(content(i)) for i in range(3)]
    bad = blob_put_bytes(content(99))
    path = blob_path(bad.sha256)
    raw = bytearray(path.read_bytes())
    raw[-5] ^= 0xFF  # the last segment's tag: found only after the rest was decrypted
    path.write_bytes(bytes(raw))
    err = StringIO()
    with pytest.raises(CommandError, match="1 item\\(s\\) failed"):
        call_command("keys", "rotate", stdout=StringIO(), stderr=err)
    assert f"failed: {blob_name(bad.sha256)}" in err.getvalue()
    assert path.read_bytes() == bytes(raw)  # untouched: no half-written replacement
    assert blobs_census() == {1: 1, 2: 3}
    assert all(blob_read(i.sha256) == content(n) for n, i in enumerate(good))
    assert not list(blob_root().glob(".incoming-*"))


def test_rotate_runs_registered_steps(db: Any) -> None:
    """An app's encrypted data (here: intake's inline artifacts) is rotated too."""
    from tipline.core.keys import rotation_steps

    assert [s.name for s in rotation_steps()][:1] == ["blobs"]
    assert "intake artifacts" in [s.name for s in rotation_steps()]


# -- blob names ----------------------------------------------------------------------------


def test_blob_names_do_not_show_the_sha256() -> None:
    infos = [blob_put_bytes(content(i)) for i in range(3)]
    names = [p.relative_to(blob_root()).as_posix() for p in blob_root().rglob("*.tlb")]
    assert sorted(names) == sorted(blob_name(i.sha256) for i in infos)
    listing = "\n".join(str(p) for p in blob_root().rglob("*"))
    for info in infos:
        assert info.sha256 not in listing and info.sha256[:8] not in listing
        assert hashlib.sha256(content(infos.index(info))).hexdigest() not in listing


def test_another_index_key_gives_other_names(settings: Any) -> None:
    sha256 = hashlib.sha256(b"x").hexdigest()
    first = blob_name(sha256)
    settings.INDEX_KEY = base64.b64encode(KEY).decode()
    forget()
    assert blob_name(sha256) != first


def put_legacy(data: bytes) -> str:
    """A blob as stores before keyed names kept it: under its plain SHA-256."""
    sha256 = hashlib.sha256(data).hexdigest()
    path = blob_root() / legacy_name(sha256)
    path.parent.mkdir(parents=True)
    path.write_bytes(encrypt_bytes(data))
    return sha256


def test_a_legacy_store_is_read_then_renamed_resumably(db: Any) -> None:
    legacy = [put_legacy(content(i)) for i in range(4)]
    # held under the legacy name: still read
    assert blob_read(legacy[0]) == content(0)
    status = keys("status")
    assert "plain SHA-256: 4" in status
    # the same content stored again under its keyed name (or a rename stopped between its
    # copy and its delete): the legacy copy is dropped
    blob_put_bytes(content(3))
    first = keys("rename-blobs", "--limit", "2")
    assert "stopped at --limit" in first
    second = keys("rename-blobs")
    assert "no blob is named by its plain SHA-256" in second
    runs = re.findall(r"renamed (\d+) blob.*?dropped (\d+)", first + second)
    counts = [sum(int(run[i]) for run in runs) for i in (0, 1)]
    assert counts == [3, 1]
    listing = "\n".join(str(p) for p in blob_root().rglob("*"))
    assert not any(sha[:8] in listing for sha in legacy)
    assert all(blob_read(s) == content(n) for n, s in enumerate(legacy))
    assert "plain SHA-256" not in keys("status")


def test_the_sweep_keeps_referenced_blobs_by_keyed_and_legacy_name(db: Any) -> None:
    from tipline.core import sweep

    kept = blob_put_bytes(content(1)).sha256
    old = put_legacy(content(2))
    orphan = blob_put_bytes(content(3)).sha256

    def refs() -> list[str]:
        return [kept, old]

    sweep.blob_refs_register(refs)
    try:
        found = sweep.blobs_leftover(min_age=-10)
    finally:
        sweep._REFS.remove(refs)
    assert found.blobs == [blob_name(orphan)]
    assert blob_backend().exists(legacy_name(old))
