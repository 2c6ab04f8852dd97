"""tipline backup --out FILE: the database, blobs and checkpoints in one encrypted archive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tipline.audit.backups import BackupError, backup_create, backup_secret
from tipline.core import keys
from tipline.core.archive import ArchiveError
from tipline.core.dbsnapshot import SnapshotError

#: the tables the summary names (all are counted in the manifest)
MAIN_TABLES = {"intake_report": "reports", "intake_reportfile": "files", "cases_case": "cases",
               "dispatch_packet": "packets", "accounts_user": "users"}


class Command(BaseCommand):
    help = ("Back up the database (one consistent snapshot), every blob and the audit "
            "checkpoints into one archive encrypted with a passphrase or key file; prints its "
            "size and SHA-256. The data keys are left out unless --include-keys.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, type=Path, metavar="FILE",
                            help="the archive to write (or a folder to name one in)")
        parser.add_argument("--passphrase-file", type=Path, metavar="FILE",
                            help="a file holding the passphrase (default: "
                                 "TIPLINE_BACKUP_PASSPHRASE)")
        parser.add_argument("--key-file", type=Path, metavar="FILE",
                            help="encrypt with a key file instead: 32 random bytes, base64")
        parser.add_argument("--include-keys", action="store_true",
                            help="put the data and index keys in the archive too")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            secret = backup_secret(key_file=options["key_file"],
                                   passphrase_file=options["passphrase_file"], new=True)
            done = backup_create(out=options["out"], secret=secret,
                                 include_keys=options["include_keys"])
        except (ArchiveError, BackupError, SnapshotError) as exc:
            raise CommandError(str(exc)) from None
        manifest = done.manifest
        counts = manifest["counts"]
        named = ", ".join(f"{counts[t]:,} {label}" for t, label in MAIN_TABLES.items()
                          if t in counts)
        blobs, audit = manifest["blobs"], manifest["audit"]
        self.stdout.write(
            f"backup written: {done.path}\n"
            f"  database: {manifest['database']['vendor']}, {sum(counts.values()):,} rows in "
            f"{len(counts)} tables ({named})\n"
            f"  blobs: {blobs['count']:,} ({blobs['bytes']:,} bytes)\n"
            f"  audit: {audit['events']:,} events, head #{audit['head_seq']} "
            f"{audit['head_hash'][:16]}…; {len(manifest['checkpoints'])} checkpoint file(s)\n"
            f"  size: {done.size:,} bytes\n"
            f"  sha256: {done.sha256}")
        if blobs["missing_count"]:
            self.stderr.write(
                f"WARNING: {blobs['missing_count']:,} blob(s) the database refers to are not in "
                f"the blob store, e.g. {blobs['missing'][0]}; the backup holds the rest")
        where = keys.key_dir()
        if manifest["keys"]["included"]:
            self.stderr.write(
                "NOTE: the data keys are inside this archive: whoever has it and its "
                "passphrase can read everything. Keep the passphrase apart from the file.")
        else:
            self.stderr.write(
                "KEYS NOT INCLUDED: the blobs (and encrypted fields) in this backup can only "
                f"be read with the data keys in {where} "
                f"({', '.join(sorted(manifest['keys']['fingerprints'])) or 'none yet'}). "
                "Back up that folder separately, kept apart from this archive, or run again "
                "with --include-keys.")
