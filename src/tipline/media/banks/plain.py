"""Plain lists: one MD5, SHA-1, SHA-256 or PDQ hash per line (hex), optionally followed by a
comma, semicolon, tab or space and an id. The kind is told by the length: 32, 40 or 64 hex
characters; a 64-character list is PDQ unless the bank was imported with --kind sha256.
Lines starting with # are comments.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from tipline.core.errors import RejectedInput
from tipline.media.banks.base import BankFormat, ParsedEntry, head_text, register, text_of

_LINE = re.compile(r"^\s*([0-9A-Fa-f]+)\s*(?:[,;\t ]\s*(.*?))?\s*$")


class _PlainList(BankFormat):
    field = "md5"
    ids_identify = False  # the text after a hash is a note ("case 7"), not an id

    def sniff(self, head: bytes, filename: str) -> bool:
        return False  # plain lists are chosen by `plain`, which reads the lengths

    def entries(self, fh: BinaryIO) -> Iterator[ParsedEntry]:
        lines = text_of(fh)
        number = 0
        while True:
            try:
                line = lines.readline()
            except UnicodeDecodeError as exc:
                raise RejectedInput(f"after line {number}: byte {exc.start} is not text in "
                                    f"{exc.encoding}") from exc
            if not line:
                return
            number += 1
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            m = _LINE.match(line)
            if not m:
                yield ParsedEntry(source_id=f"line {number}")  # counted as invalid
                continue
            entry = ParsedEntry(source_id=(m.group(2) or "")[:200])
            value = m.group(1)
            kind = self.field or {32: "md5", 40: "sha1", 64: "pdq"}.get(len(value), "md5")
            setattr(entry, kind, value)
            yield entry


@register
class PlainList(_PlainList):
    name = "plain"
    description = "plain list, one hash per line: MD5 (32 hex), SHA-1 (40) or PDQ (64)"
    field = ""

    def sniff(self, head: bytes, filename: str) -> bool:
        lines = [x.strip() for x in head_text(head).splitlines()[:20]]
        lines = [x for x in lines if x and not x.startswith("#")]
        return bool(lines) and all(_LINE.match(x) for x in lines[:-1] or lines)


@register
class PlainMd5(_PlainList):
    name = "md5-list"
    description = "plain list of MD5 hashes"
    field = "md5"


@register
class PlainSha1(_PlainList):
    name = "sha1-list"
    description = "plain list of SHA-1 hashes"
    field = "sha1"


@register
class PlainSha256(_PlainList):
    name = "sha256-list"
    description = "plain list of SHA-256 hashes"
    field = "sha256"


@register
class PlainPdq(_PlainList):
    name = "pdq-list"
    description = "plain list of PDQ hashes (64 hex characters)"
    field = "pdq"
