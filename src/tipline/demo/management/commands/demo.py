"""tipline demo: generate a synthetic NCMEC export, import it, create one demo user per role, and
run a small trawl of a generated local web (steps/trawl.py).

DEMO ONLY. The export is invented (benign generated images, fake people, reserved example
domains), and every demo user shares one published password.

Each step is a module of tipline.demo.steps that drives one step of the flow through its
public services; this command reads the options, shows progress, and prints what each step
did and how to log in.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tipline.accounts.services import system_user
from tipline.accounts.types import Actor
from tipline.core.bootstrap import seed_reference_data
from tipline.core.progress import NullProgress, Progress, TerminalProgress
from tipline.demo.steps import (
    cases,
    contacts,
    dispatch,
    generate,
    load,
    platform,
    route,
    scan,
    tips,
    trawl,
    users,
)
from tipline.demo.steps.users import DEMO_PASSWORD, DEMO_TOTP_SECRET, DEMO_USERS, UserRow

__all__ = ["DEMO_PASSWORD", "DEMO_USERS", "URL", "Command"]

URL = "http://127.0.0.1:8000/"


class Summarised(Protocol):
    def summary(self) -> str: ...


class Command(BaseCommand):
    help = (
        "Generate a synthetic NCMEC export (benign demo data) into TIPLINE_HOME/demo/, import "
        "it, create demo users with one shared demo-only password, and trawl a small "
        "generated local web (nothing leaves the machine). Safe to run again."
    )
    quiet = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reports",
            type=int,
            default=25000,
            help="number of reports to generate (default 25,000)",
        )
        parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
        parser.add_argument(
            "--no-import",
            action="store_true",
            help="generate the export and users, but don't import it",
        )
        parser.add_argument("--quiet", action="store_true", help="no progress bars")

    def handle(self, *args: Any, **options: Any) -> None:
        reports: int = options["reports"]
        seed: int = options["seed"]
        if reports < 1:
            raise CommandError("--reports must be at least 1")
        self.quiet = options["quiet"]
        folder = Path(settings.TIPLINE_HOME) / "demo"
        export = generate.export_found(folder=folder, reports=reports, seed=seed)
        if export is None:
            with self._progress("generating") as bar:
                export = generate.export_generate(
                    folder=folder, reports=reports, seed=seed, progress=bar)
        self._say(export)

        seed_reference_data()  # idempotent: the tree and roles the users are granted over
        actor = system_user("demo")
        self._say(contacts.contacts_fill(actor=actor))
        if options["no_import"]:
            self.stdout.write("import skipped (--no-import)")
            self._ready(self._users(actor))
            return
        with self._progress("importing") as bar:
            loaded = load.export_load(actor=actor, zip_path=export.zip_path, progress=bar)
        self._say(loaded)
        rows = self._users(actor)  # the demo platform's account among them
        with self._progress("platform API") as bar:
            self._say(platform.platform_reports_send(
                count=min(platform.PLATFORM_REPORTS, max(1, reports // 20)), seed=seed,
                progress=bar))
        with self._progress("public tips") as bar:
            self._say(tips.tips_send_demo(
                count=min(tips.DEMO_TIPS, max(1, reports // 600)), seed=seed, progress=bar))
        with self._progress("scanning") as bar:
            scanned = scan.files_scan_demo(folder=folder, progress=bar)
        self._say(scanned)
        with self._progress("trawling") as bar:
            self._say(trawl.trawl_demo(actor=users.demo_admin(), seed=seed, progress=bar))
        with self._progress("routing") as bar:
            routed = route.reports_route_demo(truth_path=export.truth_path, progress=bar)
        self._say(routed)
        self._dispatch(actor, seed=seed)
        self._ready(rows)

    @contextmanager
    def _progress(self, label: str) -> Iterator[Progress]:
        """A progress bar on stderr while one step runs (none with --quiet)."""
        if self.quiet:
            yield NullProgress()
            return
        bar = TerminalProgress(label)
        yield bar
        bar.finish()

    def _say(self, result: Summarised | None) -> None:
        if result is not None:
            self.stdout.write(result.summary())

    def _users(self, actor: Actor) -> list[UserRow]:
        made = users.demo_users_create(actor=actor)
        for problem in made.problems:
            self.stderr.write(problem)
        return made.rows

    def _dispatch(self, actor: Actor, *, seed: int) -> None:
        """Send each unit its packet (the demo admin acknowledges most), then move some of
        the cases along (FIRs, arrests, closures) with the same random stream."""
        admin = users.demo_admin()
        targets = dispatch.packet_targets()
        if not targets or admin is None:
            return
        rng = dispatch.dispatch_rng(seed=seed)
        with self._progress("dispatching") as bar:
            sent = dispatch.packets_send(actor=actor, acknowledger=admin, targets=targets,
                                         rng=rng, progress=bar)
        self._say(sent)
        counts = cases.cases_demo_progress(actor=admin, rng=rng, acknowledge_share=0.0)
        self.stdout.write(cases.cases_demo_summary(counts))

    def _ready(self, rows: list[UserRow]) -> None:
        """The final summary: where to go, the demo users, their one password and their one
        authenticator key."""
        out = self.stdout
        out.write("")
        out.write(f"Tipline demo is ready: run `tipline serve`, then open {URL}")
        out.write("")
        width = max(len(r[0]) for r in rows)
        role_width = max(len(r[1]) for r in rows)
        out.write(f"  {'username':<{width}}  {'role':<{role_width}}  {'over':<12}  status")
        for username, label, node, status in rows:
            out.write(f"  {username:<{width}}  {label:<{role_width}}  {node:<12}  {status}")
        out.write("")
        out.write(f"  password for every demo user: {DEMO_PASSWORD}")
        out.write(f"  second factor: add the key {DEMO_TOTP_SECRET} to an authenticator app "
                  "(TOTP, 6 digits, 30 s) and enter the code it shows after the password")
        out.write(f"  (or compute it: oathtool --totp -b {DEMO_TOTP_SECRET})")
        out.write(
            "  DEMO ONLY: published, shared password. Never use these users with real "
            "reports; delete them before real use."
        )
