"""Where encrypted blobs are kept: a small interface, a registry, the local disk and S3.

`core/blobs.py` hashes and encrypts; a `BlobBackend` only stores, lists and returns the
encrypted bytes, under names relative to the store: `ab/cd/<name>.tlb` for a blob, where
<name> is a keyed hash of its SHA-256 (`blob_name`), and `.incoming-*` for one being written
whose name is not yet known. Stores written before keyed names hold `ab/cd/<sha256>.tlb`
(`legacy_name`): they are still read, and `tipline keys rename-blobs` renames them.
`TIPLINE_BLOB_URL` picks the backend by its scheme: empty (the default) is the local disk
under TIPLINE_HOME/blobs, `s3://bucket/prefix` an S3-compatible object store (AWS, MinIO,
Ceph...) reached through django-storages and boto3. Both keep the same names, so
`tipline blobs backup` copies one into a folder the other can read.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

from django.conf import settings

from tipline.core.errors import StorageError

_KEY = re.compile(r"[0-9a-f]{64}")
_BLOB_NAME = re.compile(r"[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{32}\.tlb")
_LEGACY_NAME = re.compile(r"[0-9a-f]{2}/[0-9a-f]{2}/([0-9a-f]{64})\.tlb")
INCOMING = ".incoming-"
READ_CHUNK = 1024 * 1024


def _checked(sha256: str) -> str:
    if not _KEY.fullmatch(sha256):
        raise ValueError("blob key must be a lower-case SHA-256 hex digest")
    return sha256


def blob_name(sha256: str) -> str:
    """A blob's name inside any store: `blind_index(sha256, purpose="blob")` (128 bits of
    HMAC-SHA256 under the index key), in two levels of folders by its first hex digits.

    Without the index key nobody can tell from the names whether a known file is held; with
    it the name is still computed from the SHA-256 the database keeps, so the store needs no
    table of its own. 128 bits keep names unique among any number of blobs a hub will hold
    (a collision is as likely as guessing a random AES-128 key), and their length tells them
    from the 64-digit legacy names."""
    from tipline.core.keys import blind_index

    mac = blind_index(_checked(sha256), purpose="blob")
    return f"{mac[:2]}/{mac[2:4]}/{mac}.tlb"


def legacy_name(sha256: str) -> str:
    """Where stores written before keyed names keep a blob: under its plain SHA-256."""
    sha256 = _checked(sha256)
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}.tlb"


def is_blob_name(name: str) -> bool:
    """A stored blob's name (keyed or legacy), not a half-written `.incoming-*` object."""
    return bool(_BLOB_NAME.fullmatch(name) or _LEGACY_NAME.fullmatch(name))


def name_sha256(name: str) -> str | None:
    """The SHA-256 a legacy name shows (None: a keyed name, which hides it, or no blob's)."""
    found = _LEGACY_NAME.fullmatch(name)
    return found.group(1) if found else None


@dataclass(frozen=True)
class Entry:
    """One stored object: its name in the store, when it was last written and its size."""

    name: str
    mtime: float
    size: int


class BlobBackend:
    """A place that keeps encrypted blobs; subclasses register under a URL scheme."""

    scheme: ClassVar[str]

    def describe(self) -> str:
        """Where the store is, for messages."""
        raise NotImplementedError

    def touch(self, name: str) -> bool:
        """Mark a held object as just written (a sweep then sees it as new); False if absent."""
        raise NotImplementedError

    def put(self, name: str, chunks: Iterable[bytes]) -> None:
        """Store encrypted content under a known name, atomically (streamed)."""
        raise NotImplementedError

    def put_stream(self, chunks: Iterable[bytes], name: Callable[[], str]) -> None:
        """Store a stream whose name is known only once it is consumed (`name()`): written
        to an `.incoming-*` object first, then moved into place, or dropped if held."""
        raise NotImplementedError

    def replace(self, name: str, chunks: Iterable[bytes]) -> None:
        """Store content under a name that may be held already, replacing it only once the
        new content is whole (a failure midway leaves the old): re-encryption, renames."""
        raise NotImplementedError

    def move(self, name: str, target: str) -> None:
        """Give a stored object another name: the target is whole before the old name goes."""
        self.replace(target, self.open(name))
        self.delete(name)

    def exists(self, name: str) -> bool:
        raise NotImplementedError

    def open(self, name: str) -> Iterator[bytes]:
        """The stored (encrypted) bytes, streamed; FileNotFoundError if absent."""
        raise NotImplementedError

    def head(self, name: str, size: int) -> bytes:
        """The first `size` stored bytes (a ciphertext's header: its key id)."""
        raise NotImplementedError

    def delete(self, name: str) -> None:
        """Remove an object; absent already is fine."""
        raise NotImplementedError

    def entries(self) -> Iterator[Entry]:
        """Every blob and `.incoming-*` object held."""
        raise NotImplementedError

    def storage_error(self, exc: BaseException, *, needed: int) -> StorageError | None:
        """One clear line for a store that can't take a write (None: another error)."""
        return None


_BACKENDS: dict[str, type[BlobBackend]] = {}


def blob_backend_register(cls: type[BlobBackend]) -> type[BlobBackend]:
    """Make a backend selectable by `TIPLINE_BLOB_URL=<scheme>://...`."""
    _BACKENDS[cls.scheme] = cls
    return cls


@blob_backend_register
class LocalBackend(BlobBackend):
    """Files under one folder (TIPLINE_HOME/blobs by default), renamed into place."""

    scheme = "file"

    def __init__(self, root: Path) -> None:
        self.root = root
        self._made: set[str] = set()

    def describe(self) -> str:
        return str(self.root)

    def path(self, name: str) -> Path:
        return self.root / name

    def _ensure_dir(self, path: Path) -> None:
        key = str(path)
        if key not in self._made:
            path.mkdir(parents=True, exist_ok=True)
            self._made.add(key)

    def touch(self, name: str) -> bool:
        try:
            os.utime(self.path(name))
        except FileNotFoundError:
            return False
        return True

    def put(self, name: str, chunks: Iterable[bytes]) -> None:
        self.put_stream(chunks, lambda: name)

    def put_stream(self, chunks: Iterable[bytes], name: Callable[[], str]) -> None:
        self._ensure_dir(self.root)
        fd, tmp_name = tempfile.mkstemp(dir=self.root, prefix=INCOMING)
        try:
            with os.fdopen(fd, "wb") as out:
                for piece in chunks:
                    out.write(piece)
            final = self.path(name())
            if final.exists():
                os.unlink(tmp_name)
                os.utime(final)
            else:
                self._ensure_dir(final.parent)
                self._into_place(tmp_name, final)
        except BaseException:
            if os.path.exists(tmp_name):
                os.unlink(tmp_name)
            raise

    def replace(self, name: str, chunks: Iterable[bytes]) -> None:
        self._ensure_dir(self.root)
        final = self.path(name)
        fd, tmp_name = tempfile.mkstemp(dir=self.root, prefix=INCOMING)
        try:
            with os.fdopen(fd, "wb") as out:
                for piece in chunks:
                    out.write(piece)
                out.flush()
                os.fsync(out.fileno())
            self._ensure_dir(final.parent)
            self._into_place(tmp_name, final)
        except BaseException:
            if os.path.exists(tmp_name):
                os.unlink(tmp_name)
            raise

    def _into_place(self, tmp: str | Path, final: Path) -> None:
        try:
            os.replace(tmp, final)
        except FileNotFoundError:  # its folder, left empty, was removed by a rename
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, final)

    def move(self, name: str, target: str) -> None:
        source, final = self.path(name), self.path(target)
        self._ensure_dir(final.parent)
        self._into_place(source, final)
        for folder in (source.parent, source.parent.parent):  # a folder left empty names
            try:                                              # a few digits of a SHA-256
                folder.rmdir()
            except OSError:
                break
            self._made.discard(str(folder))

    def exists(self, name: str) -> bool:
        return self.path(name).exists()

    def open(self, name: str) -> Iterator[bytes]:
        with self.path(name).open("rb") as fh:
            while chunk := fh.read(READ_CHUNK):
                yield chunk

    def head(self, name: str, size: int) -> bytes:
        with self.path(name).open("rb") as fh:
            return fh.read(size)

    def delete(self, name: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path(name))

    def entries(self) -> Iterator[Entry]:
        if not self.root.is_dir():
            return
        for path in [*self.root.glob(f"{INCOMING}*"), *self.root.glob("??/??/*.tlb")]:
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            yield Entry(path.relative_to(self.root).as_posix(), stat.st_mtime, stat.st_size)

    def storage_error(self, exc: BaseException, *, needed: int) -> StorageError | None:
        if not isinstance(exc, OSError):
            return None
        root = self.root
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            try:
                free = shutil.disk_usage(root).free
            except OSError:
                free = 0
            return StorageError(f"the data folder is full: {max(needed, 1) / 2**20:.0f} MB "
                                f"free needed, {free / 2**20:.0f} left ({root})")
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return StorageError(f"the data folder can't be written: {root} is read-only "
                                f"({exc.strerror})")
        return None


class _StreamReader:
    """A read-only file over an iterator of byte strings, for boto3's upload_fileobj (which
    reads a part at a time, so a large blob is never held whole)."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = iter(chunks)
        self._buffer = bytearray()

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._buffer) < size:
            try:
                self._buffer += next(self._chunks)
            except StopIteration:
                break
        if size < 0:
            size = len(self._buffer)
        out = bytes(self._buffer[:size])
        del self._buffer[:size]
        return out


@blob_backend_register
class S3Backend(BlobBackend):
    """Objects in an S3-compatible bucket under a prefix, through django-storages' S3Storage
    (its settings and boto3 session) and boto3's managed transfers: an object larger than
    TIPLINE_S3_PART_BYTES is uploaded in parts, and read back a megabyte at a time."""

    scheme = "s3"

    def __init__(self, url: str) -> None:
        from boto3.s3.transfer import TransferConfig
        from botocore.config import Config
        from storages.backends.s3 import S3Storage

        parts = urlsplit(url)
        self.bucket_name = parts.netloc
        self.prefix = parts.path.strip("/")
        if not self.bucket_name:
            raise ValueError(f"TIPLINE_BLOB_URL names no bucket: {url!r}")
        self.storage = S3Storage(
            bucket_name=self.bucket_name, location=self.prefix,
            endpoint_url=settings.S3_ENDPOINT_URL or None,
            region_name=settings.S3_REGION or None,
            access_key=settings.S3_ACCESS_KEY_ID, secret_key=settings.S3_SECRET_ACCESS_KEY,
            client_config=Config(
                s3={"addressing_style": settings.S3_ADDRESSING_STYLE or "auto"},
                connect_timeout=10, read_timeout=120,
                retries={"mode": "standard", "max_attempts": 3}),
            default_acl=None, file_overwrite=True, querystring_auth=False)
        part = max(settings.S3_PART_BYTES, 5 * 1024 * 1024)
        self.transfer = TransferConfig(multipart_threshold=part, multipart_chunksize=part,
                                       max_concurrency=2, use_threads=True)

    @property
    def client(self) -> Any:
        return self.storage.connection.meta.client

    def key(self, name: str) -> str:
        return f"{self.prefix}/{name}" if self.prefix else name

    def describe(self) -> str:
        where = f"s3://{self.bucket_name}/{self.prefix}".rstrip("/")
        endpoint = settings.S3_ENDPOINT_URL
        return f"{where} at {endpoint}" if endpoint else where

    def touch(self, name: str) -> bool:
        from botocore.exceptions import ClientError

        # S3 has no utime: copying an object onto itself with new metadata rewrites its
        # LastModified (the managed copy does it in parts past 5 GB).
        key = self.key(name)
        try:
            self.client.copy({"Bucket": self.bucket_name, "Key": key}, self.bucket_name, key,
                             ExtraArgs={"MetadataDirective": "REPLACE",
                                        "Metadata": {"touched": str(int(time.time()))}},
                             Config=self.transfer)
        except ClientError as exc:
            if _missing(exc):
                return False
            raise
        return True

    def put(self, name: str, chunks: Iterable[bytes]) -> None:
        # a PUT, and a multipart upload once completed, are atomic: the object appears whole
        self.client.upload_fileobj(_StreamReader(chunks), self.bucket_name, self.key(name),
                                   Config=self.transfer)

    def put_stream(self, chunks: Iterable[bytes], name: Callable[[], str]) -> None:
        incoming = self.key(f"{INCOMING}{uuid.uuid4().hex}")
        try:
            self.client.upload_fileobj(_StreamReader(chunks), self.bucket_name, incoming,
                                       Config=self.transfer)
            final = name()
            if not self.touch(final):
                self.client.copy({"Bucket": self.bucket_name, "Key": incoming},
                                 self.bucket_name, self.key(final), Config=self.transfer)
        finally:
            self._delete_key(incoming)

    def replace(self, name: str, chunks: Iterable[bytes]) -> None:
        self.put(name, chunks)  # an object appears whole when its upload completes

    def exists(self, name: str) -> bool:
        return bool(self.storage.exists(name))  # S3Storage adds the prefix (its location)

    def head(self, name: str, size: int) -> bytes:
        from botocore.exceptions import ClientError

        try:
            body = self.client.get_object(Bucket=self.bucket_name, Key=self.key(name),
                                          Range=f"bytes=0-{size - 1}")["Body"]
        except ClientError as exc:
            if _missing(exc):
                raise FileNotFoundError(f"{self.describe()}: no {name}") from None
            raise
        try:
            return bytes(body.read())
        finally:
            body.close()

    def open(self, name: str) -> Iterator[bytes]:
        from botocore.exceptions import ClientError

        try:
            body = self.client.get_object(Bucket=self.bucket_name, Key=self.key(name))["Body"]
        except ClientError as exc:
            if _missing(exc):
                raise FileNotFoundError(f"{self.describe()}: no {name}") from None
            raise
        try:
            yield from body.iter_chunks(READ_CHUNK)
        finally:
            body.close()

    def delete(self, name: str) -> None:
        self._delete_key(self.key(name))

    def _delete_key(self, key: str) -> None:
        from botocore.exceptions import ClientError

        try:
            self.client.delete_object(Bucket=self.bucket_name, Key=key)
        except ClientError as exc:
            if not _missing(exc):
                raise

    def entries(self) -> Iterator[Entry]:
        start = f"{self.prefix}/" if self.prefix else ""
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket_name, Prefix=start)
        for page in pages:
            for item in page.get("Contents", []):
                name = item["Key"][len(start):]
                if name.startswith(INCOMING) or is_blob_name(name):
                    modified: datetime = item["LastModified"]
                    yield Entry(name, modified.astimezone(UTC).timestamp(), int(item["Size"]))

    def storage_error(self, exc: BaseException, *, needed: int) -> StorageError | None:
        from botocore.exceptions import BotoCoreError, ClientError

        if isinstance(exc, ClientError):
            code = exc.response.get("Error", {}).get("Code", "")
            return StorageError(f"the object store refused the write: {self.describe()} "
                                f"answered {code or 'an error'}")
        if isinstance(exc, BotoCoreError):
            return StorageError(f"the object store can't be reached: {self.describe()} ({exc})")
        return None


def _missing(exc: Any) -> bool:
    code = str(exc.response.get("Error", {}).get("Code", ""))
    return code in {"404", "NoSuchKey", "NotFound"}


_cache: dict[tuple[str, ...], BlobBackend] = {}


def blob_backend() -> BlobBackend:
    """The configured store (TIPLINE_BLOB_URL), one per process and configuration (a forked
    child makes its own: an S3 client is not shared across a fork)."""
    url = settings.BLOB_URL
    if not url:
        config: tuple[str, ...] = ("", str(Path(settings.TIPLINE_HOME) / "blobs"))
    else:
        config = (url, settings.S3_ENDPOINT_URL, settings.S3_REGION,
                  settings.S3_ACCESS_KEY_ID or "", settings.S3_ADDRESSING_STYLE,
                  str(settings.S3_PART_BYTES), str(os.getpid()))
    backend = _cache.get(config)
    if backend is None:
        backend = _cache[config] = _make(url, config)
    return backend


def _make(url: str, config: tuple[str, ...]) -> BlobBackend:
    if not url:
        return LocalBackend(Path(config[1]))
    scheme = urlsplit(url).scheme
    if scheme == "file":
        return LocalBackend(Path(urlsplit(url).path))
    cls = _BACKENDS.get(scheme)
    if cls is None:
        raise ValueError(f"TIPLINE_BLOB_URL: no blob store for {scheme!r}:// "
                         f"(known: {', '.join(sorted(_BACKENDS))})")
    return cls(url)  # type: ignore[call-arg]


@dataclass
class Copied:
    """What `blobs_copy` did: blobs copied (and their bytes), and blobs the target held."""

    copied: int = 0
    size: int = 0
    held: int = 0


def blobs_copy(*, source: BlobBackend, target: BlobBackend) -> Copied:
    """Copy every blob the target lacks, as stored (encrypted), from one store to another:
    a backup of the configured store into a folder, its restore, or a move from the local
    disk to an object store. Names are copied as they are (keyed, or legacy), so the copy
    needs the same index key. A name held is done (only `tipline keys rotate` rewrites a
    blob, and either version decrypts while its key is kept)."""
    done = Copied()
    for entry in source.entries():
        if not is_blob_name(entry.name):
            continue  # half-written
        if target.exists(entry.name):
            done.held += 1
            continue
        target.put(entry.name, source.open(entry.name))
        done.copied += 1
        done.size += entry.size
    return done
