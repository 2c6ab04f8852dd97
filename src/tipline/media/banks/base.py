"""The hash-list format interface and its registry (the formats are the sibling modules)."""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, TextIO

from tipline.core.registry import Registry


@dataclass
class ParsedEntry:
    """One entry as a hash list states it (hashes not yet checked)."""

    md5: str = ""
    sha1: str = ""
    sha256: str = ""
    pdq: str = ""
    category: str = ""
    source_id: str = ""
    media: str = "image"
    deleted: bool = False


class BankFormat:
    """A hash-list format: `sniff` recognises a file by its head and name, `entries` reads it."""

    name: str = ""
    description: str = ""
    #: whether an entry's source id names one entry of the source (a re-sent id replaces the
    #: entry), or is only a note beside the hash (plain lists)
    ids_identify: bool = True

    def sniff(self, head: bytes, filename: str) -> bool:
        raise NotImplementedError

    def entries(self, fh: BinaryIO) -> Iterator[ParsedEntry]:
        raise NotImplementedError


#: byte-order marks and the encodings they announce, longest first (UTF-32 LE starts like
#: UTF-16 LE)
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
#: what exporters without a BOM write when it is not UTF-8: Windows' Western code page
LEGACY = "cp1252"


def bom_encoding(head: bytes) -> str | None:
    """The encoding a byte-order mark at the start of `head` announces, or None."""
    return next((name for bom, name in _BOMS if head.startswith(bom)), None)


def head_text(head: bytes) -> str:
    """The start of a file as text, for sniffing: by its BOM, else UTF-8, else LEGACY
    (undecodable bytes replaced; only the import itself is strict)."""
    encoding = bom_encoding(head)
    if encoding is None:
        try:
            return head.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start < len(head) - 3:  # not merely a character cut at the end
                return head.decode(LEGACY, "replace")
            return head.decode("utf-8", "replace")
    return head.decode(encoding, "replace").lstrip("\ufeff")


def text_of(fh: BinaryIO) -> TextIO:
    """The whole file as text, decoded as the hash-list exporters write it: by its BOM
    (UTF-8, UTF-16, UTF-32), else as UTF-8 when every byte of it is UTF-8, else as Windows-
    1252 (strictly: a byte that code page does not have raises UnicodeDecodeError). Reads
    the file twice (the check, then the text), never whole into memory."""
    head = fh.read(4)
    encoding = bom_encoding(head)
    if encoding is None:
        fh.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := fh.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            encoding = "utf-8"
        except UnicodeDecodeError:
            encoding = LEGACY
    fh.seek(0)
    # the utf-8-sig, utf-16 and utf-32 codecs consume their BOM
    return io.TextIOWrapper(fh, encoding=encoding, errors="strict", newline="")


formats: Registry[BankFormat] = Registry("hash-list format")
register = formats.register


def format_named(name: str) -> BankFormat | None:
    return formats.all().get(name)


def format_for(head: bytes, filename: str) -> BankFormat | None:
    """The first registered format that recognises the file, or None."""
    for fmt in formats.values():
        if fmt.sniff(head, filename):
            return fmt
    return None
