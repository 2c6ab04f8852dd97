"""Building a packet and reading it back: the ZIP, the manifest, the workbook, every PDF.

Personas (conftest.py): Harish the hub analyst dispatches anywhere; Meera is Maharashtra's
nodal officer; Bhim is the Beed unit officer and Prakash his Pune counterpart.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Callable
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pypdf
import pytest
import pyzipper

from tipline.audit.models import AuditEvent
from tipline.core.blobs import blob_read
from tipline.core.errors import NotPermitted, RejectedInput
from tipline.core.tests.test_sheets import assert_prints_well
from tipline.dispatch import services
from tipline.dispatch.models import Packet, PacketReport
from tipline.dispatch.renderers.base import IST
from tipline.dispatch.tests.builders import link, routed
from tipline.intake.models import Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def beed_reports(make_report: Callable[..., Report]) -> list[Report]:
    reports = [routed(make_report, "IN-MH-BEED", n) for n in range(1, 4)]
    link(reports[0], reports[2])
    return reports


def _open(built: services.Built, tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    path = tmp_path / "packet.zip"
    path.write_bytes(blob_read(built.packet.sha256))
    with pyzipper.AESZipFile(path) as zf:
        zf.setpassword(built.passphrase.encode())
        return path, {name: zf.read(name) for name in zf.namelist()}


def _pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_packet_contents_match_the_database(
    analyst: Any, beed_reports: list[Report], make_report: Callable[..., Report],
    tmp_path: Path,
) -> None:
    other = routed(make_report, "IN-MH-PUNE", 7)
    built = services.packet_build(actor=analyst, target_code="IN-MH-BEED")
    packet = built.packet
    path, files = _open(built, tmp_path)
    ids = sorted(r.pk for r in beed_reports)

    # the packet row, its reports and their new status
    assert packet.report_count == 3 and packet.version == 1
    assert sorted(PacketReport.objects.filter(packet=packet)
                  .values_list("report_id", flat=True)) == ids
    assert set(Report.objects.filter(pk__in=ids).values_list("status", flat=True)) == {
        Report.Status.DISPATCHED}
    assert Report.objects.get(pk=other.pk).status == Report.Status.ROUTED
    raw = path.read_bytes()
    assert hashlib.sha256(raw).hexdigest() == packet.sha256 and len(raw) == packet.size
    assert AuditEvent.objects.filter(action="packet.built", object_id=str(packet.pk)).exists()

    # the manifest names every other member with its SHA-256
    manifest = json.loads(files.pop("manifest.json"))
    assert manifest["packet_id"] == packet.pk and manifest["version"] == 1
    assert manifest["created_by"] == "harish" and manifest["report_count"] == 3
    assert {e["name"] for e in manifest["files"]} == set(files)
    for entry in manifest["files"]:
        assert hashlib.sha256(files[entry["name"]]).hexdigest() == entry["sha256"]
        assert len(files[entry["name"]]) == entry["size"]
    refs = [r.reference for r in sorted(beed_reports, key=lambda r: r.pk)]
    assert sorted(files) == sorted(["reports.xlsx", "SOP.pdf",
                                    *[f"reports/{ref}.pdf" for ref in refs]])

    # the workbook: one row per report, per IP event, per file, against the database
    book = openpyxl.load_workbook(io.BytesIO(files["reports.xlsx"]))
    assert book.sheetnames == ["Reports", "IP events", "Files"]
    for name in book.sheetnames:  # landscape, one page wide, header on every page
        assert_prints_well(book[name])
    sheet = book["Reports"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    header = [c.value for c in sheet[1]]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    assert len(rows) == 3
    for row, report in zip(rows, sorted(beed_reports, key=lambda r: r.pk), strict=True):
        data = dict(zip(header, row, strict=True))
        assert data["Tipline id"] == report.reference
        assert data["NCMEC report id"] == report.external_id
        assert data["Received (UTC)"] == report.received_at.astimezone(UTC).replace(tzinfo=None)
        assert data["Received (IST)"] == report.received_at.astimezone(IST).replace(tzinfo=None)
        assert data["Priority"] == report.ncmec_priority
        assert data["Files"] == report.file_count
        assert data["Location method"] == "pin" and data["Location confidence"] == 0.9
        assert f"user_{report.external_id[-1]}" in data["Suspect identifiers"]
    linked = {r[0]: r[header.index("Linked reports")] for r in rows}
    assert linked[refs[0]] == refs[2] and linked[refs[2]] == refs[0] and linked[refs[1]] is None

    ip_rows = list(book["IP events"].iter_rows(min_row=2, values_only=True))
    events = list(Report.objects.get(pk=ids[0]).ip_events.order_by("occurred_at"))
    assert len(ip_rows) == sum(r.ip_events.count() for r in beed_reports)
    first = [r for r in ip_rows if r[0] == refs[0]]
    assert [(r[2], r[3]) for r in first] == [(e.ip, e.port) for e in events]
    assert first[0][4] == events[0].occurred_at.astimezone(UTC).replace(tzinfo=None)
    assert first[0][5] == events[0].occurred_at.astimezone(IST).replace(tzinfo=None)
    assert "Beed" in first[0][7]

    file_rows = list(book["Files"].iter_rows(min_row=2, values_only=True))
    db_files = [f for r in sorted(beed_reports, key=lambda r: r.pk)
                for f in r.files.order_by("id")]
    assert [(r[2], r[3], r[4], r[5], r[6]) for r in file_rows] == [
        (f.filename, f.size, f.md5, f.sha1, f.sha256) for f in db_files]
    assert all(r[7] is None for r in file_rows)  # PDQ: not computed yet

    # one PDF per report, with its ids, location, notes, links and every file hash
    for report in beed_reports:
        text = _pdf_text(files[f"reports/{report.reference}.pdf"])
        assert report.reference in text and report.external_id in text
        assert packet.reference in text
        assert "PIN 431122 and IP agree on Beed" in text and report.ncmec_notes in text
        # what the sender wrote with no field of its own, by its place in the report
        assert f"lawEnforcement/agencyName: {report.details[0][1]}" in text
        for f in report.files.all():
            assert f.sha256 in text and f.md5 in text
    assert refs[2] in _pdf_text(files[f"reports/{refs[0]}.pdf"])
    sop = _pdf_text(files["SOP.pdf"])
    assert "BNSS" in sop and "67B" in sop and packet.reference in sop


def test_zip_needs_the_passphrase(analyst: Any, beed_reports: list[Report],
                                  tmp_path: Path) -> None:
    built = services.packet_build(actor=analyst, target_code="IN-MH-BEED")
    path = tmp_path / "p.zip"
    path.write_bytes(blob_read(built.packet.sha256))
    with pyzipper.AESZipFile(path) as zf:
        assert all(info.flag_bits & 0x1 for info in zf.infolist())  # every member encrypted
        with pytest.raises(RuntimeError):
            zf.read("manifest.json")
        zf.setpassword(b"not-the-passphrase")
        with pytest.raises(RuntimeError):
            zf.read("manifest.json")
        zf.setpassword(built.passphrase.encode())
        assert json.loads(zf.read("manifest.json"))["packet_id"] == built.packet.pk
    # the passphrase is nowhere in the database or the audit trail
    notes = Packet.objects.values_list("note", flat=True)
    assert all(built.passphrase not in note for note in notes)
    assert built.passphrase not in json.dumps(list(AuditEvent.objects.values_list("data",
                                                                                   flat=True)))


def test_given_passphrase_is_used_and_checked(analyst: Any, beed_reports: list[Report],
                                              tmp_path: Path) -> None:
    with pytest.raises(RejectedInput):
        services.packet_build(actor=analyst, target_code="IN-MH-BEED", passphrase="short")
    built = services.packet_build(actor=analyst, target_code="IN-MH-BEED",
                                  passphrase="a long scripted passphrase")
    assert built.passphrase == "a long scripted passphrase"
    _, files = _open(built, tmp_path)
    assert "manifest.json" in files


def test_who_may_build(beed_officer: Any, mh_nodal: Any, beed_reports: list[Report],
                       make_report: Callable[..., Report]) -> None:
    with pytest.raises(NotPermitted):
        services.packet_build(actor=beed_officer, target_code="IN-MH-BEED")
    routed(make_report, "IN-KA", 20, status=Report.Status.NEW)
    with pytest.raises(NotPermitted):
        services.packet_build(actor=mh_nodal, target_code="IN-KA")
    built = services.packet_build(actor=mh_nodal, target_code="IN-MH-BEED")
    assert built.packet.report_count == 3
    with pytest.raises(RejectedInput):  # nothing left to send
        services.packet_build(actor=mh_nodal, target_code="IN-MH-BEED")
    assert Packet.objects.count() == 1


def test_state_packet_then_split_among_units(
    analyst: Any, mh_nodal: Any, beed_reports: list[Report], make_report: Callable[..., Report],
) -> None:
    pune = routed(make_report, "IN-MH-PUNE", 8)
    at_state = routed(make_report, "IN-MH", 9, status=Report.Status.NEW)
    state = services.packet_build(actor=analyst, target_code="IN-MH").packet
    assert set(state.items.values_list("report_id", flat=True)) == {
        *(r.pk for r in beed_reports), pune.pk, at_state.pk}
    # the nodal officer passes Beed's reports on to Beed, once
    unit = services.packet_build(actor=mh_nodal, target_code="IN-MH-BEED").packet
    assert set(unit.items.values_list("report_id", flat=True)) == {r.pk for r in beed_reports}
    with pytest.raises(RejectedInput):
        services.packet_build(actor=mh_nodal, target_code="IN-MH-BEED")
    with pytest.raises(RejectedInput):  # everything in the state has gone to the state
        services.packet_build(actor=analyst, target_code="IN-MH")


def test_since_and_chosen_reports(analyst: Any, beed_reports: list[Report]) -> None:
    old, *rest = sorted(beed_reports, key=lambda r: r.pk)
    Report.objects.filter(pk=old.pk).update(received_at=old.received_at - timedelta(days=30))
    built = services.packet_build(actor=analyst, target_code="IN-MH-BEED",
                                  since=rest[0].received_at.date())
    assert built.packet.since == rest[0].received_at.date()
    assert sorted(built.packet.items.values_list("report_id", flat=True)) == [
        r.pk for r in rest]
    with pytest.raises(RejectedInput):  # already sent
        services.packet_build(actor=analyst, target_code="IN-MH-BEED", report_ids=[rest[0].pk])
    built = services.packet_build(actor=analyst, target_code="IN-MH-BEED", report_ids=[old.pk])
    assert list(built.packet.items.values_list("report_id", flat=True)) == [old.pk]


def test_correction_supersedes(analyst: Any, beed_officer: Any, beed_reports: list[Report],
                               tmp_path: Path) -> None:
    first = services.packet_build(actor=analyst, target_code="IN-MH-BEED").packet
    with pytest.raises(RejectedInput):
        services.packet_correct(actor=analyst, packet_id=first.pk, reason="")
    second = services.packet_correct(actor=analyst, packet_id=first.pk,
                                     reason="location of one report fixed")
    new = second.packet
    assert (new.version, new.series, new.supersedes_id) == (2, first.series, first.pk)
    assert new.reference == f"PKT-{first.pk:06d}-v2"
    first.refresh_from_db()
    assert first.is_superseded
    _, files = _open(second, tmp_path)
    manifest = json.loads(files["manifest.json"])
    assert manifest["supersedes"] == first.reference
    assert manifest["correction_reason"] == "location of one report fixed"
    report = beed_reports[0]
    text = _pdf_text(files[f"reports/{report.reference}.pdf"])
    assert re.search(rf"Supersedes\s+{first.reference}: location of one report fixed", text)
    assert set(new.items.values_list("report_id", flat=True)) == {r.pk for r in beed_reports}
    from tipline.core.errors import InvalidTransition

    with pytest.raises(InvalidTransition):
        services.packet_correct(actor=analyst, packet_id=first.pk, reason="again, twice")
    with pytest.raises(InvalidTransition):
        services.packet_acknowledge(actor=beed_officer, packet_id=first.pk)
    services.packet_acknowledge(actor=beed_officer, packet_id=new.pk)
    assert AuditEvent.objects.filter(action="packet.corrected").count() == 1


def test_overdue(analyst: Any, beed_officer: Any, pune_officer: Any,
                 beed_reports: list[Report]) -> None:
    from django.utils import timezone

    from tipline.dispatch.selectors import packet_is_overdue, packets_overdue

    packet = services.packet_build(actor=analyst, target_code="IN-MH-BEED").packet
    assert packet.ack_due_at - packet.created_at == timedelta(days=3)
    assert not packets_overdue(user=beed_officer).exists()
    later = timezone.now() + timedelta(days=4)
    assert list(packets_overdue(user=beed_officer, now=later)) == [packet]
    assert packet_is_overdue(packet, now=later)
    assert not packets_overdue(user=pune_officer, now=later).exists()
    services.packet_acknowledge(actor=beed_officer, packet_id=packet.pk)
    assert not packets_overdue(user=beed_officer, now=later).exists()


def test_download_and_acknowledge_are_scoped_and_audited(
    analyst: Any, beed_officer: Any, pune_officer: Any, beed_reports: list[Report],
) -> None:
    from django.http import Http404

    packet = services.packet_build(actor=analyst, target_code="IN-MH-BEED").packet
    for user in (pune_officer, analyst):  # analyst: packet.create, not packet.receive
        with pytest.raises(Http404):
            services.packet_download(actor=user, packet_id=packet.pk)
        with pytest.raises(Http404):
            services.packet_acknowledge(actor=user, packet_id=packet.pk)
    for n in (1, 2):
        got, stream = services.packet_download(actor=beed_officer, packet_id=packet.pk)
        assert hashlib.sha256(b"".join(stream)).hexdigest() == packet.sha256
        assert got.download_count == n and got.downloaded_by == beed_officer
    assert AuditEvent.objects.filter(action="packet.downloaded",
                                     object_id=str(packet.pk)).count() == 2
    acked = services.packet_acknowledge(actor=beed_officer, packet_id=packet.pk)
    assert acked.acknowledged_by == beed_officer and acked.acknowledged_at is not None
    from tipline.core.errors import InvalidTransition

    with pytest.raises(InvalidTransition):
        services.packet_acknowledge(actor=beed_officer, packet_id=packet.pk)


def test_cases_learn_of_dispatch_and_acknowledgement(
    analyst: Any, beed_officer: Any, beed_reports: list[Report],
) -> None:
    from django.db import transaction

    from tipline.cases.models import Case
    from tipline.cases.services import cases_open

    with transaction.atomic():
        cases_open(actor=analyst, report_ids=[r.pk for r in beed_reports])
    packet = services.packet_build(actor=analyst, target_code="IN-MH-BEED").packet
    cases = Case.objects.filter(report__in=beed_reports)
    assert cases.count() == 3
    assert set(cases.values_list("packet_id", flat=True)) == {packet.pk}
    services.packet_acknowledge(actor=beed_officer, packet_id=packet.pk)
    assert set(cases.values_list("status", flat=True)) == {Case.Status.ACKNOWLEDGED}


def test_report_data_reads_in_constant_queries(
    make_report: Callable[..., Report],
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tipline.dispatch.data import report_data
    from tipline.jurisdictions.selectors import jurisdiction_tree

    jurisdiction_tree()  # held in memory per process, not per chunk

    few = [routed(make_report, "IN-MH-BEED", n).pk for n in range(2)]
    many = [routed(make_report, "IN-MH-BEED", n).pk for n in range(10, 22)]
    with CaptureQueriesContext(connection) as small:
        assert len(report_data(report_ids=few)) == 2
    with CaptureQueriesContext(connection) as large:
        assert len(report_data(report_ids=many)) == 12
    assert len(small.captured_queries) == len(large.captured_queries) == 9


def test_pdf_says_why_a_report_is_not_where_its_location_points(
        analyst: Any, make_report: Callable[..., Report], tmp_path: Path) -> None:
    from tipline.jurisdictions.models import Jurisdiction
    from tipline.routing.models import ReportCluster

    own = routed(make_report, "IN-MH-BEED", 1)
    moved = routed(make_report, "IN-MH-PUNE", 2)  # located in Pune, taken by Beed's cluster
    Report.objects.filter(pk=moved.pk).update(jurisdiction=own.jurisdiction)
    link(own, moved)
    ReportCluster.objects.update(lead=Jurisdiction.objects.get(code="IN-MH-BEED"))
    built = services.packet_build(actor=analyst, target_code="IN-MH-BEED")
    _, members = _open(built, tmp_path)
    moved_pdf = _pdf_text(members[f"reports/{moved.reference}.pdf"])
    assert "this unit leads the cluster of 2 linked reports" in moved_pdf
    assert "Why here" not in _pdf_text(members[f"reports/{own.reference}.pdf"])


def test_pdfs_rendered_in_process_too(analyst: Any, beed_reports: list[Report], settings: Any,
                                      tmp_path: Path) -> None:
    settings.DISPATCH_WORKERS = 0
    built = services.packet_build(actor=analyst, target_code="IN-MH-BEED")
    _, files = _open(built, tmp_path)
    for report in beed_reports:
        assert report.reference in _pdf_text(files[f"reports/{report.reference}.pdf"])


def test_reports_taken_meanwhile_are_refused(analyst: Any, beed_reports: list[Report]) -> None:
    """Two builds for the same unit at once: the one recorded second is refused, and its
    reserved row is gone. (The second build runs while the first reports its progress.)"""

    class Racing:
        def __init__(self) -> None:
            self.done = False

        def update(self, *, done: int, total: int | None = None, note: str = "") -> None:
            if not self.done:
                self.done = True
                services.packet_build(actor=analyst, target_code="IN-MH-BEED",
                                      report_ids=[beed_reports[0].pk])

    with pytest.raises(RejectedInput, match="sent in another packet meanwhile"):
        services.packet_build(actor=analyst, target_code="IN-MH-BEED", progress=Racing())
    packet = Packet.objects.get()
    assert list(packet.items.values_list("report_id", flat=True)) == [beed_reports[0].pk]
    assert Report.objects.filter(status=Report.Status.ROUTED).count() == 2


def test_pdf_workers_are_forked_only_from_a_main_thread(settings: Any) -> None:
    """A web request runs in a server thread, where forking can deadlock: it renders in
    its own process; the command line (a main thread) forks its workers."""
    import threading

    from tipline.dispatch.renderers.pdf import _ReportPdfs

    settings.DISPATCH_WORKERS = 2
    main = _ReportPdfs(packet=None)  # type: ignore[arg-type]
    assert main.pool is not None and main.workers == 2
    main.pool.shutdown()
    seen: list[Any] = []
    worker = threading.Thread(target=lambda: seen.append(_ReportPdfs(packet=None)))  # type: ignore[arg-type]
    worker.start()
    worker.join()
    assert seen[0].pool is None and seen[0].workers == 0
