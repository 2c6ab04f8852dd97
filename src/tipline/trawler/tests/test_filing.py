"""A confirmed finding becomes one trawler report that goes through the normal flow (scan,
geo, routing), carrying its evidence; the hosting network comes from a local ASN database."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from tipline.audit.models import AuditEvent
from tipline.geo.locators.ip import geoip_reader_cache_clear
from tipline.intake.models import IpEvent, Report, ReportFile
from tipline.media.models import FileScan, Match
from tipline.trawler.asn import asn_lookup, asn_reader_cache_clear, check_asn_database
from tipline.trawler.filing import external_id, finding_file
from tipline.trawler.judging import media_judge
from tipline.trawler.models import Finding
from tipline.trawler.tests.judge_helpers import (
    ABROAD_IP,
    MUMBAI_IP,
    PUNE_IP,
    asn_db,
    bank,
    bank_add,
    city_db,
    encode,
    fetched_media,
    fresh_index,  # noqa: F401 - autouse
    picture,
)

PAGE = "http://img.example.in/gallery/7.html"
MEDIA = "http://img.example.in/i/7.jpg"


@pytest.fixture
def databases(settings: Any, tmp_path: Path) -> Any:
    """The test City and ASN databases in use; readers forgotten around the test."""
    geoip_reader_cache_clear()
    asn_reader_cache_clear()
    settings.GEOIP_CITY_DB = city_db(tmp_path / "city.mmdb")
    settings.ASN_DB = str(asn_db(tmp_path / "asn.mmdb"))
    settings.TRAWL_CLASSIFY = False
    yield settings
    geoip_reader_cache_clear()
    asn_reader_cache_clear()


def test_a_match_files_one_report_that_is_scanned_and_routed(
        tree: None, databases: Any, immediate_tasks: None,
        django_capture_on_commit_callbacks: Any) -> None:
    data = encode(picture(7))
    bank_add(bank(), data)
    item = fetched_media(MEDIA, data, page_url=PAGE, ip=PUNE_IP,
                         headers={"content-type": "image/jpeg", "server": "test-site"})
    with django_capture_on_commit_callbacks(execute=True):
        assert media_judge([item]) == ["match"]
    finding = Finding.objects.get()
    report = Report.objects.get(source="trawler")
    assert finding.report_id == report.pk
    assert report.external_id == external_id(media_url=MEDIA, sha256=finding.sha256)
    assert (finding.asn, finding.asn_org) == (64501, "Pune Cloud")
    assert (finding.host.asn, finding.host.asn_org) == (64501, "Pune Cloud")
    # its evidence
    details = dict((k, v) for k, v in report.details)
    assert details["trawl/page_url"] == PAGE and details["trawl/media_url"] == MEDIA
    assert details["trawl/http_status"] == "200"
    assert details["trawl/http_header/server"] == "test-site"
    assert (details["trawl/ip"], details["trawl/asn"]) == (PUNE_IP, "AS64501")
    assert details["trawl/asn_org"] == "Pune Cloud"
    assert details["trawl/fetched_at"].startswith(str(finding.fetched_at.year))
    assert report.urls == [PAGE, MEDIA]
    (event,) = IpEvent.objects.filter(report=report)
    assert event.ip == PUNE_IP and event.occurred_at == finding.fetched_at
    # the normal scan stored and matched its file
    (file,) = ReportFile.objects.filter(report=report)
    assert file.stored and file.sha256 == finding.sha256 and file.location_url == MEDIA
    assert FileScan.objects.filter(file=file).exists()
    assert Match.objects.filter(file=file, report=report).exists()
    # located by the host's address, and routed like any report
    report.refresh_from_db()
    assert report.jurisdiction.code == "IN-MH-CP-PUNE"  # the Pune police commissionerate
    assert report.status == Report.Status.ROUTED
    assert AuditEvent.objects.filter(action="trawl.filed").count() == 1


def test_found_again_it_is_not_filed_twice(
        tree: None, databases: Any, immediate_tasks: None,
        django_capture_on_commit_callbacks: Any) -> None:
    data = encode(picture(8))
    bank_add(bank(), data)
    with django_capture_on_commit_callbacks(execute=True):
        media_judge([fetched_media(MEDIA, data, page_url=PAGE, ip=MUMBAI_IP)])
    first = Finding.objects.get()
    # another finding of the same media URL and content (say, the first was lost to a
    # restore) files into the same report
    with django_capture_on_commit_callbacks(execute=True):
        Finding.objects.filter(pk=first.pk).update(report=None)
        again = finding_file(finding_id=first.pk)
        media_judge([fetched_media(MEDIA, data, page_url=PAGE, ip=MUMBAI_IP)])
    assert Report.objects.filter(source="trawler").count() == 1
    assert again.pk == Report.objects.get(source="trawler").pk
    assert Finding.objects.count() == 1


def test_a_candidate_is_not_filed(tree: None, databases: Any) -> None:
    data = encode(picture(9))
    bank_add(bank("suspected", confirmed=False), data)
    media_judge([fetched_media(MEDIA, data, page_url=PAGE)])
    finding = Finding.objects.get()
    from tipline.core.errors import RejectedInput

    with pytest.raises(RejectedInput, match="only a confirmed finding"):
        finding_file(finding_id=finding.pk)
    assert not Report.objects.exists()


def test_asn_lookup(tree: None, databases: Any, settings: Any) -> None:
    net = asn_lookup(MUMBAI_IP)
    assert net is not None and (net.asn, net.org) == (64500, "Example Hosting India Pvt Ltd")
    assert asn_lookup(ABROAD_IP).asn == 64502  # type: ignore[union-attr]
    assert asn_lookup("10.0.0.1") is None and asn_lookup("not an address") is None
    assert check_asn_database(None) == []  # type: ignore[arg-type]
    settings.ASN_DB = ""
    assert asn_lookup(MUMBAI_IP) is None


@pytest.mark.django_db
def test_the_doctor_says_once_that_there_is_no_asn_database(settings: Any,
                                                            tmp_path: Path) -> None:
    settings.ASN_DB = ""
    out = StringIO()
    call_command("doctor", "--check", "asn database", stdout=out)  # passes: not unsafe
    assert out.getvalue().count("no ASN database") == 1
    settings.ASN_DB = str(tmp_path / "gone.mmdb")
    out = StringIO()
    call_command("doctor", "--check", "asn database", stdout=out)
    assert "gone.mmdb (TIPLINE_ASN_DB) is missing" in out.getvalue()
    bad = tmp_path / "bad.mmdb"
    bad.write_bytes(b"not a database")
    settings.ASN_DB = str(bad)
    out = StringIO()
    call_command("doctor", "--check", "asn database", stdout=out)
    assert "cannot be read" in out.getvalue()


def test_a_finding_whose_filing_failed_is_filed_later(
        tree: None, databases: Any, monkeypatch: pytest.MonkeyPatch,
        django_capture_on_commit_callbacks: Any) -> None:
    from tipline.core.errors import RejectedInput
    from tipline.intake import services as intake_services
    from tipline.trawler import filing

    def refuse(**_: Any) -> Report:
        raise RejectedInput("the data folder is full")

    data = encode(picture(10))
    bank_add(bank(), data)
    monkeypatch.setattr(filing, "report_receive", refuse)  # the store refusing, for once
    assert media_judge([fetched_media(MEDIA, data, page_url=PAGE)]) == ["match"]
    finding = Finding.objects.get()
    assert finding.state == "confirmed" and finding.report_id is None
    assert filing.findings_file_pending() == (0, 1)
    monkeypatch.setattr(filing, "report_receive", intake_services.report_receive)
    with django_capture_on_commit_callbacks(execute=True):
        assert filing.findings_file_pending() == (1, 0)
    finding.refresh_from_db()
    assert finding.report_id == Report.objects.get(source="trawler").pk
    assert filing.findings_file_pending() == (0, 0)
