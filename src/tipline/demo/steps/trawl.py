"""The demo's trawl: a small crawl of a generated local web (demo/site.py: three invented
`.invalid` hosts, some of whose images are in the demo hash bank "demo-known"), so that the
trawler page and the per-host removal figures show something real. DEMO ONLY.

Through the trawler's public services, as the demo's hub admin:

1. the hosts' abuse contacts (`contacts_import`, invented addresses abuse@<host>) and one
   source per host (`source_add`: two sites, one RSS feed, one link deep);
2. the crawl to the end (`crawl_run` until idle): bank matches become findings, filed as
   reports with source "trawler" that are scanned here and routed by the next step;
3. the takedown notices (`notices_sweep`), e-mailed to Django's in-memory backend during
   this step (nothing is sent; the demo hosts "read" them from there);
4. the re-checks, by `notices_sweep(now=...)` ON A CLOCK MOVED FORWARD, hour by hour to 80
   hours after the notices: host 1 removes everything within the first re-check, host 2
   half of it after five hours, host 3 nothing (escalated at TIPLINE_TRAWL_ESCALATE_HOURS).
   The removal times on /trawler/ are those moved-clock hours; the removal itself is real:
   each re-check fetched the URL again and found it gone or off its page.

While the step runs, settings are overridden (`override_settings`): TIPLINE_TRAWL_PROXY is
the demo web's own server, which answers every other host 502, so the crawl never leaves
this machine (the reports' links, on reserved example domains, end blocked as
unreachable); TIPLINE_TRAWL_HOST_INTERVAL_SECONDS is 0 (no per-host rate limit, for a local
site only); e-mail goes to the locmem backend. A second run finds the demo's sources and
only reports the figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.core import mail
from django.test.utils import override_settings
from django.utils import timezone

from tipline.accounts.policies import can
from tipline.accounts.services import system_user
from tipline.core.progress import NullProgress, Progress
from tipline.demo.images import PoolImage, make_pool
from tipline.demo.report import IMAGE_POOL
from tipline.demo.site import HOSTS, DemoWeb, demo_hosts
from tipline.demo.steps.scan import DEMO_BANK
from tipline.intake.models import ReportFile
from tipline.media.hashing import pdq_bytes
from tipline.media.models import BankEntry
from tipline.media.services import files_scan
from tipline.trawler.contacts import contacts_import
from tipline.trawler.crawl import crawl_run
from tipline.trawler.models import Finding, MediaSeen, Notice, Source, Url
from tipline.trawler.removals import removals_by_host
from tipline.trawler.robots import robots_forget
from tipline.trawler.services import source_add
from tipline.trawler.sweep import notices_sweep

#: the origin of the demo's sources (a second run finds them by it)
DEMO_ORIGIN = "demo: generated local web (DEMO ONLY)"
#: hours after the notices at which the re-checks run (the clock moved forward)
CLOCK_HOURS = tuple(range(1, 81))
#: images from the pool that are not banked, placed around the banked ones
_OTHERS = 60


@dataclass(frozen=True)
class HostRow:
    """One demo host's removal figures."""

    host: str
    sent: int
    removed: int
    median_hours: float | None
    escalated: int


@dataclass(frozen=True)
class Trawled:
    """What the demo's trawl found and how the hosts answered (or, on a second run, what
    an earlier run left)."""

    pages: int
    media: int
    blocked: int
    findings: int
    reports: int
    notices: int
    hosts: list[HostRow] = field(default_factory=list)
    elsewhere: int | None = None  # URLs of other hosts the crawl met (first run only)
    emails: int | None = None  # notice e-mails caught in memory (first run only)
    already: bool = False
    skipped: str = ""

    def summary(self) -> str:
        if self.skipped:
            return f"demo trawl skipped: {self.skipped}"
        head = ("demo trawl done already" if self.already else
                "demo trawl of a generated local web (3 .invalid hosts through the demo's own "
                "proxy on 127.0.0.1; nothing left this machine)")
        lines = [f"{head}: {self.pages} pages, {self.media} media seen, {self.blocked} "
                 f"blocked by robots.txt; {self.findings} findings, filed as {self.reports} "
                 f"trawler reports; {self.notices} takedown notices sent"]
        if self.emails is not None:
            lines.append(f"  notice e-mails: {self.emails}, kept in memory (Django's locmem "
                         "backend during this step), none sent")
        if self.elsewhere:
            lines.append(f"  {self.elsewhere} other URLs in the frontier (links in the reports, "
                         "on reserved example domains) were not reachable from the demo")
        lines.append("  re-checks ran on a clock moved forward, hour by hour to "
                     f"+{CLOCK_HOURS[-1]} h after the notices (DEMO ONLY):")
        for row in self.hosts:
            median = "-" if row.median_hours is None else f"{row.median_hours:.1f} h"
            lines.append(f"  {row.host}: removed {row.removed} of {row.sent}, median "
                         f"{median}, escalated {row.escalated}")
        return "\n".join(lines)


def demo_images(*, seed: int) -> tuple[list[PoolImage], list[PoolImage]]:
    """(banked, others): the demo pool's images whose PDQ is in the demo bank (in bank
    order), and some of the rest."""
    pdqs = list(BankEntry.objects.filter(bank__name=DEMO_BANK, deleted=False)
                .exclude(pdq="").order_by("pk").values_list("pdq", flat=True))
    pool = make_pool(IMAGE_POOL, seed)
    by_pdq = {pdq_bytes(image.data).hash: image for image in pool}
    banked = [by_pdq[p] for p in dict.fromkeys(pdqs) if p in by_pdq]
    numbers = {b.number for b in banked}
    others = [image for image in reversed(pool) if image.number not in numbers][:_OTHERS]
    return banked, others


def trawl_demo(*, actor: Any, seed: int, progress: Progress | None = None) -> Trawled:
    """Run the demo's trawl once (see the module docstring); a second run only counts."""
    names = [name for name, _ in HOSTS]
    if Source.objects.filter(origin=DEMO_ORIGIN).exists():
        return _figures(names, already=True)
    if actor is None or not (can(actor, "trawl.manage") and can(actor, "bank.manage")):
        return _skip("the demo's hub admin is missing or may not manage the trawler")
    banked, others = demo_images(seed=seed)
    if not banked:
        return _skip(f"no image of the demo's pool is in the hash bank {DEMO_BANK!r}")
    progress = progress or NullProgress()
    web = DemoWeb(hosts=demo_hosts(banked=banked, others=others))
    with web, override_settings(
            TRAWL_PROXY=web.proxy_url, TRAWL_HOST_INTERVAL_SECONDS=0,
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        robots_forget()
        try:
            emails, elsewhere = _run(web, actor=actor, progress=progress)
        finally:
            robots_forget()
    return _figures(names, emails=emails, elsewhere=elsewhere)


def _run(web: DemoWeb, *, actor: Any, progress: Progress) -> tuple[int, int]:
    """Contacts, sources, crawl, scan, notices and re-checks; (notice e-mails, other hosts'
    URLs met)."""
    hosts = list(web.hosts.values())
    contacts_import(actor=actor, text="host,email,name\n" + "".join(
        f"{h.name},{h.contact},Abuse desk of {h.name} (demo)\n" for h in hosts))
    for _host, url, kind in web.seeds():
        source_add(actor=actor, url=url, kind=kind, depth=1, origin=DEMO_ORIGIN)
    crawl_run(until_idle=True, progress=progress)
    names = [h.name for h in hosts]
    elsewhere = (Url.objects.exclude(host__name__in=names)
                 .filter(fetched_at__isnull=False).count())
    # the trawler's reports' files, scanned now like every other file of the demo
    ids = list(ReportFile.objects.filter(report__trawl_findings__host__name__in=names,
                                         stored=True).values_list("pk", flat=True))
    if ids:
        files_scan(actor=system_user("scanner"), file_ids=ids)

    if not hasattr(mail, "outbox"):
        mail.outbox = []
    first = len(mail.outbox)
    start = timezone.now()
    web.clock = start
    notices_sweep(now=start)
    addresses = {h.contact for h in hosts}
    notices = [m for m in mail.outbox[first:] if set(m.to) & addresses]
    web.notices_read([str(m.body) for m in notices], at=start)
    for done, hours in enumerate(CLOCK_HOURS, start=1):
        web.clock = start + timedelta(hours=hours)
        notices_sweep(now=web.clock)
        progress.update(done=done, total=len(CLOCK_HOURS), note=f"re-checks at +{hours} h")
    return len(notices), elsewhere


def _skip(why: str) -> Trawled:
    return Trawled(0, 0, 0, 0, 0, 0, skipped=why)


def _figures(names: list[str], *, already: bool = False, emails: int | None = None,
             elsewhere: int | None = None) -> Trawled:
    """The demo hosts' figures, read from the trawler's tables."""
    urls = Url.objects.filter(host__name__in=names)
    findings = Finding.objects.filter(host__name__in=names)
    host_ids = list(urls.values_list("host_id", flat=True).distinct())
    escalated = dict.fromkeys(names, 0)
    for name in Notice.objects.filter(host__name__in=names, escalated_at__isnull=False) \
            .values_list("host__name", flat=True):
        escalated[name] += 1
    rows = [HostRow(host=r.host, sent=r.sent, removed=r.removed,
                    median_hours=(r.median.total_seconds() / 3600 if r.median else None),
                    escalated=escalated.get(r.host, 0))
            for r in sorted(removals_by_host(host_ids=host_ids), key=lambda r: r.host)]
    return Trawled(
        pages=urls.filter(kind__in=(Url.Kind.PAGE, Url.Kind.FEED)).count(),
        media=MediaSeen.objects.filter(url__host__name__in=names).count(),
        blocked=urls.filter(state=Url.State.BLOCKED).count(),
        findings=findings.count(),
        reports=findings.exclude(report=None).values("report").distinct().count(),
        notices=Notice.objects.filter(host__name__in=names, sent_at__isnull=False).count(),
        hosts=rows, elsewhere=elsewhere, emails=emails, already=already)
