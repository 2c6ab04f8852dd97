"""`tipline keys rotate` re-encrypts the small raw artifacts kept encrypted in their rows."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from io import StringIO
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.management import call_command

from tipline.core.crypto import MAGIC_V1, decrypt_bytes, encrypt_bytes, key_id_of
from tipline.core.keys import data_key_create, load_keyring
from tipline.intake.models import Artifact
from tipline.intake.rotation import artifacts_census, artifacts_rotate


def sealed_v1(data: bytes) -> bytes:
    """An artifact as sealed before key ids (b"TLB1", data key 1)."""
    prefix = secrets.token_bytes(8)
    aead = AESGCM(load_keyring().get(1))
    return MAGIC_V1 + prefix + aead.encrypt(prefix + (0).to_bytes(4, "big"), data, b"1")


def test_inline_artifacts_are_rotated_resumably(make_report: Callable[..., Any]) -> None:
    report = make_report()
    bodies = [f'{{"report": {i}}}'.encode() for i in range(5)]
    for i, body in enumerate(bodies):
        data = sealed_v1(body) if i % 2 else encrypt_bytes(body)
        Artifact.objects.create(report=report, kind="json", name=f"{i}.json", sha256="ab" * 32,
                                size=len(body), data=data)
    Artifact.objects.create(report=report, kind="pdf", name="big.pdf", sha256="cd" * 32,
                            size=10**8, data=None)  # in the blob store: not this step's
    assert artifacts_census() == {1: 5}

    data_key_create()
    ring = load_keyring()
    first = artifacts_rotate(keyring=ring, limit=3)
    assert (first.done, first.stopped) == (3, True)
    assert artifacts_census() == {1: 2, 2: 3}
    second = artifacts_rotate(keyring=ring)
    assert (second.done, second.current, second.stopped) == (2, 3, False)
    assert artifacts_census() == {2: 5}
    rows = Artifact.objects.filter(data__isnull=False).order_by("pk")
    assert [decrypt_bytes(bytes(a.data)) for a in rows] == bodies
    assert {key_id_of(bytes(a.data)) for a in rows} == {2}
    assert "intake artifacts: 5 under key 2" in _status()


def _status() -> str:
    out = StringIO()
    call_command("keys", "status", stdout=out)
    return out.getvalue()
