"""Hash-list formats a bank can be imported from: a small interface and its registry.

Each format turns an untrusted file into `ParsedEntry` values (hashes as given, the source's
id and category, whether the source deleted the entry). Validation of the hashes themselves
and writing are the import service's job (media/services.py). Formats are described for
operators in docs/formats/hash-lists.md.
"""

from __future__ import annotations

# Registration order is sniffing order: the specific formats first, plain lists last.
from tipline.media.banks import icse, ncmec_xml, plain, vics  # noqa: F401
from tipline.media.banks.base import (
    BankFormat,
    ParsedEntry,
    format_for,
    format_named,
    formats,
    register,
)

__all__ = ["BankFormat", "ParsedEntry", "format_for", "format_named", "formats", "register",
           "icse", "ncmec_xml", "plain", "vics"]
