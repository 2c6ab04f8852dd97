"""A confirmed finding becomes a report with source "trawler", through intake's
`report_receive` like a public tip: its file goes through the normal scan (stored, hashed,
matched), then review, geo and routing, as any report's.

The report carries the page and the media URL, the file, the fetch time, the HTTP response
(status and headers, as details), and the host's address as an IP event, so an Indian host
is located and routed exactly as an uploader's address would be; its network (ASN and
organisation, from the local ASN database) goes with the details.

The external id is stable per media URL and content (`external_id`), so the same material
at the same address is one report however often it is found or confirmed.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.db import transaction

from tipline.accounts.services import system_user
from tipline.accounts.types import Actor
from tipline.audit.services import audit_record
from tipline.core.blobs import blob_read
from tipline.core.errors import RejectedInput
from tipline.intake.models import Report, Source
from tipline.intake.records import FileRec, IpEventRec, ReportRec
from tipline.intake.services import report_receive
from tipline.trawler.models import Finding

#: the system user trawler reports are received under
ACTOR = "trawler"
#: a header value longer than this is cut in the report's details
HEADER_MAX = 500


def external_id(*, media_url: str, sha256: str) -> str:
    """'trawl-' and 40 hex characters of SHA-256(media URL, content SHA-256)."""
    digest = hashlib.sha256(f"{media_url}\n{sha256.lower()}".encode()).hexdigest()
    return f"trawl-{digest[:40]}"


def _filename(url: str) -> str:
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    return name[:200] or "media"


def finding_record(finding: Finding, *, content: bytes) -> ReportRec:
    """The finding as intake's normalised report (module docstring)."""
    ext = external_id(media_url=finding.media_url, sha256=finding.sha256)
    host = finding.host.name
    how = ("bank match" if finding.kind == Finding.Kind.MATCH else "classifier score, "
           "confirmed by a reviewer")
    details: list[list[str]] = [
        ["trawl/finding", str(finding.pk)],
        ["trawl/kind", finding.kind],
        ["trawl/page_url", finding.page_url],
        ["trawl/media_url", finding.media_url],
        ["trawl/host", host],
        ["trawl/fetched_at", finding.fetched_at.astimezone(UTC).isoformat()],
        ["trawl/http_status", str(finding.http_status)],
    ]
    details += [[f"trawl/http_header/{name}", str(value)[:HEADER_MAX]]
                for name, value in sorted((finding.http_headers or {}).items())]
    if finding.ip:
        details.append(["trawl/ip", finding.ip])
    if finding.asn:
        details.append(["trawl/asn", f"AS{finding.asn}"])
    if finding.asn_org:
        details.append(["trawl/asn_org", finding.asn_org])
    if finding.match_how:
        details.append(["trawl/match", f"{finding.match_how}, distance {finding.distance or 0}"])
    if finding.score is not None:
        details.append(["trawl/score", f"{finding.score:.3f}"])
    events = []
    if finding.ip:
        events.append(IpEventRec(ip=finding.ip, event="Hosting (trawler fetch)",
                                 occurred_at=finding.fetched_at))
    urls = [u for u in (finding.page_url, finding.media_url) if u]
    return ReportRec(
        source=Source.TRAWLER, external_id=ext,
        content_sha256=hashlib.sha256(ext.encode()).hexdigest(),
        position=f"trawler finding {finding.pk}", received_at=datetime.now(UTC),
        incident_at=finding.fetched_at, incident_type="Trawler: " + how,
        platform=host[:200], urls=list(dict.fromkeys(urls)), ip_events=events,
        additional_info=(f"Found by the Tipline trawler at {finding.media_url}"
                         + (f" on the page {finding.page_url}" if finding.page_url else "")
                         + f" ({how})."),
        files=[FileRec(filename=_filename(finding.media_url),
                       original_filename=_filename(finding.media_url),
                       location_url=finding.media_url, publicly_available=True,
                       relevance="Reported",
                       mime=str((finding.http_headers or {}).get("content-type", ""))[:100],
                       content=lambda: iter([content]))],
        details=details,
    )


def finding_file(*, finding_id: int, actor: Actor | None = None) -> Report:
    """File a confirmed finding as a report (once: a finding already filed, or whose media
    URL and content another finding filed, is linked to that report). RejectedInput when
    the finding is not confirmed, its copy is gone, or intake refuses the report."""
    system = system_user(ACTOR)
    with transaction.atomic():
        finding = Finding.objects.select_for_update().select_related("host").get(pk=finding_id)
        if finding.report_id is not None:
            return Report.objects.get(pk=finding.report_id)
        if finding.state != Finding.State.CONFIRMED:
            raise RejectedInput("only a confirmed finding is filed as a report")
        ext = external_id(media_url=finding.media_url, sha256=finding.sha256)
        report = (Report.objects.filter(source=Source.TRAWLER, external_id=ext)
                  .order_by("-version").first())
        filed = report is None
        if report is None:
            try:
                content = blob_read(finding.blob or finding.sha256)
            except (OSError, ValueError) as exc:
                raise RejectedInput(f"the finding's copy cannot be read: {exc}") from exc
            report = report_receive(actor=system, rec=finding_record(finding, content=content),
                                    label=f"Trawler finding {finding.pk}")
        finding.report = report
        finding.save(update_fields=["report"])
        audit_record(actor=actor or system, action="trawl.filed", obj=finding, data={
            "report": report.pk, "external_id": ext, "new": filed})
    return report


def findings_file_pending(*, limit: int = 100) -> tuple[int, int]:
    """File the confirmed findings that are not filed yet (one whose filing failed, say the
    store was full): for the crawl task to call now and then. Returns (filed, still failing)."""
    filed = failed = 0
    pending = (Finding.objects.filter(state=Finding.State.CONFIRMED, report__isnull=True)
               .order_by("pk").values_list("pk", flat=True)[:limit])
    for pk in list(pending):
        try:
            finding_file(finding_id=pk)
            filed += 1
        except RejectedInput:
            failed += 1
    return filed, failed
