"""Reports with stored, generated benign images (patterns, shapes) for the review tests."""

from __future__ import annotations

from typing import Any

from tipline.media.services import files_scan
from tipline.media.tests.media_helpers import encode, pattern, report_file


def report_with_images(make_report: Any, node: str = "IN-MH-BEED", *, seeds: tuple[int, ...]
                       = (1,), scan: bool = True, **fields: Any) -> tuple[Any, list[Any]]:
    """A report at `node` with one stored JPEG per seed, hashed and matched if `scan`."""
    report = make_report(node, **fields)
    files = [report_file(report, encode(pattern(s)), f"img{s}.jpg") for s in seeds]
    if scan:
        files_scan(actor=None, file_ids=[f.pk for f in files])
    return report, files
