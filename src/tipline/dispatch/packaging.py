"""Writing a packet: every renderer's files into one AES-256 ZIP, with a manifest of SHA-256s.

Reports are read and rendered a chunk at a time and each file goes into the ZIP as soon as it
is made, so memory stays flat whatever the packet's size. The manifest is the last member.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.utils.translation import gettext

from tipline.core.errors import RejectedInput
from tipline.core.progress import NullProgress, Progress
from tipline.dispatch.aeszip import AesZipWriter
from tipline.dispatch.data import report_data
from tipline.dispatch.renderers import renderers
from tipline.dispatch.renderers.base import PacketFile, PacketInfo, SopData, in_utc

MANIFEST = "manifest.json"
#: no 0/O, 1/l/I: read aloud or typed from a phone without doubt
ALPHABET = "abcdefghijkmnopqrstuvwxyz23456789"
MIN_PASSPHRASE = 12


def passphrase_new() -> str:
    """Six groups of five characters from a 33-letter alphabet (about 150 bits)."""
    return "-".join("".join(secrets.choice(ALPHABET) for _ in range(5)) for _ in range(6))


def passphrase_check(value: str) -> str:
    value = value.strip()
    if len(value) < MIN_PASSPHRASE:
        raise RejectedInput(gettext("the passphrase must have at least %(count)s characters")
                            % {"count": MIN_PASSPHRASE})
    return value


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def packet_zip_write(
    *, out: Path, passphrase: str, packet: PacketInfo, sop: SopData, report_ids: Sequence[int],
    chunk: int = 500, progress: Progress | None = None,
) -> dict[str, Any]:
    """Write the encrypted ZIP to `out`; returns the manifest it contains."""
    progress = progress or NullProgress()
    entries: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="packet-") as tmp, AesZipWriter(
            out, passphrase=passphrase) as zf:

        def put(item: PacketFile) -> None:
            if item.path is not None:
                size, digest = item.path.stat().st_size, _sha256_file(item.path)
                zf.write(item.path, item.name)
            else:
                data = item.data or b""
                size, digest = len(data), hashlib.sha256(data).hexdigest()
                zf.writestr(item.name, data)
            entries.append({"name": item.name, "sha256": digest, "size": size, **item.meta})

        sessions = [r.start(packet=packet, sop=sop, workdir=Path(tmp))
                    for r in renderers.values()]
        try:
            ids = list(report_ids)
            for start in range(0, len(ids), chunk):
                rows = report_data(report_ids=ids[start:start + chunk])
                for session in sessions:
                    for item in session.add(rows):
                        put(item)
                progress.update(done=min(start + chunk, len(ids)), total=len(ids))
            for session in sessions:
                for item in session.finish():
                    put(item)
        finally:
            for session in sessions:
                session.close()
        manifest = {
            "packet_id": packet.id,
            "packet": packet.reference,
            "version": packet.version,
            "supersedes": packet.supersedes or None,
            "correction_reason": packet.correction_reason or None,
            "target": {"code": packet.target_code, "name": packet.target_name},
            "created_by": packet.created_by,
            "created_at": packet.created_at.isoformat(),
            "created_at_utc": in_utc(packet.created_at),
            "acknowledge_by": packet.ack_due_at.isoformat(),
            "report_count": packet.report_count,
            "sop_version": sop.version,
            "algorithm": "sha256",
            "files": entries,
        }
        zf.writestr(MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False))
    return manifest
