"""The data folder is private (0700 folders, 0600 files), and `tipline doctor` says so."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from tipline.core.blobs import blob_put_bytes
from tipline.core.modes import UMASK, modes_fix, modes_unsafe

SRC = Path(__file__).resolve().parents[3]


def modes(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)) or ".": f"{stat.S_IMODE(p.lstat().st_mode):04o}"
            for p in [root, *root.rglob("*")]}


def test_a_fresh_home_is_private_after_blobs_and_the_database(tmp_path: Path) -> None:
    """A real `tipline` process on a new data folder: it creates the SQLite database (WAL),
    its keys and a blob; every folder is 0700, every file 0600, whatever the caller's umask."""
    home = tmp_path / "fresh"
    script = ("from tipline.cli import main; main(['tipline', 'shell', '-c', "
              "'from tipline.core.blobs import blob_put_bytes; blob_put_bytes(b\"x\" * 999)'])")
    env = {**os.environ, "TIPLINE_HOME": str(home), "PYTHONPATH": str(SRC),
           "DJANGO_SETTINGS_MODULE": "tipline.settings"}
    env.pop("DATABASE_URL", None)
    old = os.umask(0o022)  # a usual, permissive login umask
    try:
        subprocess.run([sys.executable, "-c", script], env=env, check=True, timeout=300,  # noqa: S603
                       capture_output=True)
        # the database is still in WAL mode with its -wal/-shm files while a client is open
        db = sqlite3.connect(home / "tipline.sqlite3")
        db.execute("select count(*) from django_migrations").fetchone()
        found = modes(home)
        db.close()
    finally:
        os.umask(old)
    assert {"tipline.sqlite3", "tipline.sqlite3-wal", "tipline.sqlite3-shm", "keys/data-1.key",
            "keys/index.key", "secret_key"} <= set(found)
    assert any(name.endswith(".tlb") for name in found)
    assert {n: m for n, m in found.items() if (home / n).is_dir() and m != "0700"} == {}
    assert {n: m for n, m in found.items() if (home / n).is_file() and m != "0600"} == {}


def test_this_process_creates_private_files(tmp_path: Path) -> None:
    current = os.umask(0)
    os.umask(current)
    assert current == UMASK  # set when the settings were read
    blob_put_bytes(b"a file")
    from django.conf import settings

    assert modes_unsafe([Path(settings.TIPLINE_HOME), Path(settings.KEY_DIR)]) == []


#: the checks of files and keys (the deployment's settings are tests/test_doctor.py's)
FILES = ("--check", "file modes", "--check", "key places", "--check", "blob names")


def doctor(*args: str) -> str:
    out = StringIO()
    call_command("doctor", *FILES, *args, stdout=out)
    return out.getvalue()


def test_doctor_names_unsafe_modes_and_fixes_them(db: Any, settings: Any) -> None:
    home = Path(settings.TIPLINE_HOME)
    blob_put_bytes(b"a file")
    loose = home / "export.xlsx"
    loose.write_bytes(b"x")
    loose.chmod(0o644)
    home.chmod(0o755)
    out = StringIO()
    with pytest.raises(CommandError, match="2 unsafe"):
        call_command("doctor", *FILES, stdout=out)
    assert f"{loose}: file mode 0644, should be 0600" in out.getvalue()
    assert f"{home}: folder mode 0755, should be 0700" in out.getvalue()
    fixed = doctor("--fix")
    assert "made private" in fixed
    assert "ok: file modes" in doctor()
    assert stat.S_IMODE(loose.stat().st_mode) == 0o600


def test_start_fixes_the_first_level(db: Any, settings: Any) -> None:
    from tipline.core.bootstrap import ensure_ready

    home = Path(settings.TIPLINE_HOME)
    home.chmod(0o755)
    (home / "secret_key").write_text("x")
    (home / "secret_key").chmod(0o644)
    ensure_ready()
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    assert stat.S_IMODE((home / "secret_key").stat().st_mode) == 0o600


def test_doctor_warns_when_keys_sit_in_the_data_folder(db: Any, settings: Any) -> None:
    settings.KEY_DIR = Path(settings.TIPLINE_HOME) / "keys"
    from tipline.core.keys import forget

    forget()
    blob_put_bytes(b"a file")
    signing = Path(settings.TIPLINE_HOME) / "signing.key"
    signing.write_text("k")
    settings.AUDIT_SIGNING_KEY_PATH = signing
    out = StringIO()
    with pytest.raises(CommandError, match="unsafe"):
        call_command("doctor", *FILES, stdout=out)
    text = out.getvalue()
    assert f"WARNING: the key folder {settings.KEY_DIR} is inside the data folder" in text
    assert f"WARNING: the audit signing key {signing} is inside the data folder" in text


def test_keys_kept_apart_and_private_pass(db: Any, settings: Any) -> None:
    blob_put_bytes(b"a file")
    text = doctor()
    assert "ok: file modes" in text and "ok: key places" in text and "ok: blob names" in text


def test_a_readable_key_outside_the_data_folder_is_named(db: Any, settings: Any) -> None:
    blob_put_bytes(b"a file")
    key = Path(settings.KEY_DIR) / "data-1.key"
    key.chmod(0o644)
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("doctor", *FILES, stdout=out)
    assert f"{key}: file mode 0644" in out.getvalue()
    assert modes_fix([Path(settings.KEY_DIR)]) and modes_unsafe([Path(settings.KEY_DIR)]) == []


def test_doctor_renames_legacy_blob_names(db: Any, settings: Any) -> None:
    import hashlib

    from tipline.core.blobs import blob_read, blob_root
    from tipline.core.blobstores import legacy_name
    from tipline.core.crypto import encrypt_bytes

    sha256 = hashlib.sha256(b"old").hexdigest()
    path = blob_root() / legacy_name(sha256)
    path.parent.mkdir(parents=True)
    path.write_bytes(encrypt_bytes(b"old"))
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("doctor", *FILES, stdout=out)
    assert "1 blob(s) are named by their plain SHA-256" in out.getvalue()
    assert "renamed 1 blob(s)" in doctor("--fix")
    assert not path.exists() and blob_read(sha256) == b"old"
