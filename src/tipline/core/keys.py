"""Tipline's keys: where they live, which one encrypts now, and the index key.

TIPLINE_KEY_DIR (default TIPLINE_HOME/keys; in production a folder outside the data folder,
on another disk or a mounted secret) holds:

- `data-N.key`: AES-256-GCM keys, base64. The highest N encrypts; every one still decrypts,
  so `tipline keys rotate` can add a key and re-encrypt at its own pace.
- `index.key`: the HMAC-SHA256 key of blind indexes (`blind_index`) and blob names. It is
  not rotated: every index would have to be recomputed.

Older installations kept one key at TIPLINE_HOME/media.key or in TIPLINE_MEDIA_KEY; either
is read as data key 1. A missing key is created on first use (mode 0600).

Whatever is encrypted under the data keys registers how to re-encrypt it
(`rotation_register`): the blob store (core/rotation.py) and the apps' encrypted columns.
`tipline keys rotate` adds a key, then runs every registered step.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from tipline.core.errors import TiplineError

if TYPE_CHECKING:
    from tipline.core.progress import Progress

KEY_BYTES = 32
#: the highest data key id (two bytes in the ciphertext header, core/crypto.py)
MAX_KEY_ID = 0xFFFF
#: how often a process looks for a key another process added (`tipline keys rotate`)
REFRESH_SECONDS = 30.0
_DATA_KEY = re.compile(r"data-([1-9][0-9]{0,5})\.key")


class KeyError_(TiplineError):  # noqa: N801 - not the builtin KeyError
    """A key is missing, unreadable or malformed."""


@dataclass(frozen=True)
class Keyring:
    """The data keys by number; the highest encrypts."""

    keys: dict[int, bytes]

    @property
    def current_id(self) -> int:
        return max(self.keys)

    @property
    def current(self) -> bytes:
        return self.keys[self.current_id]

    def get(self, key_id: int) -> bytes:
        try:
            return self.keys[key_id]
        except KeyError:
            raise KeyError_(f"data key {key_id} is not in the key folder") from None


def _decode(raw: bytes | str, where: str) -> bytes:
    try:
        key = base64.b64decode(raw.strip() if isinstance(raw, bytes) else raw.strip(),
                               validate=True)
    except ValueError:
        raise KeyError_(f"{where} is not base64") from None
    if len(key) != KEY_BYTES:
        raise KeyError_(f"{where} must hold {KEY_BYTES} bytes (base64-encoded)")
    return key


def write_key_file(path: Path) -> bytes:
    """Create a new random key file (mode 0600, folder 0700); refuses to overwrite one
    (FileExistsError). The file appears whole: written aside, then hard-linked into place,
    so a process that finds it never reads it half-written."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = secrets.token_bytes(KEY_BYTES)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".new-key-")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(base64.b64encode(key) + b"\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.link(tmp, path)
    finally:
        os.unlink(tmp)
    return key


def key_dir() -> Path:
    from django.conf import settings

    return Path(settings.KEY_DIR)


def load_keyring() -> Keyring:
    """Read the data keys now (no cache); creates data-1.key when there is none at all."""
    from django.conf import settings

    keys: dict[int, bytes] = {}
    folder = key_dir()
    if folder.is_dir():
        for path in folder.iterdir():
            if found := _DATA_KEY.fullmatch(path.name):
                if int(found.group(1)) > MAX_KEY_ID:
                    raise KeyError_(f"{path}: data key ids go up to {MAX_KEY_ID}")
                keys[int(found.group(1))] = _decode(path.read_bytes(), str(path))
    if settings.MEDIA_KEY:
        keys[1] = _decode(settings.MEDIA_KEY, "TIPLINE_MEDIA_KEY")
    elif 1 not in keys and Path(settings.MEDIA_KEY_PATH).exists():
        keys[1] = _decode(Path(settings.MEDIA_KEY_PATH).read_bytes(), str(settings.MEDIA_KEY_PATH))
    if not keys:
        try:
            keys[1] = write_key_file(folder / "data-1.key")
        except FileExistsError:  # another process made it first
            keys[1] = _decode((folder / "data-1.key").read_bytes(), "data-1.key")
    return Keyring(keys)


@dataclass
class _Cached:
    ring: Keyring
    stamp: int
    checked: float


_cached: _Cached | None = None


def _folder_stamp() -> int:
    try:
        return key_dir().stat().st_mtime_ns
    except FileNotFoundError:
        return 0


def data_keyring() -> Keyring:
    """The data keys, read once and again when the key folder changes (checked every
    REFRESH_SECONDS): a key `tipline keys rotate` adds reaches running workers."""
    global _cached
    now = time.monotonic()
    if _cached is not None and now - _cached.checked < REFRESH_SECONDS:
        return _cached.ring
    stamp = _folder_stamp()
    if _cached is None or stamp != _cached.stamp:
        # the stamp taken first: a key added after it is read now, or at the next check
        _cached = _Cached(load_keyring(), stamp, now)
    else:
        _cached.checked = now
    return _cached.ring


def fingerprint(key: bytes) -> str:
    """A short public name for a key: it tells keys apart and reveals nothing of them."""
    return hashlib.sha256(b"tipline key fingerprint\x00" + key).hexdigest()[:16]


def data_key_source(key_id: int) -> str:
    """Where data key `key_id` is read from (a file, or the environment)."""
    from django.conf import settings

    if key_id == 1 and settings.MEDIA_KEY:
        return "TIPLINE_MEDIA_KEY"
    path = key_dir() / f"data-{key_id}.key"
    if key_id == 1 and not path.exists():
        return str(settings.MEDIA_KEY_PATH)
    return str(path)


def data_key_create() -> int:
    """Add data key N+1 (the highest encrypts from now on, in every process within
    REFRESH_SECONDS); returns its id."""
    ring = load_keyring()
    new_id = ring.current_id + 1
    if new_id > MAX_KEY_ID:
        raise KeyError_(f"data key ids go up to {MAX_KEY_ID}")
    path = key_dir() / f"data-{new_id}.key"
    try:
        write_key_file(path)
    except FileExistsError:
        raise KeyError_(f"{path} exists already") from None
    except OSError as exc:
        raise KeyError_(f"can't create {path}: {exc.strerror}") from None
    forget()
    return new_id


def load_index_key() -> bytes:
    from django.conf import settings

    if settings.INDEX_KEY:
        return _decode(settings.INDEX_KEY, "TIPLINE_INDEX_KEY")
    path = key_dir() / "index.key"
    if not path.exists():
        try:
            return write_key_file(path)
        except FileExistsError:
            pass
    return _decode(path.read_bytes(), str(path))


@lru_cache(maxsize=1)
def index_key() -> bytes:
    return load_index_key()


def blind_index(value: str, *, purpose: str) -> str:
    """A keyed hash of an already normalised value: equal values give equal indexes, and
    without the index key nobody can test a guess. `purpose` separates kinds of value, so an
    email's index never equals a phone's."""
    mac = hmac.new(index_key(), purpose.encode() + b"\x00" + value.encode(), hashlib.sha256)
    return mac.hexdigest()[:32]


def forget() -> None:
    """Drop the cached keys (after rotation, or a test that changes the settings)."""
    global _cached
    _cached = None
    index_key.cache_clear()


# -- rotation: what is encrypted under the data keys, and how to re-encrypt it -------------


@dataclass
class Rotated:
    """What one rotation step did: re-encrypted now, found under the current key already,
    failed (named, one line each), and whether it stopped at its limit before the end."""

    done: int = 0
    current: int = 0
    failed: list[str] = field(default_factory=list)
    stopped: bool = False


class RotateStep(Protocol):
    def __call__(self, *, keyring: Keyring, limit: int | None,
                 progress: Progress) -> Rotated: ...


@dataclass(frozen=True)
class Rotatable:
    """Something encrypted under the data keys: `rotate` re-encrypts, under
    `keyring.current`, what is sealed under another key (at most `limit` items, skipping
    what is current already, so a run that stopped resumes), and `census` counts items by
    the key id sealing them (for `tipline keys status` and `keys retire`)."""

    name: str
    rotate: RotateStep
    census: Callable[[], Mapping[int, int]] | None = None


_ROTATABLE: dict[str, Rotatable] = {}


def rotation_register(name: str, rotate: RotateStep, *,
                      census: Callable[[], Mapping[int, int]] | None = None) -> None:
    """Make `tipline keys rotate` re-encrypt one kind of encrypted data (from an app's
    `ready()`); a name registered again is replaced."""
    _ROTATABLE[name] = Rotatable(name, rotate, census)


def rotation_steps() -> list[Rotatable]:
    """Every registered step, in registration order."""
    return list(_ROTATABLE.values())


def keys_ready() -> None:
    """Create any missing key now: before forking helper processes, so all read the same."""
    data_keyring()
    index_key()
