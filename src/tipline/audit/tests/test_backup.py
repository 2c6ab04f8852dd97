"""`tipline backup` and `tipline restore` as an operator runs them, on the demo's data.

A small demo (import, scan, routing, cases, packets) is loaded into one installation, its
trail checkpointed and the whole backed up; it is restored into a second, empty one, and the
rows of every table, every blob's bytes and the audit trail must match. The database is the
suite's: SQLite files, or two PostgreSQL databases when DATABASE_URL is PostgreSQL. The keys
and the audit signing key live outside both data folders, as in production.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

BIN = Path(sys.executable).parent / "tipline"
PASSPHRASE = "correct horse battery staple"
PG = (os.environ.get("DATABASE_URL") or "").startswith(("postgres://", "postgresql://"))


@dataclass
class Site:
    """One installation: its data folder, its database URL (PostgreSQL) and its key folder."""

    home: Path
    keys: Path
    database: str = ""

    def env(self, signing_key: Path) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TIPLINE_")}
        env.pop("DATABASE_URL", None)
        env.pop("DJANGO_SETTINGS_MODULE", None)
        env.update(TIPLINE_HOME=str(self.home), TIPLINE_KEY_DIR=str(self.keys),
                   TIPLINE_AUDIT_SIGNING_KEY=str(signing_key))
        if self.database:
            env["DATABASE_URL"] = _pg_url(self.database)
        return env

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        if self.database:
            import psycopg

            with psycopg.connect(_pg_url(self.database)) as db:
                return list(db.execute(sql).fetchall())  # type: ignore[arg-type]
        with sqlite3.connect(self.home / "tipline.sqlite3") as db:
            return db.execute(sql).fetchall()

    def counts(self) -> dict[str, int]:
        """Rows in every table."""
        if self.database:
            tables = [t for (t,) in self.query(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        else:
            tables = [t for (t,) in self.query(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                "'sqlite_%'")]
        # the names come from the database's own catalogue
        return {t: self.query(f'SELECT count(*) FROM "{t}"')[0][0]  # noqa: S608
                for t in sorted(tables)}

    def blobs(self) -> dict[str, str]:
        """Every stored blob's name and the SHA-256 of its (encrypted) bytes."""
        root = self.home / "blobs"
        return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(root.glob("??/??/*.tlb"))}

    def state(self) -> tuple[dict[str, int], dict[str, str], str]:
        """What a refused restore must leave exactly as it was."""
        db = self.home / "tipline.sqlite3"
        digest = "" if self.database else hashlib.sha256(db.read_bytes()).hexdigest()
        return self.counts(), self.blobs(), digest


def _pg_url(name: str) -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{name}"))


def _pg_recreate(name: str) -> None:
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]
        db.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]


def _pg_drop(name: str) -> None:
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]


@dataclass
class Made:
    source: Site
    archive: Path
    passphrase: Path
    signing_key: Path
    checkpoint: Path
    output: str

    def run(self, site: Site, *args: str) -> subprocess.CompletedProcess[str]:
        argv = [str(BIN)] if BIN.exists() else [sys.executable, "-m", "tipline.cli"]
        return subprocess.run([*argv, *args], env=site.env(self.signing_key),  # noqa: S603
                              capture_output=True, text=True, timeout=900, check=False,
                              stdin=subprocess.DEVNULL)

    def site(self, name: str) -> Site:
        base = self.archive.parent
        prefix = os.environ.get("TIPLINE_TEST_DB_NAME", "test_tipline")
        site = Site(base / name, base / "keys", f"{prefix}_{name}" if PG else "")
        if PG:
            _pg_recreate(site.database)
        return site


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Made]:
    base = tmp_path_factory.mktemp("backup")
    prefix = os.environ.get("TIPLINE_TEST_DB_NAME", "test_tipline")
    source = Site(base / "source", base / "keys", f"{prefix}_source" if PG else "")
    if PG:
        _pg_recreate(source.database)
    passphrase = base / "passphrase"
    passphrase.write_text(PASSPHRASE + "\n")
    made = Made(source, base / "site.tlbackup", passphrase, base / "audit-signing.key",
                Path(), "")
    done = made.run(source, "demo", "--reports", "30", "--seed", "3", "--quiet")
    assert done.returncode == 0, done.stderr
    done = made.run(source, "audit", "checkpoint")
    assert done.returncode == 0, done.stderr
    (made.checkpoint,) = (source.home / "checkpoints").iterdir()
    done = made.run(source, "backup", "--out", str(made.archive),
                    "--passphrase-file", str(passphrase))
    assert done.returncode == 0, done.stderr
    made.output = done.stdout + done.stderr
    yield made
    if PG:
        for name in ("source", "restored", "fresh", "keyless"):
            _pg_drop(f"{prefix}_{name}")


@pytest.fixture(scope="module")
def restored(made: Made) -> tuple[Site, subprocess.CompletedProcess[str]]:
    site = made.site("restored")
    return site, made.run(site, "restore", str(made.archive),
                          "--passphrase-file", str(made.passphrase), "--verify-blobs")


def test_backup_prints_size_and_sha256_and_says_where_the_keys_are(made: Made) -> None:
    raw = made.archive.read_bytes()
    assert f"size: {len(raw):,} bytes" in made.output
    assert f"sha256: {hashlib.sha256(raw).hexdigest()}" in made.output
    assert "KEYS NOT INCLUDED" in made.output and str(made.source.keys) in made.output
    assert made.archive.stat().st_mode & 0o777 == 0o600
    assert not list(made.archive.parent.glob(".*partial*"))
    # nothing in the clear: not the database's own header, nor a reporter's e-mail domain
    assert b"SQLite format 3" not in raw and b"PGDMP" not in raw
    assert b"example.com" not in raw


def test_restore_brings_back_every_row_blob_and_the_audit_trail(
    made: Made, restored: tuple[Site, subprocess.CompletedProcess[str]],
) -> None:
    site, done = restored
    assert done.returncode == 0, done.stderr
    assert "restore verified" in done.stdout
    assert "the trail extends the checkpoint" in done.stdout
    source_counts = made.source.counts()
    assert source_counts["intake_report"] >= 30 and source_counts["cases_case"] > 0
    assert source_counts["dispatch_packet"] > 0
    assert site.counts() == source_counts
    blobs = made.source.blobs()
    assert len(blobs) > 30
    assert site.blobs() == blobs
    head = "SELECT seq, hash FROM audit_chainhead"
    assert site.query(head) == made.source.query(head)
    # the auditor's own copy of the checkpoint, checked by the audit command
    verify = made.run(site, "audit", "verify", "--checkpoint", str(made.checkpoint))
    assert verify.returncode == 0, verify.stderr
    events = made.source.query("SELECT count(*) FROM audit_auditevent")[0][0]
    assert f"audit chain intact: {events} events" in verify.stdout
    if not PG:
        assert (site.home / "tipline.sqlite3").stat().st_mode & 0o777 == 0o600


def test_restore_refuses_data_already_there_without_force(
    made: Made, restored: tuple[Site, subprocess.CompletedProcess[str]],
) -> None:
    site, _ = restored
    before = site.state()
    done = made.run(site, "restore", str(made.archive), "--passphrase-file",
                    str(made.passphrase))
    assert done.returncode == 1
    assert "the database is not empty" in done.stderr and "--force" in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert site.state() == before


def test_a_wrong_passphrase_changes_nothing_even_with_force(
    made: Made, restored: tuple[Site, subprocess.CompletedProcess[str]], tmp_path: Path,
) -> None:
    site, _ = restored
    wrong = tmp_path / "wrong"
    wrong.write_text("correct horse battery stapler\n")
    before = site.state()
    done = made.run(site, "restore", str(made.archive), "--passphrase-file", str(wrong),
                    "--force")
    assert done.returncode == 1
    assert "wrong passphrase" in done.stderr and "Traceback" not in done.stderr
    assert site.state() == before


def test_a_truncated_archive_changes_nothing(
    made: Made, restored: tuple[Site, subprocess.CompletedProcess[str]], tmp_path: Path,
) -> None:
    site, _ = restored
    cut = tmp_path / "cut.tlbackup"
    raw = made.archive.read_bytes()
    cut.write_bytes(raw[: len(raw) * 2 // 3])
    before = site.state()
    done = made.run(site, "restore", str(cut), "--passphrase-file", str(made.passphrase),
                    "--force")
    assert done.returncode == 1
    assert "damaged or truncated" in done.stderr and "Traceback" not in done.stderr
    assert site.state() == before
    assert not list(site.home.glob(".restore-*"))


def test_restore_with_force_replaces_what_is_there(
    made: Made, restored: tuple[Site, subprocess.CompletedProcess[str]],
) -> None:
    site, _ = restored
    if site.database:
        import psycopg

        with psycopg.connect(_pg_url(site.database)) as db:
            db.execute("DELETE FROM dispatch_packetreport")
    else:
        with sqlite3.connect(site.home / "tipline.sqlite3") as db:
            db.execute("DELETE FROM dispatch_packetreport")
    first = sorted((site.home / "blobs").glob("??/??/*.tlb"))[0]
    first.unlink()
    assert site.counts() != made.source.counts() and site.blobs() != made.source.blobs()
    done = made.run(site, "restore", str(made.archive), "--passphrase-file",
                    str(made.passphrase), "--force")
    assert done.returncode == 0, done.stderr
    assert site.counts() == made.source.counts()
    assert site.blobs() == made.source.blobs()


def test_keys_come_with_the_archive_only_when_asked(made: Made, tmp_path: Path) -> None:
    keyless = made.site("keyless")
    keyless.keys = tmp_path / "new-keys"
    done = made.run(keyless, "restore", str(made.archive), "--passphrase-file",
                    str(made.passphrase))
    assert done.returncode == 1
    assert "the keys this backup needs are not in" in done.stderr
    assert not keyless.keys.exists()  # no key made up in their place
    with_keys = tmp_path / "with-keys.tlbackup"
    done = made.run(made.source, "backup", "--out", str(with_keys), "--include-keys",
                    "--passphrase-file", str(made.passphrase))
    assert done.returncode == 0, done.stderr
    assert "data keys are inside this archive" in done.stderr
    done = made.run(keyless, "restore", str(with_keys), "--passphrase-file",
                    str(made.passphrase))
    assert done.returncode == 0, done.stderr
    assert (keyless.keys / "data-1.key").read_bytes() == (made.source.keys /
                                                          "data-1.key").read_bytes()
    assert (keyless.keys / "data-1.key").stat().st_mode & 0o777 == 0o600
    assert keyless.blobs() == made.source.blobs()
