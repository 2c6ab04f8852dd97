"""What every format builds alike, so that each importer keeps only what is its own.

A report is known by the exact bytes it came from, whatever the format (`report`). NCMEC's
export took its keys from CyberTipline XML, so an IP capture event reads the same from both
(`ip_event`): each format hands in a `Read`, its raw value under a key, and a value is named
`<where>.<key>` in messages.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from tipline.intake import values as v
from tipline.intake.records import ArtifactRec, IpEventRec, ReportRec

#: a record's raw value under a key ("port", "dateTime"), as its format holds it
Read = Callable[[str], Any]


def report(*, source: str, external_id: str, raw: bytes, raw_kind: str, position: str,
           raw_name: str = "") -> ReportRec:
    """A report known by its raw record: the SHA-256 of those bytes tells an identical re-send
    (and names a report its sender gave no id), and the bytes are kept as its artifact of kind
    `raw_kind` (named `raw_name`, else by its position)."""
    digest = hashlib.sha256(raw).hexdigest()
    rec = ReportRec(source=source, external_id=external_id or f"sha256:{digest[:40]}",
                    content_sha256=digest, position=position)
    rec.artifacts.append(ArtifactRec(kind=raw_kind, name=raw_name or position, data=raw))
    return rec


def ip_event(read: Read, *, where: str, ip_key: str = "ipAddress") -> IpEventRec | None:
    """An IP capture event: the address under `ip_key`, its port, event name, time and whether
    it may be a proxy; None when no address is given (the rest is then not read)."""
    address = v.ip(read(ip_key), field=f"{where}.{ip_key}")
    if address is None:
        return None
    return IpEventRec(
        ip=address,
        port=v.whole(read("port"), field=f"{where}.port", high=65535),
        event=v.text(read("eventName"), field=f"{where}.eventName"),
        occurred_at=v.when(read("dateTime"), field=f"{where}.dateTime"),
        possible_proxy=v.flag(read("possibleProxy"), field=f"{where}.possibleProxy"),
    )

