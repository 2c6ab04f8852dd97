"""NCMEC hash-sharing XML (v2) entries: images and videos, with deletions.

`<image>` / `<video>` carry `member@id`, `id`, `classification` (A1, A2, B1, B2) and
`fingerprints` (md5, sha1, pdna, pdq, TMK_PDQF, ...); `<deletedImage>` / `<deletedVideo>`
withdraw an entry. Parsed with lxml, no DTD, no entities, no network.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from lxml import etree

from tipline.core.errors import RejectedInput
from tipline.media.banks.base import BankFormat, ParsedEntry, register

_TAGS = {"image": ("image", False), "video": ("video", False),
         "deletedimage": ("image", True), "deletedvideo": ("video", True)}
_OPTIONS = {"resolve_entities": False, "no_network": True, "load_dtd": False,
            "huge_tree": False, "remove_comments": True, "remove_pis": True}


def _local(tag: object) -> str:
    return etree.QName(tag).localname.lower() if isinstance(tag, str) else ""


@register
class NcmecXml(BankFormat):
    name = "ncmec-xml"
    description = "NCMEC hash-sharing XML (v2) entries, deletions included"

    def sniff(self, head: bytes, filename: str) -> bool:
        text = head[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
        return text.startswith(b"<") and (b"hashsharing" in head[:4096].lower()
                                          or b"<images" in head[:4096]
                                          or b"<videos" in head[:4096])

    def entries(self, fh: BinaryIO) -> Iterator[ParsedEntry]:
        head = fh.read(4096)
        if b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in head.upper():
            raise RejectedInput("XML with a DOCTYPE or entities is refused")
        rest = head + fh.read()
        try:
            for _event, el in etree.iterparse(_Bytes(rest), events=("end",), **_OPTIONS):
                kind = _TAGS.get(_local(el.tag))
                if kind is None:
                    continue
                yield _entry(el, media=kind[0], deleted=kind[1])
                el.clear(keep_tail=False)
        except etree.XMLSyntaxError as exc:
            raise RejectedInput(f"not well-formed XML: {exc}") from exc


class _Bytes:
    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def read(self, n: int = -1) -> bytes:
        end = len(self.data) if n is None or n < 0 else self.pos + n
        out, self.pos = self.data[self.pos:end], min(end, len(self.data))
        return out


def _entry(el: etree._Element, *, media: str, deleted: bool) -> ParsedEntry:
    out = ParsedEntry(media=media, deleted=deleted)
    member = ""
    for child in el:
        name = _local(child.tag)
        text = (child.text or "").strip()
        if name == "id":
            out.source_id = text
        elif name == "member":
            member = child.get("id", "")
        elif name == "classification":
            out.category = text
        elif name == "fingerprints":
            for fp in child:
                value = (fp.text or "").strip()
                kind = _local(fp.tag)
                if kind in ("md5", "sha1", "sha256", "pdq") and value:
                    setattr(out, kind, value)
    if member and out.source_id:
        out.source_id = f"{member}:{out.source_id}"
    return out
