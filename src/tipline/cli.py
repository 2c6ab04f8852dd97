"""The `tipline` command: every management command, on a database that is always ready.

On a fresh TIPLINE_HOME the first command creates and migrates the database and seeds the
jurisdiction tree and the built-in roles.
"""

from __future__ import annotations

import os
import sys

#: Tipline's own commands, listed first by `tipline --help`.
COMMANDS: dict[str, str] = {
    "serve": "run the web server and a background worker together",
    "worker": "run background tasks (every queue, or --queues intake,scan,route,...)",
    "ingest": "import reports from files, folders and ZIPs",
    "demo": "generate and import a synthetic NCMEC export, create demo users",
    "audit": "verify the audit chain",
    "route": "resolve and place every report not yet routed (national queue for conflicts)",
    "dispatch": "build an encrypted packet of routed reports for a unit or a state",
    "cases": "case register: `cases export --out FILE.xlsx [--state XX | --unit CODE]`",
    "alerts": "notifications: `alerts digest` (e-mail), `alerts sweep [--at TIME]` (overdue, "
              "urgent escalation), `alerts test-email ADDRESS`",
    "units": "police units, their areas and contacts (CSV import/export) and routing overrides",
    "locate": "resolve a location from clues (IP, PIN, GPS, address, phone) and explain it",
    "trawl": "the trawler: `trawl add URL [--kind --depth --scope --every]`, `list`, "
             "`run [--limit N] [--until-idle]`, `status`",
    "bootstrap": "create, migrate and seed the database (runs on its own when needed)",
    "doctor": "check the deployment (file modes, key places, blob names, leftovers); --fix",
    "keys": "data keys: `keys status`, `rotate [--resume]`, `retire N`, `rename-blobs`",
    "blobs": "copy the blob store, encrypted: `blobs backup --to DIR`, `restore --from DIR`",
    "backup": "the database, blobs and checkpoints in one encrypted archive: "
              "`backup --out FILE`",
    "restore": "restore a `tipline backup` archive, then verify the audit trail and blobs",
    "createuser": "create a user with a role over a jurisdiction",
    "users": "login locks and second factors: `users unlock NAME`, `reset-2fa NAME`, "
             "`require-2fa NAME`, `show NAME`",
    "tokens": "API tokens for hub tools (/api/): `tokens create --user NAME --name LABEL`, "
              "`list`, `revoke ID`",
    "hash": "print a file's MD5, SHA-1, SHA-256 and PDQ with its quality",
    "hashes": "hash banks: import a hash list, export as VICS JSON, list banks",
    "scan": "re-scan files against the hash banks (all, a batch, a bank, a date range)",
    "pdq-index": "serve the banks' PDQ hashes to every worker (`pdq-index serve`)",
    "trawl-contacts": "abuse contacts for takedown notices: `trawl-contacts import FILE`, "
                      "`export FILE`, `import-rdap FILE...`",
}

#: `restore` too: it puts a whole database in place (and migrates it after)
NO_BOOTSTRAP = {"help", "--help", "-h", "makemigrations", "check", "version", "--version",
                "restore"}


def _help() -> None:
    print("usage: tipline COMMAND [options]   (tipline COMMAND --help for a command's options)\n")
    print("Tipline commands:")
    for name, text in COMMANDS.items():
        print(f"  {name:<12} {text}")
    print("\nDjango commands (also available):")
    print("  migrate, createsuperuser, shell, dbshell, db_worker, check, ...")
    print("  (tipline help --all lists every command)")


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    from tipline.core.modes import private_umask

    private_umask()  # before anything is created: the data folder is private (core/modes.py)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tipline.settings")
    command = argv[1] if len(argv) > 1 else "--help"
    if command in {"--help", "-h"} or (command == "help" and len(argv) == 2):
        _help()
        return
    if command == "help" and argv[2:] == ["--all"]:
        argv = [argv[0], "help"]
    import django

    django.setup()
    from django.db import DatabaseError

    from tipline.core.errors import StorageError, database_error

    try:
        if command not in NO_BOOTSTRAP:
            from tipline.core.bootstrap import ensure_ready

            ensure_ready()
        from django.core.management import execute_from_command_line

        execute_from_command_line(argv)
    except StorageError as exc:  # a full or read-only data folder: one line, no traceback
        sys.stderr.write(f"error: {exc}\n")
        raise SystemExit(1) from None
    except DatabaseError as exc:  # the same of the database
        if (clear := database_error(exc)) is None:
            raise
        sys.stderr.write(f"error: {clear}\n")
        raise SystemExit(1) from None

if __name__ == "__main__":
    main()
