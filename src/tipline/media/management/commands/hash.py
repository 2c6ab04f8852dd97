"""tipline hash FILE... [--json]: print each file's MD5, SHA-1, SHA-256, PDQ and its quality."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tipline.media.content import file_hashes


class Command(BaseCommand):
    help = "Print each file's md5, sha1, sha256, pdq (64 hex) and pdq_quality (videos: frames)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--json", action="store_true", help="one JSON object per line")

    def handle(self, *args: Any, **options: Any) -> None:
        failed = 0
        for path in options["files"]:
            if not path.is_file():
                self.stderr.write(f"{path}: no such file")
                failed += 1
                continue
            out = {"file": str(path), **file_hashes(path.read_bytes()).as_dict()}
            if options["json"]:
                self.stdout.write(json.dumps(out))
                continue
            self.stdout.write(str(path))
            for key in ("md5", "sha1", "sha256", "pdq", "pdq_quality", "media", "error"):
                if out.get(key) is not None:
                    self.stdout.write(f"  {key}: {out[key]}")
            frames = out.get("frames")
            if isinstance(frames, list):
                self.stdout.write(f"  frames: {len(frames)} (one a second)")
        if failed:
            raise CommandError(f"{failed} file(s) not found")
