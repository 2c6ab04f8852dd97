"""The hash-list format interface and its registry (the formats are the sibling modules)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

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

    def sniff(self, head: bytes, filename: str) -> bool:
        raise NotImplementedError

    def entries(self, fh: BinaryIO) -> Iterator[ParsedEntry]:
        raise NotImplementedError


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
