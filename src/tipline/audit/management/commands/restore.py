"""tipline restore FILE: put a `tipline backup` archive in place, then prove it intact."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tipline.audit import signing
from tipline.audit.backups import BackupError, backup_restore, backup_secret
from tipline.core.archive import ArchiveError
from tipline.core.dbsnapshot import SnapshotError


class Command(BaseCommand):
    help = ("Restore a `tipline backup` archive: decrypted and checked aside first, then the "
            "database, blobs and checkpoints put in place (a non-empty installation only with "
            "--force); then the audit chain, every checkpoint, the row counts and every "
            "referenced blob are checked.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, metavar="FILE")
        parser.add_argument("--passphrase-file", type=Path, metavar="FILE",
                            help="a file holding the passphrase (default: "
                                 "TIPLINE_BACKUP_PASSPHRASE)")
        parser.add_argument("--key-file", type=Path, metavar="FILE",
                            help="the key file the archive was made with")
        parser.add_argument("--force", action="store_true",
                            help="replace a database or blob store that holds data")
        parser.add_argument("--checkpoint", nargs="+", type=Path, default=[], metavar="FILE",
                            help="checkpoint files (the auditor's copies) the restored trail "
                                 "must extend, besides those in TIPLINE_HOME/checkpoints")
        parser.add_argument("--verify-blobs", action="store_true",
                            help="decrypt every referenced blob in full (default: its first "
                                 "megabyte)")
        parser.add_argument("--key", type=Path, default=None, metavar="FILE",
                            help="the audit signing key or its public key (default "
                                 "TIPLINE_AUDIT_SIGNING_KEY)")
        parser.add_argument("--fingerprint", default="",
                            help="trust checkpoints signed by this key fingerprint (default "
                                 "TIPLINE_AUDIT_KEY_FINGERPRINT)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            secret = backup_secret(key_file=options["key_file"],
                                   passphrase_file=options["passphrase_file"], new=False)
            done = backup_restore(
                path=options["archive"], secret=secret, force=options["force"],
                checkpoints=options["checkpoint"], verify_blobs=options["verify_blobs"],
                key_path=options["key"] or signing.key_path_default(),
                pinned=options["fingerprint"] or settings.AUDIT_KEY_FINGERPRINT,
                key_explicit=options["key"] is not None,
                progress=lambda line: self.stderr.write(f"… {line}"))
        except (ArchiveError, BackupError, SnapshotError) as exc:
            raise CommandError(str(exc)) from None
        manifest = done.manifest
        counts = manifest["counts"]
        self.stdout.write(
            f"restored the backup of {manifest['created_at']} (Tipline "
            f"{manifest['tipline_version']}, {manifest['database']['vendor']}): "
            f"{sum(counts.values()):,} rows in {len(counts)} tables, "
            f"{done.blobs_copied:,} blob(s) copied into the store")
        for path in done.keys_written:
            self.stdout.write(f"  key written: {path}")
        for line in done.lines:
            self.stdout.write(f"  ok: {line}")
        if done.problems:
            for line in done.problems[:-1]:
                self.stderr.write(f"  FAILED: {line}")
            raise CommandError(f"restored, but a check failed: {done.problems[-1]}")
        self.stdout.write("restore verified")
