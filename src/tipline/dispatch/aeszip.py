"""An AES-256 ZIP writer (WinZip AE-2, as pyzipper writes it) whose per-member keys are derived
ahead, in threads.

WinZip AES derives each member's key from the passphrase and a fresh random salt with
PBKDF2-HMAC-SHA1 (1,000 rounds), about a millisecond of CPU per member; a packet has a member
per report. OpenSSL's PBKDF2 (hashlib) releases the GIL, so a few threads derive the next
members' keys while the builder renders and compresses. The bytes written are exactly what
pyzipper's own encrypter writes (same salt size, key layout, AES-CTR and HMAC-SHA1); only
when the key is computed changes. Written against pyzipper 0.4 (pinned).
"""

from __future__ import annotations

import hashlib
import os
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import pyzipper
from Cryptodome.Cipher import AES
from Cryptodome.Hash import HMAC
from Cryptodome.Hash.SHA1 import SHA1Hash
from Cryptodome.Util import Counter
from pyzipper.zipfile_aes import AESZipEncrypter

SALT = 16  # 256-bit AES
KEY = 32
MATERIAL = 2 * KEY + 2  # encryption key, HMAC key, 2-byte password verifier
ROUNDS = 1000
AHEAD = 64


def _derive(password: bytes) -> tuple[bytes, bytes]:
    salt = os.urandom(SALT)
    return salt, hashlib.pbkdf2_hmac("sha1", password, salt, ROUNDS, MATERIAL)


class _Encrypter(AESZipEncrypter):
    """pyzipper's AES-256 encrypter, given its salt and key material instead of deriving them."""

    def __init__(self, salt: bytes, material: bytes) -> None:  # noqa: D107
        self.force_wz_aes_version = None
        self.conditionally_include_crc = None
        self.min_bytes_to_include_crc = None
        self.salt_length = SALT
        self.aes_strength = 3
        self.salt = salt
        self.encpwdverify = material[2 * KEY:]
        self.encrypter = AES.new(material[:KEY], AES.MODE_CTR,
                                 counter=Counter.new(nbits=128, little_endian=True))
        # as pyzipper does: an instance where the stubs expect a module
        self.hmac = HMAC.new(material[KEY:2 * KEY], digestmod=SHA1Hash())  # type: ignore[arg-type]


class AesZipWriter(pyzipper.AESZipFile):
    """Write-only AES-256 ZIP: every member encrypted, keys derived ahead by `threads`."""

    def __init__(self, path: Any, *, passphrase: str, threads: int = 2, **kwargs: Any) -> None:
        # level 1: the PDFs' plain text streams still shrink about fivefold, at a third of
        # the default level's cost
        super().__init__(path, "w", compression=pyzipper.ZIP_DEFLATED, compresslevel=1,
                         encryption=pyzipper.WZ_AES, **kwargs)
        self._password = passphrase.encode("utf-8")
        self.setpassword(self._password)
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="zip-kdf")
        self._keys: deque[Future[tuple[bytes, bytes]]] = deque(
            self._pool.submit(_derive, self._password) for _ in range(AHEAD))

    def get_encrypter(self) -> _Encrypter:
        salt, material = self._keys.popleft().result()
        self._keys.append(self._pool.submit(_derive, self._password))
        return _Encrypter(salt, material)

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._pool.shutdown(wait=False, cancel_futures=True)
