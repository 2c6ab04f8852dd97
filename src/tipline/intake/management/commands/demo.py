"""tipline demo: generate a synthetic NCMEC export, import it, and create one demo user per role.

DEMO ONLY. The export is invented (benign generated images, fake people, reserved example
domains), and every demo user shares one published password.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from tipline.core.progress import NullProgress, TerminalProgress

DEMO_PASSWORD = "tipline-demo-2026"  # noqa: S105 - published on purpose: demo users only
DEMO_PACKET_PASSPHRASE = "tipline-demo-packets"  # noqa: S105 - demo packets only
DEMO_BANK = "demo-known"
DEMO_BANK_SIZE = 6
URL = "http://127.0.0.1:8000/"

#: username, role code, jurisdiction code, full name
DEMO_USERS: tuple[tuple[str, str, str, str], ...] = (
    ("admin", "hub_admin", "IN", "Demo Admin"),
    ("analyst", "hub_analyst", "IN", "Demo Analyst"),
    ("reviewer", "reviewer", "IN", "Demo Reviewer"),
    ("mh.nodal", "state_nodal", "IN-MH", "Demo Maharashtra-Nodal"),
    ("beed.officer", "unit_officer", "IN-MH-BEED", "Demo Beed-Officer"),
    ("pune.officer", "unit_officer", "IN-MH-CP-PUNE", "Demo Pune-City-Officer"),
    ("auditor", "auditor", "IN", "Demo Auditor"),
)


class Command(BaseCommand):
    help = (
        "Generate a synthetic NCMEC export (benign demo data) into TIPLINE_HOME/demo/, import "
        "it, and create demo users with one shared demo-only password. Safe to run again."
    )

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
        if reports < 1:
            raise CommandError("--reports must be at least 1")
        folder = Path(settings.TIPLINE_HOME) / "demo"
        folder.mkdir(parents=True, exist_ok=True)
        zip_path = folder / "export.zip"
        truth_path = folder / "ground_truth.csv"

        self._generate(zip_path, truth_path, reports, options["seed"], quiet=options["quiet"])

        from tipline.accounts.services import system_user
        from tipline.core.bootstrap import seed_reference_data

        seed_reference_data()  # idempotent: the tree and roles the users are granted over
        actor = system_user("demo")
        self._contacts(actor)
        if options["no_import"]:
            self.stdout.write("import skipped (--no-import)")
            self._ready(self._users(actor))
            return
        self._import(zip_path, actor, quiet=options["quiet"])
        self._scan(folder, quiet=options["quiet"])
        self._route(truth_path, quiet=options["quiet"])
        rows = self._users(actor)
        self._dispatch(actor, seed=options["seed"], quiet=options["quiet"])
        self._ready(rows)

    # ------------------------------------------------------------------ steps

    def _generate(
        self, zip_path: Path, truth_path: Path, reports: int, seed: int, *, quiet: bool
    ) -> None:
        from tipline.demo.generator import GENERATOR_VERSION, generate_export

        stamp_path = zip_path.with_name("export.json")
        wanted = {"reports": reports, "seed": seed, "generator": GENERATOR_VERSION}
        if zip_path.exists() and truth_path.exists() and stamp_path.exists():
            try:
                stamp = json.loads(stamp_path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                stamp = {}
            if {k: stamp.get(k) for k in wanted} == wanted:
                self.stdout.write(
                    f"demo export already generated: {zip_path} ({reports} reports, seed {seed})"
                )
                return
        bar = None if quiet else TerminalProgress("generating")
        summary = generate_export(
            out_zip=zip_path, ground_truth_csv=truth_path, reports=reports, seed=seed, progress=bar
        )
        if bar is not None:
            bar.finish()
        stamp_path.write_text(
            json.dumps({**wanted, "zip_bytes": summary.zip_bytes}), encoding="utf-8"
        )
        kinds = ", ".join(f"{k} {n}" for k, n in summary.by_kind.items())
        self.stdout.write(
            f"generated {summary.reports} reports with {summary.files} files "
            f"({summary.distinct_images} distinct images) in {summary.seconds:.1f}s: "
            f"{zip_path} ({summary.zip_bytes / 1e6:.1f} MB)\n"
            f"ground truth (kept outside the export): {truth_path} [{kinds}]"
        )

    def _route(self, truth_path: Path, *, quiet: bool) -> None:
        """Resolve and place the demo's reports, and say how right that was."""
        from tipline.accounts.services import system_user
        from tipline.geo.accuracy import routing_accuracy
        from tipline.routing.services import routing_run

        bar = NullProgress() if quiet else TerminalProgress("routing")
        run = routing_run(actor=system_user("router"), progress=bar)
        if isinstance(bar, TerminalProgress):
            bar.finish()
        self.stdout.write(run.summary())
        self.stdout.write(routing_accuracy(ground_truth_csv=truth_path).summary())

    def _import(self, zip_path: Path, actor: Any, *, quiet: bool) -> None:
        from tipline.intake.ingest import ingest_paths

        bar = NullProgress() if quiet else TerminalProgress("importing")
        batch = ingest_paths(paths=[zip_path], actor=actor, progress=bar)
        if isinstance(bar, TerminalProgress):
            bar.finish()
        self.stdout.write(
            f"import batch #{batch.pk}: imported {batch.imported}, duplicates "
            f"{batch.duplicates}, new versions {batch.versions}, rejected {batch.rejected}"
        )

    def _contacts(self, actor: Any) -> None:
        """Invented contacts (reserved .invalid domain) for each state's nodal officer and
        each commissionerate that has none, through the same CSV import a state uses."""
        from tipline.jurisdictions.services import units_import
        from tipline.jurisdictions.unit_files import unit_rows_render
        from tipline.jurisdictions.units import unit_rows

        rows = [r for r in unit_rows() if r.kind in ("state", "unit") and not r.officer]
        for r in rows:
            slug = r.code.lower().replace("in-", "", 1)
            r.officer = ("Nodal officer, state cyber cell (demo)" if r.kind == "state"
                         else "Inspector, cyber police station (demo)")
            r.email = f"{slug}@demo.tipline.invalid"
            r.phone = "+91 00 0000 0000 (demo)"
        if rows:
            result = units_import(actor=actor, text=unit_rows_render(rows))
            self.stdout.write(f"demo contacts: {result.updated} nodal officers and units")

    def _users(self, actor: Any) -> list[tuple[str, str, str, str]]:
        from tipline.accounts.models import Role, User
        from tipline.accounts.services import grant_add, user_create
        from tipline.jurisdictions.models import Jurisdiction

        rows = []
        for username, role_code, node_code, full_name in DEMO_USERS:
            role = Role.objects.filter(code=role_code).first()
            role_name = role.name if role else role_code
            if User.objects.filter(username=username).exists():
                # never touch an existing account: it may be a real person's
                rows.append((username, role_name, node_code, "exists, left as is"))
                continue
            if not Jurisdiction.objects.filter(code=node_code).exists():
                self.stderr.write(f"no jurisdiction {node_code}: {username} not created")
                continue
            with transaction.atomic():
                user = user_create(
                    actor=actor,
                    username=username,
                    password=DEMO_PASSWORD,
                    email=f"{username}@example.org",
                    full_name=full_name,
                )
                grant_add(actor=actor, user=user, role_code=role_code, jurisdiction_code=node_code)
            rows.append((username, role_name, node_code, "created"))
        return rows

    def _scan(self, folder: Path, *, quiet: bool) -> None:
        """Hash, match and score every file, then load a demo hash bank made of the PDQ hashes
        of a few of the demo's own generated images (abstract shapes: DEMO ONLY, not real
        material) so that matches, priorities and the review queue show something."""
        from tipline.accounts.services import system_user
        from tipline.intake.models import ReportFile
        from tipline.media.models import FileSignal, HashBank
        from tipline.media.services import bank_create, bank_import, files_scan

        scanner = system_user("scanner")
        ids = list(ReportFile.objects.filter(stored=True).order_by("pk")
                   .values_list("pk", flat=True))
        bar = NullProgress() if quiet else TerminalProgress("scanning")
        result = files_scan(actor=scanner, file_ids=ids, progress=bar)
        if isinstance(bar, TerminalProgress):
            bar.finish()
        self.stdout.write(f"scanned {len(ids)} files: hashed {result.hashed}, failed "
                          f"{result.failed}, matches {result.matches}")
        if HashBank.objects.filter(name=DEMO_BANK).exists():
            return
        contents = sorted(set(ReportFile.objects.filter(stored=True)
                              .values_list("sha256", flat=True)))[:DEMO_BANK_SIZE]
        # the scan just stored their PDQ hashes: read them, don't hash the images again
        pdqs = dict(FileSignal.objects.filter(file__sha256__in=contents, timestamp__isnull=True)
                    .values_list("file__sha256", "pdq"))
        lines = [f"# DEMO ONLY: PDQ hashes of {len(pdqs)} generated demo images "
                 "(abstract shapes), standing in for a hash list of known material"]
        lines += [pdqs[sha] for sha in contents if sha in pdqs]
        path = folder / "demo-known-hashes.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        bank = bank_create(actor=scanner, name=DEMO_BANK, confirmed=True,
                           description="DEMO ONLY: hashes of generated demo images")
        imported = bank_import(actor=scanner, bank=bank, path=path, format_name="pdq-list")
        retro = imported.retro
        self.stdout.write(f"demo hash bank {DEMO_BANK!r}: {imported.added} hashes; retro-hunt "
                          f"matched {retro.matches if retro else 0} files in "
                          f"{len(retro.reports) if retro else 0} reports")

    def _dispatch(self, actor: Any, *, seed: int, quiet: bool) -> None:
        """Send each unit its routed reports as a packet (one published demo passphrase),
        have most units acknowledge, and move some cases along (FIRs, arrests, closures)."""
        import random

        from django.db.models import Count

        from tipline.accounts.models import User
        from tipline.cases.demo import cases_demo_progress
        from tipline.dispatch.services import packet_acknowledge, packet_build
        from tipline.intake.models import Report
        from tipline.jurisdictions.models import Jurisdiction

        admin = User.objects.filter(username="admin", is_active=True).first()
        targets = list(Report.objects.filter(
            is_current=True, status=Report.Status.ROUTED,
            jurisdiction__kind__in=[Jurisdiction.Kind.UNIT, Jurisdiction.Kind.DISTRICT])
            .values_list("jurisdiction__code").annotate(n=Count("pk")).order_by("-n"))
        if not targets or admin is None:
            return
        rng = random.Random(f"demo-dispatch:{seed}")
        bar = NullProgress() if quiet else TerminalProgress("dispatching")
        sent = acknowledged = reports = 0
        for done, (code, n) in enumerate(targets, start=1):
            built = packet_build(actor=actor, target_code=code, passphrase=DEMO_PACKET_PASSPHRASE,
                                 note="demo packet")
            sent += 1
            reports += n
            if rng.random() < 0.75:  # the rest stay unacknowledged: some become overdue
                packet_acknowledge(actor=admin, packet_id=built.packet.pk)
                acknowledged += 1
            bar.update(done=done, total=len(targets))
        if isinstance(bar, TerminalProgress):
            bar.finish()
        self.stdout.write(f"dispatched {reports} reports in {sent} packets (passphrase "
                          f"{DEMO_PACKET_PASSPHRASE!r}, demo only); {acknowledged} acknowledged")
        counts = cases_demo_progress(actor=admin, rng=rng, acknowledge_share=0.0)
        self.stdout.write("cases moved along: " + ", ".join(
            f"{k} {v}" for k, v in counts.items() if v))

    def _ready(self, rows: list[tuple[str, str, str, str]]) -> None:
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
        out.write(
            "  DEMO ONLY: published, shared password. Never use these users with real "
            "reports; delete them before real use."
        )
