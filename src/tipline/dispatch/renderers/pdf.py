"""One PDF per report, and the SOP as a PDF: pure functions from plain data to bytes.

The report PDF never carries media, only what the platform said of each file and its hashes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

from tipline.dispatch.renderers.base import (
    PacketFile,
    PacketInfo,
    ReportData,
    Session,
    SopData,
    in_ist,
    in_utc,
    renderers,
)
from tipline.dispatch.renderers.layout import Page


def _when(value: object) -> str:
    if isinstance(value, datetime):
        return f"{in_ist(value)} ({in_utc(value)})"
    return ""


def _cover(page: Page, packet: PacketInfo) -> None:
    page.field("Packet", f"{packet.reference} (id {packet.id}, version {packet.version})")
    if packet.supersedes:
        page.field("Supersedes", f"{packet.supersedes}: {packet.correction_reason}")
    page.field("For", f"{packet.target_name} ({packet.target_code})")
    page.field("Sent by", f"{packet.created_by}, {_when(packet.created_at)}")
    page.field("Acknowledge by", _when(packet.ack_due_at))


def report_pdf(*, packet: PacketInfo, report: ReportData) -> bytes:
    """The report as the receiving unit reads it: cover, the platform's account, the hub's
    location and why, notes, linked reports, files with hashes."""
    page = Page(title=f"{report.reference} · NCMEC {report.external_id}",
                footer=f"{packet.reference} · {report.reference} · restricted: law enforcement")
    page.title(f"Tipline report {report.reference}")
    page.para(f"NCMEC / sender report id {report.external_id} · version {report.version}")
    page.gap()
    _cover(page, packet)
    page.field("Priority", report.priority if report.priority is not None else "not stated")
    page.field("Incident type", report.incident_type)
    page.field("Routed to", report.jurisdiction)

    page.heading("What the platform reported")
    page.field("Source", report.source)
    page.field("Platform", report.platform)
    page.field("Received", _when(report.received_at))
    page.field("Incident time", _when(report.incident_at) or report.incident_at_text)
    if report.incident_at and report.incident_at_text:
        page.field("  as described", report.incident_at_text)
    page.field("Referral", report.referral or "not stated")
    page.field("Escalated", f"yes: {report.escalation_note}" if report.escalated else "no")
    page.field("Annotations", ", ".join(report.annotations))
    page.field("URLs", "\n".join(report.urls))
    page.field("Additional info", report.additional_info)
    for n, suspect in enumerate(report.suspects, 1):
        page.field(f"Suspect {n}", "\n".join(suspect.identifiers()))
    if report.ip_events:
        page.heading("IP events (exact UTC time and port matter behind CGNAT)")
        for e in report.ip_events:
            port = f":{e.port}" if e.port is not None else " (no port)"
            page.para(f"{e.ip}{port} · {e.event or 'event'} · {in_utc(e.occurred_at)} · "
                      f"{in_ist(e.occurred_at)} · {e.location or 'location unknown'}",
                      font="Courier", size=8)

    page.heading("Where the hub located it")
    loc = report.location
    if loc is None:
        page.para("Not resolved.")
    else:
        page.field("Place", loc.place)
        page.field("Unit", loc.unit)
        page.field("Method", loc.methods)
        page.field("Confidence", f"{loc.confidence:.2f}" + (" (clues conflict)" if loc.conflict
                                                            else ""))
        page.field("Explanation", loc.explanation)

    page.heading("Hub notes")
    page.field("NCMEC's notes", report.ncmec_notes)
    page.field("Packet note", packet.note)

    page.heading("Linked reports")
    page.para(", ".join(report.linked) if report.linked else "None known to the hub.")

    page.heading(f"Files ({report.file_count}); the material itself is never in the packet")
    for f in report.files:
        page.field("Name", f.name)
        page.field("Size", f"{f.size} bytes" if f.size is not None else "")
        page.field("MD5", f.md5, mono=True)
        page.field("SHA-1", f.sha1, mono=True)
        page.field("SHA-256", f.sha256, mono=True)
        if f.pdq:
            page.field("PDQ", f.pdq, mono=True)
        page.gap(4)
    return page.bytes()


def sop_pdf(*, packet: PacketInfo, sop: SopData) -> bytes:
    """The SOP template rendered: `# ` headings, numbered steps, `- ` bullets, paragraphs."""
    page = Page(title=sop.title, footer=f"{packet.reference} · SOP version {sop.version}")
    page.title(sop.title)
    page.para(f"SOP version {sop.version} · sent with {packet.reference} to "
              f"{packet.target_name} · acknowledge by {in_ist(packet.ack_due_at)}")
    for block in sop.body.split("\n"):
        line = block.strip()
        if not line:
            page.gap(4)
        elif line.startswith("# "):
            page.heading(line[2:])
        elif line.startswith("- "):
            page.para(f"•  {line[2:]}")
        else:
            page.para(line)
    return page.bytes()


def report_pdf_name(report: ReportData) -> str:
    return f"reports/{report.reference}.pdf"


class _ReportPdfs:
    def __init__(self, packet: PacketInfo) -> None:
        self.packet = packet

    def add(self, reports: Sequence[ReportData]) -> Iterable[PacketFile]:
        for report in reports:
            yield PacketFile(report_pdf_name(report), report_pdf(packet=self.packet,
                                                                 report=report),
                             meta={"report": report.reference})

    def finish(self) -> Iterable[PacketFile]:
        return []


@renderers.register
class ReportPdfRenderer:
    name = "report_pdf"

    def start(self, *, packet: PacketInfo, sop: SopData, workdir: Path) -> Session:
        return _ReportPdfs(packet)


class _Sop:
    def __init__(self, packet: PacketInfo, sop: SopData) -> None:
        self.packet, self.sop = packet, sop

    def add(self, reports: Sequence[ReportData]) -> Iterable[PacketFile]:
        return []

    def finish(self) -> Iterable[PacketFile]:
        yield PacketFile("SOP.pdf", sop_pdf(packet=self.packet, sop=self.sop),
                         meta={"sop_version": str(self.sop.version)})


@renderers.register
class SopPdfRenderer:
    name = "sop_pdf"

    def start(self, *, packet: PacketInfo, sop: SopData, workdir: Path) -> Session:
        return _Sop(packet, sop)
