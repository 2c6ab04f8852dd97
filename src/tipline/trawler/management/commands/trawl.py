"""tipline trawl: add a source, list the sources, crawl, and show the frontier."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tipline.accounts.services import system_user
from tipline.core.errors import RejectedInput
from tipline.core.progress import NullProgress, TerminalProgress
from tipline.trawler.crawl import crawl_run
from tipline.trawler.models import Source
from tipline.trawler.selectors import frontier_status, sources_list
from tipline.trawler.services import source_add


class Command(BaseCommand):
    help = ("The trawler: `trawl add URL [--kind --depth --scope --every]` adds a source, "
            "`list` shows them, `run [--limit N] [--until-idle]` crawls what is due, "
            "`status` counts the frontier.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="add a site, feed or ActivityPub outbox to watch")
        add.add_argument("url")
        add.add_argument("--kind", default=Source.Kind.SITE,
                         choices=[k for k in Source.Kind.values if k != Source.Kind.REPORT])
        add.add_argument("--depth", type=int, default=0,
                         help="links followed from the URL (0: the URL and its media alone)")
        add.add_argument("--scope", default=Source.Scope.SAME_HOST,
                         choices=Source.Scope.values)
        add.add_argument("--every", type=int, default=0,
                         help="seconds between two visits (0: once)")
        listing = sub.add_parser("list", help="the sources")
        listing.add_argument("--kind", choices=Source.Kind.values)
        run = sub.add_parser("run", help="crawl what is due")
        run.add_argument("--limit", type=int, help="stop after this many fetches")
        run.add_argument("--until-idle", action="store_true",
                         help="wait for other workers' leases too, until nothing is left")
        run.add_argument("--quiet", action="store_true", help="no progress line")
        sub.add_parser("status", help="the frontier in figures")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "add":
            try:
                source = source_add(actor=system_user("cli"), url=options["url"],
                                    kind=options["kind"], depth=options["depth"],
                                    scope=options["scope"], every=options["every"],
                                    origin="added with tipline trawl add")
            except RejectedInput as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(f"source {source.pk}: {source.kind} {source.url} depth "
                              f"{source.depth} {source.scope} every {source.every} s")
        elif action == "list":
            for source in sources_list(kind=options.get("kind")):
                count = getattr(source, "url_count", 0)
                self.stdout.write(
                    f"{source.pk}\t{source.kind}\t{source.url}\tdepth {source.depth}\t"
                    f"{source.scope}\tevery {source.every}\t{count} URLs\t{source.origin}")
        elif action == "run":
            bar = NullProgress() if options["quiet"] else TerminalProgress("trawl")
            stats = crawl_run(limit=options.get("limit"), until_idle=options["until_idle"],
                              progress=bar)
            if isinstance(bar, TerminalProgress):
                bar.finish()
            self.stdout.write(f"fetched {stats.fetched}: {stats.note()}")
        else:
            status = frontier_status()
            self.stdout.write(f"sources {status.sources}, hosts {status.hosts}")
            for title, counts in (("urls", status.states), ("kinds", status.kinds),
                                  ("media seen", status.outcomes)):
                parts = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
                self.stdout.write(f"{title}: {parts or 'none'}")
