"""Project VIC / VICS JSON (data models 1.x and 2.0): read, and write the hub's export.

An OData document whose `value` holds cases with `Media[]` (or media directly). Each medium
gives `MD5`, `SHA1`, `Category` (an integer whose meaning differs by region: mapped through the
bank's category table), `MediaID` and `MediaFiles[]` (further copies, each with an `MD5`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

from tipline.core.errors import RejectedInput
from tipline.media.banks.base import BankFormat, ParsedEntry, bom_encoding, head_text, register

CONTEXT_2_0 = ("http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/Default/"
               "$metadata#Media")


@register
class VicsJson(BankFormat):
    name = "vics"
    description = "Project VIC / VICS JSON, data model 1.x or 2.0"

    def sniff(self, head: bytes, filename: str) -> bool:
        text = head_text(head[:4096]).lstrip()
        return text.startswith("{") and ("odata" in text or '"value"' in text
                                         or filename.lower().endswith(".json"))

    def entries(self, fh: BinaryIO) -> Iterator[ParsedEntry]:
        data = fh.read()
        try:
            doc = json.loads(data.decode(bom_encoding(data) or "utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            raise RejectedInput(f"not a VICS JSON document: {exc}") from exc
        if not isinstance(doc, dict) or not isinstance(doc.get("value"), list):
            raise RejectedInput("not a VICS JSON document: no `value` array")
        for item in doc["value"]:
            if not isinstance(item, dict):
                continue
            media = item.get("Media")
            for medium in (media if isinstance(media, list) else [item]):
                if isinstance(medium, dict):
                    yield from _medium(medium)


def _text(value: Any) -> str:
    return "" if value is None or isinstance(value, dict | list) else str(value).strip()


def _medium(m: dict[str, Any]) -> Iterator[ParsedEntry]:
    category = _text(m.get("Category"))
    source_id = _text(m.get("MediaID"))
    md5 = _text(m.get("MD5"))
    yield ParsedEntry(md5=md5, sha1=_text(m.get("SHA1")), sha256=_text(m.get("SHA256")),
                      category=category, source_id=source_id,
                      media="video" if _text(m.get("MimeType")).startswith("video") else "image")
    for f in m.get("MediaFiles") or []:  # further copies of the same medium
        other = _text(f.get("MD5")) if isinstance(f, dict) else ""
        if other and other.lower() != md5.lower():
            yield ParsedEntry(md5=other, category=category, source_id=source_id)


def vics_export(entries: Iterable[dict[str, Any]], *, case_id: str = "",
                organisation: str = "") -> bytes:
    """A VICS 2.0 JSON document of entries ({md5, sha1, category, id, media}), as UTF-8
    bytes."""
    media: list[dict[str, Any]] = []
    for n, e in enumerate(entries, start=1):
        category = e.get("category", "")
        media.append({
            "MediaID": str(e.get("id") or n),
            "Category": int(category) if str(category).isdigit() else category,
            "MD5": (e.get("md5") or "").upper(), "SHA1": (e.get("sha1") or "").upper(),
            # the reader takes a medium for a video by it (image otherwise)
            "MimeType": "video/mp4" if e.get("media") == "video" else "image/jpeg",
            "IsPrecategorized": True, "PrecategorizationSource": organisation,
            "MediaFiles": [], "MediaMetadata": [], "Exifs": [],
        })
    doc = {"@odata.context": CONTEXT_2_0, "value": [{
        "CaseID": case_id, "ContactOrganization": organisation,
        "SourceApplicationName": "Tipline", "SourceApplicationVersion": "1",
        "TotalPrecategorized": len(media), "Media": media,
    }]}
    return json.dumps(doc, indent=1).encode("utf-8")
