"""tipline doctor [--fix]: check a deployment (core/doctor.py's registry of checks) and print
what is unsafe; --fix repairs what it can (file modes, blob names, blob-store leftovers)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tipline.core.doctor import Checkup, doctor_checks
from tipline.core.sweep import MIN_AGE_SECONDS


class Command(BaseCommand):
    help = ("Check the deployment: file modes of the data and key folders, keys kept beside "
            "the data, blobs named by their plain SHA-256, blobs nothing refers to or "
            "half-written (left by a killed import), DEBUG, HTTPS and cookies, allowed hosts, "
            "a SECRET_KEY kept in the data folder, and a recent audit checkpoint the trail "
            "extends; --fix repairs what it can. Exits 1 when something unsafe is left")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fix", action="store_true",
                            help="repair what can be: modes, blob names, remove leftovers")
        parser.add_argument(
            "--check", action="append", default=[], metavar="NAME",
            help="run only this check (repeatable; e.g. 'blob leftovers' for a nightly sweep)")
        parser.add_argument(
            "--min-age-hours", type=float, default=MIN_AGE_SECONDS / 3600,
            help="leftovers: only files older than this many hours (default 6): a running "
                 "import writes its blobs just before it commits them")

    def handle(self, *args: Any, **options: Any) -> None:
        checkup = Checkup(fix=options["fix"], min_age=options["min_age_hours"] * 3600)
        unsafe = 0
        checks = doctor_checks()
        if wanted := options["check"]:
            known = {check.name for check in checks}
            if unknown := [name for name in wanted if name not in known]:
                raise CommandError(f"no check named {unknown[0]!r}; the checks are: "
                                   + ", ".join(sorted(known)))
            checks = [check for check in checks if check.name in wanted]
        for check in checks:
            findings = check.run(checkup)
            unsafe += sum(1 for f in findings if f.unsafe and not f.fixed)
            if not findings and check.summary is None:
                self.stdout.write(f"ok: {check.name}")
            for finding in findings:
                self.stdout.write(f"  {finding.text}")
            if check.summary is not None:
                self.stdout.write(check.summary(checkup, findings))
            elif findings:
                self.stdout.write(f"{check.name}: {len(findings)} finding(s)")
        if unsafe:
            raise CommandError(f"{unsafe} unsafe finding(s) (listed above)", returncode=1)
