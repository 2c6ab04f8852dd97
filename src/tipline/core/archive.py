"""The backup archive: one file, always encrypted, holding named members streamed in order.

Layout: a plaintext header, then the body encrypted by `crypto.encrypt_stream` (AES-256-GCM
in 1 MiB segments; the last is marked, so truncation and reordering are caught) under a key
derived from a passphrase (scrypt) or a key file (HKDF):

    b"TLBACKUP" | version (1 byte) | header length (2 bytes) | header JSON | encrypted body

The header JSON names the KDF, its parameters and salt, and a 16-byte check value (an HMAC
under a second derived key): a wrong passphrase is told apart from a damaged archive before
anything is decrypted. Changing the header changes the derived key, so it cannot be altered
unnoticed either. Inside the body each member is `b"F" | name length (2) | name | chunks`,
each chunk `length (4) | bytes`, a zero length ending the member; `b"E"` ends the archive.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import queue
import secrets
import struct
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from tipline.core.crypto import DecryptionError, decrypt_stream, encrypt_stream
from tipline.core.errors import TiplineError

MAGIC = b"TLBACKUP"
VERSION = 1
#: scrypt's cost: 128 MiB and about half a second per derivation (OWASP's recommendation)
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**17, 8, 1
KEY_FILE_BYTES = 32
MIN_PASSPHRASE = 12
_CHUNK = 1024 * 1024
_BATCH = 256 * 1024
DAMAGED = "the archive is damaged or truncated (it fails its integrity check)"


class ArchiveError(TiplineError):
    """The archive can't be read: wrong passphrase or key, damaged, truncated, or not one."""


@dataclass(frozen=True)
class Secret:
    """What unlocks an archive: a passphrase, or the 32 bytes of a key file."""

    passphrase: bytes | None = None
    key: bytes | None = None

    @classmethod
    def from_key_file(cls, path: Path) -> Secret:
        try:
            raw = path.read_bytes().strip()
        except OSError as exc:
            raise ArchiveError(f"can't read the key file {path}: {exc.strerror}") from None
        try:
            key = base64.b64decode(raw, validate=True)
        except ValueError:
            raise ArchiveError(f"the key file {path} is not base64") from None
        if len(key) != KEY_FILE_BYTES:
            raise ArchiveError(f"the key file {path} must hold {KEY_FILE_BYTES} bytes, base64")
        return cls(key=key)

    @classmethod
    def from_passphrase(cls, text: str, *, new: bool = False) -> Secret:
        text = text.rstrip("\r\n")
        if new and len(text) < MIN_PASSPHRASE:
            raise ArchiveError(f"the passphrase must be at least {MIN_PASSPHRASE} characters")
        if not text:
            raise ArchiveError("the passphrase is empty")
        return cls(passphrase=text.encode("utf-8"))


def _derive(secret: Secret, params: dict[str, object]) -> tuple[bytes, bytes]:
    """The archive key and the check key, from the secret and the header's KDF parameters."""
    salt = base64.b64decode(str(params["salt"]))
    kdf = params.get("kdf")
    if kdf == "scrypt":
        if secret.passphrase is None:
            raise ArchiveError("this archive was made with a passphrase, not a key file")
        n, r, p = (int(params[k]) for k in ("n", "r", "p"))  # type: ignore[call-overload]
        if not (2 <= n <= 2**20 and n & (n - 1) == 0 and 1 <= r <= 32 and 1 <= p <= 16):
            raise ArchiveError("the archive's header holds impossible scrypt parameters")
        derived = Scrypt(salt=salt, length=64, n=n, r=r, p=p).derive(secret.passphrase)
    elif kdf == "hkdf-sha256":
        if secret.key is None:
            raise ArchiveError("this archive was made with a key file, not a passphrase")
        derived = HKDF(algorithm=hashes.SHA256(), length=64, salt=salt,
                       info=b"tipline-backup/1").derive(secret.key)
    else:
        raise ArchiveError(f"unknown key derivation {kdf!r} in the archive's header")
    return derived[:32], derived[32:]


def _check_value(check_key: bytes) -> str:
    mac = hmac.new(check_key, b"tipline-backup-check", hashlib.sha256).digest()[:16]
    return base64.b64encode(mac).decode()


def _header(secret: Secret) -> tuple[bytes, bytes]:
    """A new header (its bytes) and the archive key it derives."""
    salt = secrets.token_bytes(16)
    params: dict[str, object] = {"salt": base64.b64encode(salt).decode()}
    if secret.key is not None:
        params["kdf"] = "hkdf-sha256"
    else:
        params.update(kdf="scrypt", n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    key, check = _derive(secret, params)
    params["check"] = _check_value(check)
    body = json.dumps(params, sort_keys=True).encode()
    return MAGIC + bytes([VERSION]) + struct.pack(">H", len(body)) + body, key


class ArchiveWriter:
    """Writes members into an encrypted archive as they are added (`add`), then `close`.

    The members are pushed (the blob store's copy pushes each blob in), while
    `encrypt_stream` pulls its plaintext: a writer thread runs `encrypt_stream` over a
    bounded queue, so memory stays at a few segments whatever the archive's size.
    """

    def __init__(self, out: BinaryIO, secret: Secret) -> None:
        header, key = _header(secret)
        self.sha256 = hashlib.sha256(header)
        self.size = len(header)
        out.write(header)
        self._out = out
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=8)
        self._pending = bytearray()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(key,), daemon=True)
        self._thread.start()

    def _plaintext(self) -> Iterator[bytes]:
        while (item := self._queue.get()) is not None:
            yield item

    def _run(self, key: bytes) -> None:
        try:
            for piece in encrypt_stream(self._plaintext(), key=key):
                self._out.write(piece)
                self.sha256.update(piece)
                self.size += len(piece)
        except BaseException as exc:  # handed to the producer by _send
            self._error = exc

    def _send(self, item: bytes | None) -> None:
        while True:
            if self._error is not None:
                raise self._error
            try:
                self._queue.put(item, timeout=0.5)
                return
            except queue.Full:
                continue

    def _write(self, data: bytes) -> None:
        self._pending += data
        if len(self._pending) >= _BATCH:
            self._send(bytes(self._pending))
            self._pending.clear()

    def add(self, name: str, chunks: Iterable[bytes]) -> int:
        """Stream one member in; returns its size."""
        encoded = name.encode("utf-8")
        self._write(b"F" + struct.pack(">H", len(encoded)) + encoded)
        size = 0
        for chunk in chunks:
            if chunk:
                self._write(struct.pack(">I", len(chunk)) + chunk)
                size += len(chunk)
        self._write(struct.pack(">I", 0))
        return size

    def close(self) -> None:
        """End the archive and wait for the last segment to be written."""
        self._write(b"E")
        self._send(bytes(self._pending))
        self._pending.clear()
        self._send(None)
        self._thread.join()
        if self._error is not None:
            raise self._error


def file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as fh:
        yield from file_chunks_of(fh)


def _read_header(fh: BinaryIO, secret: Secret) -> bytes:
    """The archive key, once the header says it is a Tipline backup and the secret fits."""
    start = fh.read(len(MAGIC) + 3)
    if len(start) < len(MAGIC) + 3 or not start.startswith(MAGIC):
        raise ArchiveError("not a Tipline backup archive")
    if start[len(MAGIC)] != VERSION:
        raise ArchiveError(f"backup archive format {start[len(MAGIC)]} is not known to this "
                           "version of Tipline")
    (length,) = struct.unpack(">H", start[-2:])
    try:
        params = json.loads(fh.read(length))
        key, check = _derive(secret, params)
        expected = str(params["check"])
    except (ValueError, KeyError, TypeError):
        raise ArchiveError("the archive's header is damaged") from None
    if not hmac.compare_digest(_check_value(check), expected):
        what = "passphrase" if secret.passphrase is not None else "key file"
        raise ArchiveError(f"wrong {what}: this archive can't be opened with it")
    return key


class _Plain:
    """The decrypted body, read by exact lengths."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = bytearray()

    def read(self, size: int) -> bytes:
        while len(self._buffer) < size:
            try:
                self._buffer += next(self._chunks)
            except StopIteration:
                raise ArchiveError("the archive is truncated") from None
            except DecryptionError:
                raise ArchiveError(DAMAGED) from None
        out = bytes(self._buffer[:size])
        del self._buffer[:size]
        return out

    def finish(self) -> None:
        """Read to the end, so the last segment's mark is checked; nothing may follow."""
        try:
            for rest in self._chunks:
                self._buffer += rest
        except DecryptionError:
            raise ArchiveError(DAMAGED) from None
        if self._buffer:
            raise ArchiveError("the archive holds data after its end")


def archive_check_secret(path: Path, secret: Secret) -> None:
    """Raise ArchiveError unless `path` is an archive `secret` opens (reads the header only)."""
    with _open(path) as fh:
        _read_header(fh, secret)


def _open(path: Path) -> BinaryIO:
    try:
        return path.open("rb")
    except OSError as exc:
        raise ArchiveError(f"can't read {path}: {exc.strerror}") from None


def archive_members(path: Path, secret: Secret) -> Iterator[tuple[str, Iterator[bytes]]]:
    """Each member's name and its content (to be consumed before the next member is read).

    Raises ArchiveError for a wrong secret, and for any damage or truncation, at the latest
    when the last member has been read: a caller keeps what it reads apart until the
    iteration ends without error.
    """
    with _open(path) as fh:
        key = _read_header(fh, secret)
        plain = _Plain(decrypt_stream(file_chunks_of(fh), key=key))
        try:
            while True:
                kind = plain.read(1)
                if kind == b"E":
                    plain.finish()
                    return
                if kind != b"F":
                    raise ArchiveError("the archive is damaged (unknown record)")
                (length,) = struct.unpack(">H", plain.read(2))
                name = plain.read(length).decode("utf-8", errors="strict")
                member = _member(plain)
                yield name, member
                for _ in member:  # what the caller left unread
                    pass
        except UnicodeDecodeError:
            raise ArchiveError("the archive is damaged (a member's name)") from None


def _member(plain: _Plain) -> Iterator[bytes]:
    while True:
        (length,) = struct.unpack(">I", plain.read(4))
        if length == 0:
            return
        yield plain.read(length)


def file_chunks_of(fh: BinaryIO) -> Iterator[bytes]:
    while chunk := fh.read(_CHUNK):
        yield chunk
