"""Writes of the trawler's seeds: a source the hub (or the command line) adds, and the URLs
every report carries, added as reports arrive.

The crawl itself (the frontier's writes per URL) is in crawl.py; a source added by a person
is audited (`trawl.source_added`), the URLs of reports are not one by one (the report's own
import is).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction

from tipline.accounts.models import User
from tipline.accounts.policies import is_system_actor, require
from tipline.audit.services import audit_record
from tipline.core.errors import RejectedInput
from tipline.intake import models as intake_models
from tipline.intake.models import Identifier, Report, ReportFile
from tipline.trawler.agent import host_name
from tipline.trawler.crawl import frontier_seed_many, source_seed, url_index, url_normal
from tipline.trawler.models import Source, Url


@transaction.atomic
def source_add(*, actor: User | None, url: str, kind: str = Source.Kind.SITE, depth: int = 0,
               scope: str = Source.Scope.SAME_HOST, every: int = 0, origin: str = "",
               report: Report | None = None) -> Source:
    """A seed for the trawler: `url` (http or https), followed `depth` links within `scope`,
    visited again every `every` seconds (0: once). A URL already a source of that kind is
    not added twice: the existing source is returned. A person adding one needs
    trawl.manage, and it is audited."""
    person = actor is not None and not is_system_actor(actor)
    if person:
        require(actor, "trawl.manage")
    clean = url_normal(url)
    if not clean:
        raise RejectedInput(f"not an http(s) URL the trawler can fetch: {url[:200]!r}")
    if kind not in Source.Kind.values or scope not in Source.Scope.values:
        raise RejectedInput(f"unknown source kind or scope: {kind!r}, {scope!r}")
    if depth < 0 or every < 0:
        raise RejectedInput("depth and every are 0 or more")
    existing = Source.objects.filter(url_index=url_index(clean), kind=kind).first()
    if existing is not None:
        return existing
    now = datetime.now(UTC)
    source = Source.objects.create(
        kind=kind, url=clean, depth=depth, scope=scope, every=every,
        origin=origin[:200] or (f"added by {actor.username}" if actor else "added"),
        report=report, created_by=actor if person else None, created_at=now,
        last_run_at=now, next_run_at=now + timedelta(seconds=every) if every else None)
    source_seed(source=source, now=now)
    if kind != Source.Kind.REPORT:
        audit_record(actor=actor, action="trawl.source_added", obj=source, data={
            "kind": kind, "host": host_name(clean), "depth": depth, "scope": scope,
            "every": every})
    return source


def report_urls(*, report_ids: Sequence[int]) -> list[tuple[int, str, str]]:
    """Every URL the reports carry: (report id, URL, where in the report) for web page
    incidents and tip links (`Report.urls`), profile URLs (identifiers of kind url) and
    where files were found (`ReportFile.location_url`). The trawler's own reports are left
    out: their URLs are where it found the material, already in its frontier."""
    out: list[tuple[int, str, str]] = []
    rows = list(Report.objects.filter(pk__in=report_ids).exclude(
        source=intake_models.Source.TRAWLER).values_list("pk", "urls"))
    report_ids = [pk for pk, _ in rows]
    for pk, urls in rows:
        out += [(pk, u, "webPageIncident") for u in urls or [] if isinstance(u, str)]
    for pk, value, origin in Identifier.objects.filter(
            report_id__in=report_ids, kind=Identifier.Kind.URL).values_list(
            "report_id", "value", "origin"):
        out.append((pk, value, origin or "profile URL"))
    for pk, location in ReportFile.objects.filter(report_id__in=report_ids) \
            .exclude(location_url="").values_list("report_id", "location_url"):
        out.append((pk, location, "file location"))
    return out


@transaction.atomic
def report_seeds_add(*, report_ids: Sequence[int]) -> int:
    """Add every http(s) URL the reports carry as a source of kind report (the report named
    in its origin) and queue it, once per URL whoever else carries it; how many were new.
    In bulk: a chunk of an import costs a few queries, not a few per URL."""
    found: dict[str, tuple[int, str, str]] = {}
    for report_id, url, where in report_urls(report_ids=report_ids):
        clean = url_normal(url)
        if clean:
            found.setdefault(url_index(clean), (report_id, clean, where))
    if not found:
        return 0
    known = set(Source.objects.filter(url_index__in=list(found)).values_list(
        "url_index", flat=True))
    now = datetime.now(UTC)
    sources = Source.objects.bulk_create([
        Source(kind=Source.Kind.REPORT, url=clean, depth=settings.TRAWL_REPORT_DEPTH,
               scope=Source.Scope.SAME_HOST, origin=f"TL-{report_id:08d} {where}"[:200],
               report_id=report_id, created_at=now)
        for index, (report_id, clean, where) in found.items() if index not in known])
    frontier_seed_many(sources=sources, now=now)
    return len(sources)


#: `Url.error` of the URLs a paused source left queued
PAUSED = "source paused"


@transaction.atomic
def source_enabled_set(*, actor: User, source_id: int, enabled: bool) -> Source:
    """Pause a source (its queued URLs are set aside, its schedule stops) or resume it (they
    are queued again, due now). Needs trawl.manage; audited when it changes anything."""
    require(actor, "trawl.manage")
    source = Source.objects.select_for_update().filter(pk=source_id).first()
    if source is None:
        raise RejectedInput(f"no trawler source {source_id}")
    if source.enabled == enabled:
        return source
    now = datetime.now(UTC)
    if enabled:
        moved = Url.objects.filter(source=source, state=Url.State.SKIPPED, error=PAUSED).update(
            state=Url.State.QUEUED, error="", due_at=now)
        source.next_run_at = now + timedelta(seconds=source.every) if source.every else None
    else:
        moved = Url.objects.filter(source=source, state=Url.State.QUEUED).update(
            state=Url.State.SKIPPED, error=PAUSED)
    source.enabled = enabled
    source.save(update_fields=["enabled", "next_run_at"])
    audit_record(actor=actor, action="trawl.source_resumed" if enabled else "trawl.source_paused",
                 obj=source, data={"urls": moved})
    return source
