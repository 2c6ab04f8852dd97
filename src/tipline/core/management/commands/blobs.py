"""tipline blobs backup|restore: copy the blob store, encrypted as stored, to or from a folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tipline.core.blobstores import LocalBackend, blob_backend, blobs_copy


class Command(BaseCommand):
    help = ("Copy the blob store (TIPLINE_BLOB_URL: local disk or S3), encrypted as stored: "
            "`backup --to DIR` copies the blobs DIR lacks; `restore --from DIR` copies back "
            "the blobs the store lacks (also moves a local store into an object store)")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        backup = sub.add_parser("backup", help="copy the blobs a folder lacks into it")
        backup.add_argument("--to", required=True, type=Path, help="the backup folder")
        restore = sub.add_parser("restore", help="copy the blobs the store lacks from a folder")
        restore.add_argument("--from", dest="source", required=True, type=Path,
                             help="a backup folder, or an old TIPLINE_HOME/blobs")

    def handle(self, *args: Any, **options: Any) -> None:
        store = blob_backend()
        if options["action"] == "backup":
            folder = LocalBackend(options["to"])
            done = blobs_copy(source=store, target=folder)
            where = f"from {store.describe()} to {folder.describe()}"
        else:
            folder = LocalBackend(options["source"])
            done = blobs_copy(source=folder, target=store)
            where = f"from {folder.describe()} to {store.describe()}"
        self.stdout.write(f"copied {done.copied} blob(s), {done.size:,} bytes, {where}; "
                          f"{done.held} already there")
