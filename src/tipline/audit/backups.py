"""Backing up an installation into one encrypted archive, and restoring it with proof.

Lives in the audit app because a restore is only done once the audit trail is shown intact
(its chain, and every signed checkpoint) against what the backup said it held.

What a backup holds, in order (core/archive.py's members):
- `database.sqlite3` or `database.pgdump`: the database, from one read snapshot
  (core/dbsnapshot.py); counts per table, the blobs referred to and the audit head are read
  inside the same snapshot, so the manifest describes exactly the dump;
- `blobs/<name>`: every blob in the store, as stored (encrypted under the data keys), listed
  after the snapshot: a blob is written before the row naming it commits, and never changed,
  so every blob the dump refers to is in the store by then (later ones may come too);
- `checkpoints/<file>`: the signed audit checkpoints in AUDIT_CHECKPOINT_DIR;
- `keys/<file>`: the data and index keys, only with `include_keys`;
- `manifest.json`: what the archive holds, last.
"""

from __future__ import annotations

import base64
import contextlib
import importlib.metadata
import json
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection

from tipline.audit import signing
from tipline.audit.models import AuditEvent, ChainHead
from tipline.audit.selectors import audit_chain_verify, checkpoint_file_check, checkpoint_trust
from tipline.audit.services import GENESIS
from tipline.core import keys
from tipline.core.archive import (
    ArchiveError,
    ArchiveWriter,
    Secret,
    archive_check_secret,
    archive_members,
    file_chunks,
)
from tipline.core.blobs import blob_open
from tipline.core.blobstores import (
    INCOMING,
    BlobBackend,
    LocalBackend,
    blob_backend,
    blob_name,
    blobs_copy,
)
from tipline.core.crypto import DecryptionError
from tipline.core.dbsnapshot import (
    database_restore,
    database_vendor,
    dump_check,
    dump_name,
    snapshot_open,
)
from tipline.core.errors import TiplineError
from tipline.core.sweep import blobs_referenced

FORMAT = "tipline-backup/1"
_KEY_FILE = re.compile(r"(data-[1-9][0-9]{0,5}|index)\.key")
_SAFE_NAME = re.compile(r"[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*")


class BackupError(TiplineError):
    """A backup or restore that can't go ahead: one line saying why."""


def _version() -> str:
    try:
        return importlib.metadata.version("tipline")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def backup_secret(*, key_file: Path | None, passphrase_file: Path | None, new: bool) -> Secret:
    """What encrypts (`new`) or opens an archive: a key file, a passphrase file, or
    TIPLINE_BACKUP_PASSPHRASE, in that order."""
    if key_file is not None:
        if passphrase_file is not None:
            raise BackupError("give --key-file or --passphrase-file, not both")
        return Secret.from_key_file(key_file)
    if passphrase_file is not None:
        try:
            text = passphrase_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise BackupError(f"can't read the passphrase file {passphrase_file}: {exc}") from None
        return Secret.from_passphrase(text, new=new)
    if settings.BACKUP_PASSPHRASE:
        return Secret.from_passphrase(settings.BACKUP_PASSPHRASE, new=new)
    raise BackupError("a backup is always encrypted: give --passphrase-file FILE or --key-file "
                      "FILE, or set TIPLINE_BACKUP_PASSPHRASE")


def keys_present() -> dict[str, bytes]:
    """The data and index keys this machine holds, by file name, without creating any (a
    keyring read on an empty key folder would make a new data key)."""
    folder = keys.key_dir()
    names = {p.name for p in folder.iterdir()} if folder.is_dir() else set()
    found: dict[str, bytes] = {}
    if (any(_KEY_FILE.fullmatch(n) and n != "index.key" for n in names)
            or settings.MEDIA_KEY or Path(settings.MEDIA_KEY_PATH).exists()):
        found.update({f"data-{n}.key": k for n, k in keys.load_keyring().keys.items()})
    if settings.INDEX_KEY or "index.key" in names:
        found["index.key"] = keys.load_index_key()
    return found


def _counts() -> dict[str, int]:
    """Rows per table, every model's (the base manager: no default filter hides rows)."""
    counts: dict[str, int] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.managed and not meta.proxy and meta.db_table not in counts:
            counts[meta.db_table] = model._base_manager.count()
    return dict(sorted(counts.items()))


def _audit_state() -> dict[str, Any]:
    head = ChainHead.objects.filter(id=1).first()
    return {"events": AuditEvent.objects.count(), "head_seq": head.seq if head else 0,
            "head_hash": head.hash if head else GENESIS}


class _ArchiveBlobs(BlobBackend):
    """The archive as the target of `blobs_copy`: every blob copied goes in as a member."""

    scheme = "archive"

    def __init__(self, writer: ArchiveWriter) -> None:
        self.writer = writer
        self.names: set[str] = set()

    def describe(self) -> str:
        return "the backup archive"

    def exists(self, name: str) -> bool:
        return name in self.names

    def put(self, name: str, chunks: Iterable[bytes]) -> None:
        self.writer.add(f"blobs/{name}", chunks)
        self.names.add(name)


@dataclass
class BackupDone:
    """A backup written: where, its size and SHA-256, and its manifest."""

    path: Path
    size: int
    sha256: str
    manifest: dict[str, Any]


def _out_path(out: Path) -> Path:
    if out.is_dir():
        out = out / f"tipline-{datetime.now(UTC):%Y%m%d-%H%M%S}.tlbackup"
    if out.exists():
        raise BackupError(f"{out} exists already; not overwriting it")
    if not out.parent.is_dir():
        raise BackupError(f"no folder {out.parent} to write the backup into")
    return out


@contextlib.contextmanager
def _workdir(prefix: str) -> Iterator[Path]:
    """A private folder in the data folder (mode 0700) for what is not yet in place: the
    plaintext database is no more exposed there than where it lives."""
    home = Path(settings.TIPLINE_HOME)
    home.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=home, prefix=prefix))
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


def backup_create(*, out: Path, secret: Secret, include_keys: bool) -> BackupDone:
    """Write the whole installation into one encrypted archive at `out` (a file, or a
    folder to name one in). Written under a temporary name and renamed once complete."""
    vendor = database_vendor()
    out = _out_path(out)
    partial = out.parent / f".{out.name}.partial-{secrets.token_hex(4)}"
    held = keys_present()
    try:
        with _workdir(".backup-") as work:
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as fh:
                writer = ArchiveWriter(fh, secret)
                manifest = _write_members(writer, work=work, vendor=vendor, held=held,
                                          include_keys=include_keys)
                writer.close()
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(partial, out)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(partial)
        if isinstance(exc, OSError):  # a full disk, a folder that can't be written...
            raise BackupError(f"the backup failed, nothing was written: {exc.strerror or exc}"
                              f" ({exc.filename or out})") from None
        raise
    return BackupDone(out, writer.size, writer.sha256.hexdigest(), manifest)


def _write_members(writer: ArchiveWriter, *, work: Path, vendor: str, held: dict[str, bytes],
                   include_keys: bool) -> dict[str, Any]:
    dump = work / dump_name(vendor)
    with snapshot_open(dump):
        counts = _counts()
        referenced = {blob_name(sha) for sha in blobs_referenced()}
        audit = _audit_state()
    writer.add(dump.name, file_chunks(dump))
    dump.unlink()
    target = _ArchiveBlobs(writer)
    copied = blobs_copy(source=blob_backend(), target=target)
    missing = sorted(referenced - target.names)
    checkpoints = []
    folder = Path(settings.AUDIT_CHECKPOINT_DIR)
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.is_file() and _SAFE_NAME.fullmatch(path.name):
                writer.add(f"checkpoints/{path.name}", file_chunks(path))
                checkpoints.append(path.name)
    if include_keys:
        for name, key in sorted(held.items()):
            writer.add(f"keys/{name}", [base64.b64encode(key) + b"\n"])
    manifest = {
        "format": FORMAT, "tipline_version": _version(),
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": {"vendor": vendor, "member": dump.name}, "counts": counts,
        "blobs": {"count": copied.copied, "bytes": copied.size, "referenced": len(referenced),
                  "missing": missing[:100], "missing_count": len(missing)},
        "audit": audit, "checkpoints": checkpoints,
        "keys": {"included": include_keys,
                 "fingerprints": {name: keys.fingerprint(key)
                                  for name, key in sorted(held.items())}},
    }
    writer.add("manifest.json", [json.dumps(manifest, indent=1).encode()])
    return manifest


# --- restore ---------------------------------------------------------------------------------


def data_held() -> str:
    """What the database and blob store already hold that a restore would replace ("": none;
    a freshly set-up database, with only its reference data, counts as empty)."""
    found: list[str] = []
    tables = set(connection.introspection.table_names())
    if AuditEvent._meta.db_table in tables and (events := AuditEvent.objects.count()):
        found.append(f"{events:,} audit event(s)")
    user_model = get_user_model()
    if user_model._meta.db_table in tables and (users := user_model.objects.count()):
        found.append(f"{users:,} user(s)")
    held = ""
    if found:
        held = f"the database is not empty ({' and '.join(found)})"
    store = blob_backend()
    if any(not entry.name.startswith(INCOMING) for entry in store.entries()):
        held += (" and " if held else "") + f"the blob store {store.describe()} holds blobs"
    return held


@dataclass
class _Unpacked:
    manifest: dict[str, Any] = field(default_factory=dict)
    dump: Path | None = None
    blobs: int = 0
    keys: dict[str, bytes] = field(default_factory=dict)
    checkpoints: dict[str, bytes] = field(default_factory=dict)


def _unpack(path: Path, secret: Secret, work: Path) -> _Unpacked:
    """Decrypt every member into `work`; raises ArchiveError on any damage."""
    found = _Unpacked()
    blob_dir = work / "blobs"
    for name, chunks in archive_members(path, secret):
        if not _SAFE_NAME.fullmatch(name) or ".." in name.split("/"):
            raise ArchiveError(f"the archive holds a member with an unsafe name: {name!r}")
        kind, _, rest = name.partition("/")
        if name == "manifest.json":
            found.manifest = json.loads(b"".join(chunks))
        elif name in {dump_name("sqlite"), dump_name("postgresql")}:
            found.dump = work / name
            _write(found.dump, chunks)
        elif kind == "blobs" and rest:
            _write(blob_dir / rest, chunks)
            found.blobs += 1
        elif kind == "keys" and _KEY_FILE.fullmatch(rest):
            found.keys[rest] = base64.b64decode(b"".join(chunks).strip())
        elif kind == "checkpoints" and rest and "/" not in rest:
            found.checkpoints[rest] = b"".join(chunks)
        else:
            raise ArchiveError(f"the archive holds an unknown member {name!r}")
    if found.manifest.get("format") != FORMAT or found.dump is None:
        raise ArchiveError("the archive is not a complete Tipline backup (no manifest or "
                           "no database)")
    return found


def _write(path: Path, chunks: Iterable[bytes]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        for chunk in chunks:
            fh.write(chunk)


def _keys_plan(manifest: dict[str, Any], archived: dict[str, bytes]) -> dict[str, bytes]:
    """The keys to write into the key folder; raises BackupError when a key the backup
    needs is neither here nor in the archive, or differs from the one here."""
    needed: dict[str, str] = manifest["keys"]["fingerprints"]
    here = {name: keys.fingerprint(key) for name, key in keys_present().items()}
    to_write: dict[str, bytes] = {}
    missing: list[str] = []
    for name, fingerprint in needed.items():
        if name in here:
            if here[name] != fingerprint:
                raise BackupError(f"{keys.key_dir() / name} is not the key this backup was made "
                                  "with: restore into another key folder (TIPLINE_KEY_DIR)")
        elif name in archived and keys.fingerprint(archived[name]) == fingerprint:
            to_write[name] = archived[name]
        else:
            missing.append(name)
    if missing:
        raise BackupError(f"the keys this backup needs are not in {keys.key_dir()}: "
                          f"{', '.join(missing)}; copy them there from your key backup (or use "
                          "an archive made with --include-keys)")
    return to_write


@dataclass
class Restored:
    """What a restore put in place, and what its checks found (`problems` empty: all good)."""

    manifest: dict[str, Any]
    blobs_copied: int = 0
    keys_written: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def backup_restore(
    *, path: Path, secret: Secret, force: bool, checkpoints: list[Path],
    verify_blobs: bool, key_path: Path, pinned: str, key_explicit: bool = False,
    progress: Callable[[str], None] = lambda line: None,
) -> Restored:
    """Put a backup in place of this installation's data, then check it.

    Nothing is changed until the whole archive has been decrypted and checked in a private
    folder: a wrong secret or a damaged archive leaves the installation as it was. A
    non-empty database or blob store is replaced only with `force`.
    """
    vendor = database_vendor()
    archive_check_secret(path, secret)
    if not force and (held := data_held()):
        raise BackupError(f"{held}; a restore would replace it: add --force")
    with _workdir(".restore-") as work:
        progress("decrypting and checking the archive")
        try:
            unpacked = _unpack(path, secret, work)
        except OSError as exc:
            raise BackupError(f"can't unpack the archive, nothing was changed: "
                              f"{exc.strerror or exc} ({exc.filename or work})") from None
        manifest = unpacked.manifest
        if manifest["database"]["vendor"] != vendor:
            raise BackupError(f"this backup holds a {manifest['database']['vendor']} database; "
                              f"this installation runs on {vendor}")
        assert unpacked.dump is not None
        dump_check(unpacked.dump, vendor=vendor)
        to_write = _keys_plan(manifest, unpacked.keys)
        done = Restored(manifest)
        progress("putting the data in place")
        for name, key in sorted(to_write.items()):
            target = keys.key_dir() / name
            keys.key_dir().mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(base64.b64encode(key) + b"\n")
            done.keys_written.append(str(target))
        keys.forget()
        database_restore(unpacked.dump)
        if unpacked.blobs:
            done.blobs_copied = blobs_copy(source=LocalBackend(work / "blobs"),
                                           target=blob_backend()).copied
        folder = Path(settings.AUDIT_CHECKPOINT_DIR)
        for name, body in unpacked.checkpoints.items():
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            if not (folder / name).exists():
                _write(folder / name, [body])
    from tipline.core.bootstrap import ensure_ready

    ensure_ready()  # a backup from an older release: bring its schema up to this one
    progress("checking what was restored")
    _verify(done, checkpoints=checkpoints, verify_blobs=verify_blobs, key_path=key_path,
            pinned=pinned, key_explicit=key_explicit)
    return done


def _verify(done: Restored, *, checkpoints: list[Path], verify_blobs: bool, key_path: Path,
            pinned: str, key_explicit: bool) -> None:
    manifest = done.manifest
    chain = audit_chain_verify()
    if chain.ok:
        done.lines.append(f"audit chain intact: {chain.checked:,} events")
    else:
        done.problems.append(f"audit chain broken at event #{chain.first_broken_seq}: "
                             f"{chain.reason}")
    audit = _audit_state()
    if (audit["head_seq"], audit["head_hash"]) != (manifest["audit"]["head_seq"],
                                                  manifest["audit"]["head_hash"]):
        done.problems.append(f"audit head is #{audit['head_seq']}, the backup's was "
                             f"#{manifest['audit']['head_seq']}")
    folder = Path(settings.AUDIT_CHECKPOINT_DIR)
    files = sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []
    files += checkpoints
    if files:
        try:
            trusted = checkpoint_trust(key_path=key_path, explicit=key_explicit,
                                       pinned=pinned)
        except (signing.SigningKeyError, ValueError) as exc:
            trusted = None
            done.problems.append(f"can't read the audit key {key_path}: {exc}")
        for path in files:
            ok, line = checkpoint_file_check(path, trusted=trusted, pinned=pinned)
            (done.lines if ok else done.problems).append(line)
    counts = _counts()
    differ = [f"{table} {counts.get(table, 0):,} (backup {n:,})"
              for table, n in manifest["counts"].items() if counts.get(table, 0) != n]
    if differ:
        done.problems.append(f"row counts differ from the backup's: {'; '.join(differ[:10])}")
    else:
        done.lines.append(f"row counts match the backup in all {len(manifest['counts'])} "
                          "tables")
    _verify_blobs(done, full=verify_blobs)


def _verify_blobs(done: Restored, *, full: bool) -> None:
    """Every blob the database refers to is in the store and decrypts: its first segment
    (its header and first megabyte), or all of it with `full`."""
    missing: list[str] = []
    broken: list[str] = []
    referenced = sorted(blobs_referenced())
    for sha256 in referenced:
        try:
            stream = blob_open(sha256)
            if full:
                for _ in stream:
                    pass
            else:
                next(stream, b"")
        except FileNotFoundError:
            missing.append(sha256)
        except (DecryptionError, keys.KeyError_):
            broken.append(sha256)
    how = "decrypt" if full else "open (first segment decrypted)"
    if missing:
        done.problems.append(f"{len(missing):,} blob(s) the database refers to are missing, "
                             f"e.g. {missing[0]}")
    if broken:
        done.problems.append(f"{len(broken):,} blob(s) fail to decrypt, e.g. {broken[0]}")
    if not missing and not broken:
        done.lines.append(f"all {len(referenced):,} blobs the database refers to are present "
                          f"and {how}")
