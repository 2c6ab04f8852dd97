"""One PDF per report, and the SOP as a PDF: pure functions from plain data to bytes.

The report PDF never carries media, only what the platform said of each file and its hashes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import datetime
from pathlib import Path

from django.conf import settings

from tipline.core import processes
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
from tipline.dispatch.renderers.headings import heading
from tipline.dispatch.renderers.layout import Page


def _when(value: object) -> str:
    if isinstance(value, datetime):
        return f"{in_ist(value)} ({in_utc(value)})"
    return ""


def _cover(page: Page, packet: PacketInfo) -> None:
    def h(text: str) -> str:
        return heading(text, packet.language)

    page.field(h("Packet"), f"{packet.reference} (id {packet.id}, version {packet.version})")
    if packet.supersedes:
        page.field(h("Supersedes"), f"{packet.supersedes}: {packet.correction_reason}")
    page.field(h("For"), f"{packet.target_name} ({packet.target_code})")
    page.field(h("Sent by"), f"{packet.created_by}, {_when(packet.created_at)}")
    page.field(h("Acknowledge by"), _when(packet.ack_due_at))


def report_pdf(*, packet: PacketInfo, report: ReportData) -> bytes:
    """The report as the receiving unit reads it: cover, the platform's account, the hub's
    location and why, notes, linked reports, files with hashes; headings in the packet's
    language."""

    def h(text: str) -> str:
        return heading(text, packet.language)

    page = Page(title=f"{report.reference} · NCMEC {report.external_id}",
                footer=f"{packet.reference} · {report.reference} · restricted: law enforcement")
    page.title(f"{h('Tipline report')} {report.reference}")
    page.para(f"{h('NCMEC / sender report id')} {report.external_id} · {h('version')} "
              f"{report.version}")
    page.gap()
    _cover(page, packet)
    page.field(h("Priority"),
               report.priority if report.priority is not None else h("not stated"))
    page.field(h("Incident type"), report.incident_type)
    page.field(h("Routed to"), report.jurisdiction)
    page.field(h("Why here"), report.routed_because, always=False)

    page.heading(h("What the platform reported"))
    page.field(h("Source"), report.source)
    page.field(h("Platform"), report.platform)
    page.field(h("Received"), _when(report.received_at))
    page.field(h("Incident time"), _when(report.incident_at) or report.incident_at_text)
    if report.incident_at and report.incident_at_text:
        page.field(h("  as described"), report.incident_at_text)
    page.field(h("Referral"), report.referral or h("not stated"))
    if report.escalated:
        page.field(h("Escalated"), f"yes: {report.escalation_note}")
    page.field(h("Annotations"), ", ".join(report.annotations), always=False)
    page.field(h("URLs"), "\n".join(report.urls), always=False)
    page.field(h("Additional info"), report.additional_info, always=False)
    for n, suspect in enumerate(report.suspects, 1):
        page.field(f"{h('Suspect')} {n}", "\n".join(suspect.identifiers()))
    if report.ip_events:
        page.heading(h("IP events (exact UTC time and port matter behind CGNAT)"))
        for e in report.ip_events:
            port = f":{e.port}" if e.port is not None else " (no port)"
            page.para(f"{e.ip}{port} · {e.event or 'event'} · {in_utc(e.occurred_at)} · "
                      f"{in_ist(e.occurred_at)} · {e.location or 'location unknown'}",
                      font="mono", size=8)

    page.heading(h("Where the hub located it"))
    loc = report.location
    if loc is None:
        page.para(h("Not resolved."))
    else:
        page.field(h("Place"), loc.place)
        page.field(h("Unit"), loc.unit)
        page.field(h("Method"), loc.methods)
        page.field(h("Confidence"),
                   f"{loc.confidence:.2f}" + (" (clues conflict)" if loc.conflict else ""))
        page.field(h("Explanation"), loc.explanation)

    page.heading(h("Hub notes"))
    page.field(h("NCMEC's notes"), report.ncmec_notes, always=False)
    page.field(h("Packet note"), packet.note, always=False)
    if not report.ncmec_notes and not packet.note:
        page.para(h("None."))

    if report.details:
        page.heading(h("Other fields as sent (no field of their own here)"))
        for where, value in report.details:
            page.para(f"{where}: {value}")

    page.heading(h("Linked reports"))
    page.para(", ".join(report.linked) if report.linked else h("None known to the hub."))

    page.heading(f"{h('Files')} ({report.file_count}); "
                 f"{h('the material itself is never in the packet')}")
    for f in report.files:
        size = f"{f.size} bytes" if f.size is not None else "size not stated"
        page.para(f"{f.name or '(no name)'} · {size}", font="bold", size=9)
        page.para(f"MD5     {f.md5 or '—'}\nSHA-1   {f.sha1 or '—'}\nSHA-256 {f.sha256 or '—'}"
                  + (f"\nPDQ     {f.pdq}" if f.pdq else ""), font="mono", size=7.5)
        page.gap(3)
    return page.bytes()


def sop_pdf(*, packet: PacketInfo, sop: SopData) -> bytes:
    """The SOP template rendered: `# ` headings, numbered steps, `- ` bullets, paragraphs."""
    page = Page(title=sop.title, footer=f"{packet.reference} · SOP version {sop.version}",
                exact=True)
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


def _render_many(packet: PacketInfo, reports: Sequence[ReportData]) -> list[bytes]:
    return [report_pdf(packet=packet, report=r) for r in reports]


class _ReportPdfs:
    """Renders a chunk's PDFs in worker processes while the caller reads and writes the next
    chunk; hands back each chunk's files one chunk later, in order."""

    def __init__(self, packet: PacketInfo) -> None:
        self.packet = packet
        self.pending: list[tuple[list[ReportData], list[Future[list[bytes]]]]] = []
        # fork only from a main thread (the command line, the worker): a web request runs in
        # one of a threaded server's threads, where forking can deadlock; it renders in-process
        workers = (settings.DISPATCH_WORKERS
                   if threading.current_thread() is threading.main_thread() else 0)
        self.workers = workers
        # helpers are started by the fork server (core.processes), never forked from a worker
        self.pool = (ProcessPoolExecutor(workers, mp_context=processes.context(),
                                         initializer=processes.child_start,
                                         initargs=(processes.child_settings(),))
                     if workers > 0 else None)

    def _files(self, reports: list[ReportData], parts: list[list[bytes]]) -> list[PacketFile]:
        data = [pdf for part in parts for pdf in part]
        return [PacketFile(report_pdf_name(r), pdf, meta={"report": r.reference})
                for r, pdf in zip(reports, data, strict=True)]

    def _collect(self) -> list[PacketFile]:
        out: list[PacketFile] = []
        while self.pending:
            reports, futures = self.pending.pop(0)
            out += self._files(reports, [f.result() for f in futures])
        return out

    def add(self, reports: Sequence[ReportData]) -> Iterable[PacketFile]:
        rows = list(reports)
        if self.pool is None:
            return self._files(rows, [_render_many(self.packet, rows)])
        ready = self._collect()
        step = max(len(rows) // (4 * self.workers), 1)
        self.pending.append((rows, [self.pool.submit(_render_many, self.packet,
                                                     rows[i:i + step])
                                    for i in range(0, len(rows), step)]))
        return ready

    def finish(self) -> Iterable[PacketFile]:
        return self._collect()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)


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

    def close(self) -> None:
        return None

    def finish(self) -> Iterable[PacketFile]:
        yield PacketFile("SOP.pdf", sop_pdf(packet=self.packet, sop=self.sop),
                         meta={"sop_version": str(self.sop.version)})


@renderers.register
class SopPdfRenderer:
    name = "sop_pdf"

    def start(self, *, packet: PacketInfo, sop: SopData, workdir: Path) -> Session:
        return _Sop(packet, sop)
