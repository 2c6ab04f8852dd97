"""tipline keys status | rotate | retire | rename-blobs: the data keys and what they seal.

`rotate` adds data key N+1 and re-encrypts under it everything sealed under an older key
(the blob store, and each app's encrypted data: `rotation_register` in core/keys.py). While
it runs, the key folder holds a `rotating` note naming the new key: run `keys rotate` again
after an interruption and it continues under that key instead of adding another (so does
`--resume`, which never adds a key). Every change is sent as `keys_changed`, which the audit
app records.
"""

from __future__ import annotations

import getpass
from collections import Counter
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tipline.core.keys import (
    KeyError_,
    Keyring,
    Rotated,
    data_key_create,
    data_key_source,
    fingerprint,
    forget,
    key_dir,
    load_index_key,
    load_keyring,
    rotation_steps,
)
from tipline.core.progress import TerminalProgress
from tipline.core.rotation import UNREADABLE, blobs_legacy_count, blobs_rename_legacy
from tipline.core.signals import keys_changed

MARKER = "rotating"


def marker_path() -> Path:
    return key_dir() / MARKER


def rotation_pending() -> int | None:
    """The key an unfinished rotation re-encrypts under (None: none is unfinished)."""
    try:
        return int(marker_path().read_text(encoding="utf-8").strip())
    except (FileNotFoundError, ValueError):
        return None


def _tell(action: str, **data: Any) -> None:
    keys_changed.send(sender=Command, action=action,
                      data={**data, "os_user": getpass.getuser()})


class Command(BaseCommand):
    help = ("Data keys: 'status' lists them (ids, fingerprints, where they live) and what "
            "each seals; 'rotate' adds a key and re-encrypts everything under it (run again "
            "to continue an interrupted rotation; --resume never adds a key); 'retire N' "
            "sets aside a key nothing is sealed under; 'rename-blobs' renames blobs still "
            "stored under their plain SHA-256")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("status", help="the keys, where they live, and what each seals")
        rotate = sub.add_parser("rotate", help="add a data key and re-encrypt under it")
        rotate.add_argument("--resume", action="store_true",
                            help="add no key: re-encrypt what is not under the current one")
        rotate.add_argument("--limit", type=int, default=None, metavar="N",
                            help="re-encrypt at most N items per kind, then stop (run again "
                                 "to continue)")
        retire = sub.add_parser("retire", help="set aside data key N once nothing uses it")
        retire.add_argument("key_id", type=int, metavar="N")
        rename = sub.add_parser("rename-blobs",
                                help="rename blobs stored under their plain SHA-256")
        rename.add_argument("--limit", type=int, default=None, metavar="N",
                            help="rename at most N, then stop (run again to continue)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, "_" + options["action"].replace("-", "_"))(options)
        except KeyError_ as exc:
            raise CommandError(str(exc)) from None

    # -- status ----------------------------------------------------------------------------

    def _status(self, options: dict[str, Any]) -> None:
        ring = load_keyring()
        self.stdout.write(f"key folder: {key_dir()}")
        for key_id in sorted(ring.keys):
            mark = "  (encrypts)" if key_id == ring.current_id else ""
            self.stdout.write(f"  data key {key_id}: fingerprint {fingerprint(ring.keys[key_id])}"
                              f"  {data_key_source(key_id)}{mark}")
        index_source = "TIPLINE_INDEX_KEY" if settings.INDEX_KEY else str(key_dir() / "index.key")
        self.stdout.write(f"  index key: fingerprint {fingerprint(load_index_key())}  "
                          f"{index_source}")
        if (pending := rotation_pending()) is not None:
            self.stdout.write(f"a rotation to data key {pending} is unfinished: run "
                              "`tipline keys rotate` to continue it")
        for step in rotation_steps():
            if step.census is None:
                self.stdout.write(f"{step.name}: (not counted)")
                continue
            counts = step.census()
            text = ", ".join(f"{n:,} under key {k}" if k != UNREADABLE else f"{n:,} unreadable"
                             for k, n in sorted(counts.items())) or "none"
            self.stdout.write(f"{step.name}: {text}")
        if legacy := blobs_legacy_count():
            self.stdout.write(f"blobs named by their plain SHA-256: {legacy:,} (run "
                              "`tipline keys rename-blobs`)")

    # -- rotate ----------------------------------------------------------------------------

    def _rotate(self, options: dict[str, Any]) -> None:
        limit = options["limit"]
        if limit is not None and limit < 1:
            raise CommandError("--limit must be at least 1")
        ring = load_keyring()
        pending = rotation_pending()
        if options["resume"] or pending == ring.current_id:
            self.stdout.write(f"continuing under data key {ring.current_id} "
                              f"(fingerprint {fingerprint(ring.current)})")
        else:
            new_id = data_key_create()
            marker_path().write_text(f"{new_id}\n", encoding="utf-8")
            ring = load_keyring()
            _tell("keys.created", key_id=new_id, fingerprint=fingerprint(ring.current))
            self.stdout.write(f"created data key {new_id} (fingerprint "
                              f"{fingerprint(ring.current)}) in {data_key_source(new_id)}")
        results: dict[str, Rotated] = {}
        try:
            for step in rotation_steps():
                results[step.name] = self._run_step(step.name, step.rotate, ring, limit)
        finally:
            finished = (len(results) == len(rotation_steps())
                        and not any(r.failed or r.stopped for r in results.values()))
            if finished and rotation_pending() is not None:
                marker_path().unlink()
            _tell("keys.rotated", key_id=ring.current_id, finished=finished,
                  counts={name: {"reencrypted": r.done, "current": r.current,
                                 "failed": len(r.failed)} for name, r in results.items()})
        forget()
        if not finished:
            failed = sum(len(r.failed) for r in results.values())
            more = "" if not failed else f"{failed} item(s) failed (listed above); "
            raise CommandError(f"{more}the rotation to data key {ring.current_id} is "
                               "unfinished: run `tipline keys rotate` again to continue")
        self.stdout.write(f"everything is under data key {ring.current_id}; older keys "
                          "still decrypt backups made before: `tipline keys retire N` sets "
                          "one aside")

    def _run_step(self, name: str, rotate: Any, ring: Keyring, limit: int | None) -> Rotated:
        progress = TerminalProgress(f"re-encrypting {name}")
        try:
            result: Rotated = rotate(keyring=ring, limit=limit, progress=progress)
        finally:
            progress.finish()
        for line in result.failed:
            self.stderr.write(f"  failed: {line}")
        self.stdout.write(
            f"{name}: {result.done:,} re-encrypted, {result.current:,} already under key "
            f"{ring.current_id}, {len(result.failed):,} failed"
            + ("; stopped at --limit" if result.stopped else ""))
        return result

    # -- retire ----------------------------------------------------------------------------

    def _retire(self, options: dict[str, Any]) -> None:
        key_id: int = options["key_id"]
        ring = load_keyring()
        ring.get(key_id)
        if key_id == ring.current_id:
            raise CommandError(f"data key {key_id} encrypts now: rotate first")
        path = Path(data_key_source(key_id))
        if not path.is_absolute() or not path.exists():
            raise CommandError(f"data key {key_id} comes from {path}: remove it there")
        using: Counter[str] = Counter()
        for step in rotation_steps():
            if step.census is None:
                raise CommandError(f"{step.name} can't be counted: data key {key_id} might "
                                   "still be needed")
            if n := step.census().get(key_id, 0):
                using[step.name] = n
        if using:
            raise CommandError(f"data key {key_id} still seals " + ", ".join(
                f"{n:,} {name}" for name, n in using.items())
                + ": run `tipline keys rotate --resume` first")
        retired = path.with_name(f"retired-{path.name}")
        path.rename(retired)
        forget()
        _tell("keys.retired", key_id=key_id, fingerprint=fingerprint(ring.keys[key_id]))
        self.stdout.write(f"data key {key_id} set aside as {retired}: nothing Tipline holds "
                          "needs it; keep it with backups made before the rotation, or "
                          "destroy it")

    # -- rename-blobs ----------------------------------------------------------------------

    def _rename_blobs(self, options: dict[str, Any]) -> None:
        progress = TerminalProgress("renaming blobs")
        try:
            done = blobs_rename_legacy(limit=options["limit"], progress=progress)
        finally:
            progress.finish()
        _tell("keys.blobs_renamed", moved=done.moved, dropped=done.dropped,
              finished=not done.stopped)
        self.stdout.write(f"renamed {done.moved:,} blob(s) to keyed names, dropped "
                          f"{done.dropped:,} duplicate(s)"
                          + ("; stopped at --limit: run again to continue" if done.stopped
                             else "; no blob is named by its plain SHA-256"))
