"""Tipline's keys: where they live, which one encrypts now, and the index key.

TIPLINE_KEY_DIR (default TIPLINE_HOME/keys; in production a folder outside the data folder,
on another disk or a mounted secret) holds:

- `data-N.key`: AES-256-GCM keys, base64. The highest N encrypts; every one still decrypts,
  so `tipline keys rotate` can add a key and re-encrypt at its own pace.
- `index.key`: the HMAC-SHA256 key of blind indexes (`blind_index`) and blob names. It is
  not rotated: every index would have to be recomputed.

Older installations kept one key at TIPLINE_HOME/media.key or in TIPLINE_MEDIA_KEY; either
is read as data key 1. A missing key is created on first use (mode 0600).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from tipline.core.errors import TiplineError

KEY_BYTES = 32
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
    """Create a new random key file (mode 0600, folder 0700); refuses to overwrite one."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = secrets.token_bytes(KEY_BYTES)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(base64.b64encode(key) + b"\n")
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


@lru_cache(maxsize=1)
def data_keyring() -> Keyring:
    return load_keyring()


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
    data_keyring.cache_clear()
    index_key.cache_clear()
    from tipline.core.crypto import default_key

    default_key.cache_clear()
