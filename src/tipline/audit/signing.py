"""The Ed25519 key that signs audit checkpoints, and the checkpoint's signed form.

The key is a PEM file outside the database (`TIPLINE_AUDIT_SIGNING_KEY`). Whoever can rewrite
the database but cannot read this file cannot forge a checkpoint, so the file belongs on
another disk, a hardware token's mount or a separate account, not in the data folder.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings

#: the checkpoint file's format name
FORMAT = "tipline-audit-checkpoint/1"


class SigningKeyError(Exception):
    """The signing key is missing, unreadable or not an Ed25519 key."""


def key_path_default() -> Path:
    return Path(settings.AUDIT_SIGNING_KEY_PATH)


def key_create(path: Path) -> Ed25519PrivateKey:
    """A new key written to `path` (mode 0600, its folder 0700); refuses to overwrite."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    if beside_data(path):
        print(
            f"WARNING: the audit signing key was created at {path}, inside the data folder.\n"
            "Anyone who can rewrite the database there can also sign a forged checkpoint.\n"
            "Move it to another disk or account and set TIPLINE_AUDIT_SIGNING_KEY to it.",
            file=sys.stderr,
        )
    return key


def beside_data(path: Path) -> bool:
    """Whether `path` lies inside the data folder (TIPLINE_HOME)."""
    home = Path(settings.TIPLINE_HOME).resolve()
    return home == path.resolve() or home in path.resolve().parents


def key_load(path: Path, *, create: bool = False) -> Ed25519PrivateKey:
    """The private key in `path`; created there first when `create` and it is missing."""
    if not path.exists():
        if create:
            return key_create(path)
        raise SigningKeyError(f"no audit signing key at {path} (run `tipline audit keygen`)")
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(f"{path} is not an Ed25519 private key")
    return key


def public_key_load(path: Path) -> Ed25519PublicKey:
    """The public key of a key file: the private key itself, or a public key PEM."""
    if not path.exists():
        raise SigningKeyError(f"no audit key at {path}")
    data = path.read_bytes()
    try:
        private = serialization.load_pem_private_key(data, password=None)
    except ValueError:
        public = serialization.load_pem_public_key(data)
    else:
        if not isinstance(private, Ed25519PrivateKey):
            raise SigningKeyError(f"{path} is not an Ed25519 key")
        return private.public_key()
    if not isinstance(public, Ed25519PublicKey):
        raise SigningKeyError(f"{path} is not an Ed25519 key")
    return public


def raw_public(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def fingerprint(public: Ed25519PublicKey) -> str:
    """SHA-256 of the raw public key, hex: what an auditor pins."""
    return hashlib.sha256(raw_public(public)).hexdigest()


def _message(body: dict[str, Any]) -> bytes:
    unsigned = {k: v for k, v in body.items() if k != "signature"}
    return json.dumps(unsigned, sort_keys=True, separators=(",", ":")).encode("utf-8")


def sign(body: dict[str, Any], *, key: Ed25519PrivateKey) -> dict[str, Any]:
    """`body` with the public key, its fingerprint and the signature over the rest added."""
    public = key.public_key()
    signed = {**body, "format": FORMAT, "key_fingerprint": fingerprint(public),
              "public_key": base64.b64encode(raw_public(public)).decode("ascii")}
    signed["signature"] = base64.b64encode(key.sign(_message(signed))).decode("ascii")
    return signed


def signature_problem(
    body: dict[str, Any], *, trusted: Ed25519PublicKey | None, pinned: str = "",
) -> str:
    """Why the signature of `body` can't be trusted, or "" when it can: checked against the
    `trusted` public key, or else against the embedded key when its fingerprint is `pinned`."""
    if body.get("format") != FORMAT:
        return f"not a checkpoint file (format {body.get('format')!r})"
    try:
        embedded = Ed25519PublicKey.from_public_bytes(base64.b64decode(body["public_key"]))
        signature = base64.b64decode(body["signature"])
    except (KeyError, ValueError, TypeError):
        return "the public key or signature is missing or malformed"
    if fingerprint(embedded) != body.get("key_fingerprint"):
        return "the embedded public key does not match its fingerprint"
    if trusted is not None:
        if fingerprint(trusted) != fingerprint(embedded):
            return (f"signed by another key (fingerprint {body.get('key_fingerprint')}, "
                    f"expected {fingerprint(trusted)})")
    elif not pinned:
        return "no trusted key: give the key file or pin its fingerprint"
    elif pinned.lower() != fingerprint(embedded):
        return f"signed by another key (fingerprint {fingerprint(embedded)}, pinned {pinned})"
    try:
        embedded.verify(signature, _message(body))
    except InvalidSignature:
        return "the signature does not verify: the file was altered"
    return ""
