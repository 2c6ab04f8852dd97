"""The data folder is private: the folder and every folder in it 0700, every file 0600.

Whoever else logs into the machine must read nothing of it: not the database (SQLite and its
WAL and SHM files), the blobs, keys, uploads, exports or checkpoints. Every Tipline process
sets the umask 077 as it starts (`private_umask`: settings, the `tipline` command, the WSGI
entry point), so what it creates is private; `modes_fix` repairs what was made before or by
another program (bootstrap fixes the data folder itself and its first level at every start;
`tipline doctor --fix` walks everything), and `modes_unsafe` lists what is not.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

UMASK = 0o077
#: the permission bits that let anyone but the owner in
OTHERS = 0o077


def private_umask() -> None:
    """Make everything this process creates private to its user."""
    os.umask(UMASK)


@dataclass(frozen=True)
class Unsafe:
    """A path others can read, write or enter, and its permission bits."""

    path: Path
    mode: int

    def __str__(self) -> str:
        kind = "folder" if stat.S_ISDIR(self.mode) else "file"
        return (f"{self.path}: {kind} mode {stat.S_IMODE(self.mode):04o}, should be "
                f"{0o700 if kind == 'folder' else 0o600:04o}")


def _walk(root: Path, *, deep: bool) -> Iterator[tuple[Path, os.stat_result]]:
    try:
        yield root, root.lstat()
    except FileNotFoundError:
        return
    if not root.is_dir() or root.is_symlink():
        return
    if not deep:
        for child in root.iterdir():
            try:
                yield child, child.lstat()
            except FileNotFoundError:
                continue
        return
    for folder, dirs, files in os.walk(root):
        for name in [*dirs, *files]:
            path = Path(folder, name)
            try:
                yield path, path.lstat()
            except FileNotFoundError:
                continue


def modes_unsafe(roots: Iterable[Path], *, deep: bool = True) -> list[Unsafe]:
    """Every path under `roots` (each root itself included; symlinks skipped) that others
    may use; `deep=False` looks only at each root and its direct entries."""
    found: list[Unsafe] = []
    seen: set[Path] = set()
    for root in roots:
        for path, info in _walk(root, deep=deep):
            if path in seen or stat.S_ISLNK(info.st_mode):
                continue
            seen.add(path)
            if info.st_mode & OTHERS:
                found.append(Unsafe(path, info.st_mode))
    return found


def modes_fix(roots: Iterable[Path], *, deep: bool = True) -> list[Unsafe]:
    """Take others' permissions off every path `modes_unsafe` finds; returns them. A path
    owned by another user or on a read-only disk (which chmod refuses) is left, and stays
    listed by the check."""
    fixed: list[Unsafe] = []
    for unsafe in modes_unsafe(roots, deep=deep):
        try:
            os.chmod(unsafe.path, stat.S_IMODE(unsafe.mode) & ~OTHERS)
        except OSError:  # not ours, gone, or a read-only file system
            continue
        fixed.append(unsafe)
    return fixed


def private_roots() -> list[Path]:
    """The data folder, the key folder and the audit signing key (wherever they are)."""
    from django.conf import settings

    roots = [Path(settings.TIPLINE_HOME), Path(settings.KEY_DIR)]
    signing = Path(settings.AUDIT_SIGNING_KEY_PATH)
    if signing.exists():
        roots.append(signing)
    return roots
