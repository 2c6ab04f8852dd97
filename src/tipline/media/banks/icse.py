"""INTERPOL ICSE export: semicolon-separated, header
`MD5;SHA1;PhotoDNA;Image ID;Is distributed;Victim identified;Offender identified;Series name;
Number of submissions;File Available;Media Type;Baseline`.

The category given to entries is `baseline` when the Baseline column is true (INTERPOL's
"worst of the worst" baseline set), else `icse`: map these through the bank's table.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import BinaryIO

from tipline.core.errors import RejectedInput
from tipline.media.banks.base import BankFormat, ParsedEntry, head_text, register, text_of

HEADER = ("MD5", "SHA1", "PhotoDNA", "Image ID", "Is distributed", "Victim identified",
          "Offender identified", "Series name", "Number of submissions", "File Available",
          "Media Type", "Baseline")
_TRUE = {"true", "yes", "1", "y"}


@register
class IcseCsv(BankFormat):
    name = "icse-csv"
    description = "INTERPOL ICSE export (semicolon-separated)"

    def sniff(self, head: bytes, filename: str) -> bool:
        first = head_text(head).split("\n", 1)[0]
        cells = [c.strip().strip('"').lower() for c in first.split(";")]
        return len(cells) >= 3 and cells[:2] == ["md5", "sha1"]

    def entries(self, fh: BinaryIO) -> Iterator[ParsedEntry]:
        # the header is read inside the handling too: a Windows-1252 byte that code page
        # lacks, or a broken row, is a clear refusal, never a traceback
        try:
            reader = csv.DictReader(text_of(fh), delimiter=";")
            if not reader.fieldnames or "MD5" not in [f.strip() for f in reader.fieldnames]:
                raise RejectedInput("not an ICSE export: no MD5 column")
            for row in reader:
                row = {(k or "").strip(): (v or "").strip() for k, v in row.items()
                       if isinstance(v, str)}
                media = "video" if row.get("Media Type", "").lower().startswith("video") \
                    else "image"
                baseline = row.get("Baseline", "").lower() in _TRUE
                yield ParsedEntry(md5=row.get("MD5", ""), sha1=row.get("SHA1", ""),
                                  source_id=row.get("Image ID", ""), media=media,
                                  category="baseline" if baseline else "icse")
        except UnicodeDecodeError as exc:
            raise RejectedInput(f"unreadable ICSE export: byte {exc.start} is not text in "
                                f"{exc.encoding}") from exc
        except csv.Error as exc:
            raise RejectedInput(f"unreadable ICSE export: {exc}") from exc
