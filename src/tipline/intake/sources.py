"""Walking what the user asked to import: files, folders and ZIPs (nested), safely.

Nothing is ever extracted to disk by its stored name. ZIP members with unsafe names
(absolute paths, `..`, drive letters, backslashes), encrypted members, and members whose
sizes or compression ratios are beyond the configured limits are refused with a reason; the
rest of the archive is still read.
"""

from __future__ import annotations

import io
import os
import posixpath
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings

from tipline.core.errors import RejectedInput
from tipline.intake.records import Opener, RejectedRec

CHUNK = 1024 * 1024
#: the one container format: a ZIP may hold any importer's files, folders and other ZIPs
ZIP_SUFFIX = ".zip"
MAX_ZIP_DEPTH = 3
MAX_ZIP_MEMBERS = 10_000_000
_DRIVE = re.compile(r"^[A-Za-z]:")


def file_chunks(path: Path) -> Iterator[bytes]:
    """A file's content in 1 MiB chunks."""
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            yield chunk


@dataclass
class Entry:
    """One file to read: on disk, or inside a (possibly nested) ZIP."""

    name: str  # shown in messages: "batch.zip:123/123.json"
    relpath: str  # posix path inside its container
    size: int
    _open: object = field(repr=False)  # () -> IO[bytes]

    @contextmanager
    def open(self) -> Iterator[IO[bytes]]:
        fh = self._open()  # type: ignore[operator]
        try:
            yield fh
        finally:
            fh.close()

    def read(self, *, limit: int | None = None) -> bytes:
        maximum = settings.MAX_RECORD_BYTES if limit is None else limit
        if self.size > maximum:
            raise RejectedInput(f"{self.size} bytes, more than the limit of {maximum}")
        with self.open() as fh:
            data = fh.read(maximum + 1)
        if len(data) > maximum:
            raise RejectedInput(f"more than the limit of {maximum} bytes")
        return data

    def chunks(self) -> Opener:
        def gen() -> Iterator[bytes]:
            with self.open() as fh:
                while chunk := fh.read(CHUNK):
                    yield chunk

        return gen

    @property
    def suffix(self) -> str:
        return posixpath.splitext(self.relpath)[1].lower()


@dataclass
class Container:
    """The entries of one folder or one ZIP, indexed by relative path and by folder."""

    name: str
    entries: dict[str, Entry]
    rejected: list[RejectedRec]
    _folders: dict[str, list[Entry]] | None = field(default=None, repr=False)

    def get(self, relpath: str) -> Entry | None:
        return self.entries.get(posixpath.normpath(relpath))

    def in_folder(self, folder: str) -> list[Entry]:
        """The entries directly in `folder` (not in its subfolders)."""
        if self._folders is None:
            index: dict[str, list[Entry]] = {}
            for path, entry in self.entries.items():
                index.setdefault(posixpath.dirname(path), []).append(entry)
            self._folders = index
        return self._folders.get(folder.strip("/") if folder not in (".",) else "", [])


def unsafe_member_reason(name: str) -> str | None:
    if "\x00" in name:
        return "member name contains a NUL character"
    if "\\" in name:
        return "member name uses backslashes (path traversal risk)"
    if name.startswith("/") or _DRIVE.match(name):
        return "member name is an absolute path (path traversal)"
    if ".." in name.split("/"):
        return "member name climbs out of the archive with '..' (path traversal)"
    return None


def _check_zip_member(info: zipfile.ZipInfo) -> str | None:
    reason = unsafe_member_reason(info.filename)
    if reason:
        return reason
    if info.flag_bits & 0x1:
        return "member is encrypted"
    if info.file_size > settings.MAX_UPLOAD_BYTES:
        limit = settings.MAX_UPLOAD_BYTES
        return f"member is {info.file_size} bytes, more than the limit of {limit}"
    if info.file_size > 1024 * 1024 and info.compress_size > 0:
        ratio = info.file_size / info.compress_size
        if ratio > settings.MAX_ZIP_RATIO:
            return f"member expands {ratio:.0f}x (zip bomb?), more than {settings.MAX_ZIP_RATIO}x"
    return None


class _CountingReader(io.RawIOBase):
    """Reads a ZIP member and refuses to go past its declared size (zip bomb guard). A raw
    stream, so text and buffered readers (the CSV importer's) can wrap it."""

    def __init__(self, fh: IO[bytes], limit: int, name: str) -> None:
        super().__init__()
        self.fh, self.limit, self.name, self.read_so_far = fh, limit, name, 0

    def readable(self) -> bool:
        return True

    def read(self, n: int | None = -1) -> bytes:
        data = self.fh.read(-1 if n is None else n)
        self.read_so_far += len(data)
        if self.read_so_far > self.limit:
            raise RejectedInput(f"{self.name}: expands beyond its declared size (zip bomb?)")
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def close(self) -> None:
        self.fh.close()
        super().close()


def zip_container(zf: zipfile.ZipFile, *, name: str) -> Container:
    entries: dict[str, Entry] = {}
    rejected: list[RejectedRec] = []
    infos = zf.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        raise RejectedInput(f"{name}: {len(infos)} members, more than {MAX_ZIP_MEMBERS}")
    total = sum(i.file_size for i in infos)
    if total > settings.MAX_ZIP_TOTAL_BYTES:
        raise RejectedInput(
            f"{name}: would expand to {total} bytes, more than the limit of "
            f"{settings.MAX_ZIP_TOTAL_BYTES} (zip bomb?)"
        )
    for info in infos:
        if info.is_dir():
            continue
        reason = _check_zip_member(info)
        if reason:
            rejected.append(RejectedRec(file=name, position=info.filename[:200], reason=reason))
            continue
        rel = posixpath.normpath(info.filename)

        def opener(info: zipfile.ZipInfo = info) -> IO[bytes]:
            return _CountingReader(zf.open(info), info.file_size, f"{name}:{info.filename}")  # type: ignore[return-value]

        entries[rel] = Entry(f"{name}:{rel}", rel, info.file_size, opener)
    return Container(name, entries, rejected)


def folder_container(root: Path, *, depth: int | None = None) -> Container:
    """The files under `root` (symlinks skipped); `depth` 1 = root and its direct subfolders."""
    entries: dict[str, Entry] = {}
    for dirpath, dirs, files in os.walk(root, followlinks=False):
        if depth is not None and len(Path(dirpath).relative_to(root).parts) >= depth:
            dirs[:] = []
        for filename in sorted(files):
            path = Path(dirpath) / filename
            if path.is_symlink():
                continue
            rel = path.relative_to(root).as_posix()
            entries[rel] = Entry(  # named as given, not by its place on the server
                f"{root.name}/{rel}" if root.name else rel, rel, path.stat().st_size,
                lambda p=path: p.open("rb"),
            )
    return Container(root.name or str(root), entries, [])


@contextmanager
def open_zip(source: Entry | Path, *, name: str) -> Iterator[zipfile.ZipFile]:
    """A ZipFile over a path, or over a ZIP member copied to a temporary file."""
    if isinstance(source, Path):
        try:
            with zipfile.ZipFile(source) as zf:
                yield zf
        except zipfile.BadZipFile as exc:
            raise RejectedInput(f"{name}: not a valid ZIP file ({exc})") from None
        return
    with tempfile.TemporaryFile(dir=_tmp_dir()) as tmp:
        with source.open() as fh:
            shutil.copyfileobj(fh, tmp, CHUNK)
        tmp.seek(0)
        try:
            with zipfile.ZipFile(tmp) as zf:
                yield zf
        except zipfile.BadZipFile as exc:
            raise RejectedInput(f"{name}: not a valid ZIP file ({exc})") from None


def _tmp_dir() -> str:
    path = Path(settings.TIPLINE_HOME) / "tmp"
    path.mkdir(parents=True, exist_ok=True)
    return str(path)
