"""tipline audit verify | checkpoint | keygen: check the audit chain, sign its head."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tipline.audit import signing
from tipline.audit.selectors import (
    audit_chain_verify,
    checkpoint_file_check,
    checkpoint_trust,
)
from tipline.audit.services import audit_checkpoint_create


class Command(BaseCommand):
    help = (
        "Audit trail tools. 'verify' recomputes the hash chain and names the first broken "
        "event, and with --checkpoint checks the trail still extends each signed checkpoint; "
        "'checkpoint' signs the current head; 'keygen' creates the signing key."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "checkpoint", "keygen"])
        parser.add_argument("--checkpoint", nargs="+", type=Path, default=[], metavar="FILE",
                            help="verify: checkpoint files the trail must extend")
        parser.add_argument("--key", type=Path, default=None, metavar="FILE",
                            help="the signing key (or, for verify, its public key PEM); "
                                 "default TIPLINE_AUDIT_SIGNING_KEY")
        parser.add_argument("--fingerprint", default="",
                            help="verify: trust a checkpoint's embedded key with this "
                                 "fingerprint (default TIPLINE_AUDIT_KEY_FINGERPRINT)")
        parser.add_argument("--out", type=Path, default=None, metavar="FILE",
                            help="checkpoint: the file (or folder) to write; default "
                                 "TIPLINE_HOME/checkpoints/")

    def handle(self, *args: Any, **options: Any) -> None:
        key_path: Path = options["key"] or signing.key_path_default()
        if options["action"] == "keygen":
            if key_path.exists():
                raise CommandError(f"{key_path} exists already; not overwriting it")
            key = signing.key_create(key_path)
            self.stdout.write(f"audit signing key written to {key_path}\n"
                              f"fingerprint {signing.fingerprint(key.public_key())}")
            return
        if options["action"] == "checkpoint":
            out = options["out"]
            if out is None:
                out = Path(settings.AUDIT_CHECKPOINT_DIR)
                out.mkdir(parents=True, exist_ok=True, mode=0o700)
            try:
                done = audit_checkpoint_create(key_path=key_path, out=out)
            except signing.SigningKeyError as exc:
                raise CommandError(str(exc)) from exc
            cp = done.checkpoint
            if signing.beside_data(key_path):
                self.stderr.write(f"WARNING: the signing key {key_path} is inside the data "
                                  "folder; set TIPLINE_AUDIT_SIGNING_KEY to a file elsewhere")
            self.stdout.write(
                f"checkpoint signed: #{cp.seq} {cp.hash}, {cp.count} events, "
                f"key {cp.key_fingerprint}\nwritten to {done.path}; keep a copy away from "
                "this machine")
            return
        self._verify(key_path, options)

    def _verify(self, key_path: Path, options: dict[str, Any]) -> None:
        failures: list[str] = []
        result = audit_chain_verify()
        if result.ok:
            self.stdout.write(f"audit chain intact: {result.checked} events")
        else:
            failures.append(
                f"audit chain broken at event #{result.first_broken_seq}: {result.reason} "
                f"({result.checked} events before it are intact)")
        if options["checkpoint"]:
            pinned = options["fingerprint"] or settings.AUDIT_KEY_FINGERPRINT
            try:
                trusted = checkpoint_trust(key_path=key_path, explicit=options["key"] is not None,
                                           pinned=pinned)
            except (signing.SigningKeyError, ValueError) as exc:
                raise CommandError(f"can't read the key {key_path}: {exc}") from exc
            for path in options["checkpoint"]:
                ok, line = checkpoint_file_check(path, trusted=trusted, pinned=pinned)
                if ok:
                    self.stdout.write(line)
                else:
                    failures.append(line)
        if failures:
            for line in failures[:-1]:
                self.stderr.write(line)
            raise CommandError(failures[-1])
