"""Blind-index lookups: identifiers, IP addresses and file hashes are sealed, and search,
linking and hash matching find them by a keyed HMAC of the normalised value, exactly."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from tipline.accounts.services import system_user
from tipline.core.fields import PREFIX
from tipline.core.keys import forget
from tipline.intake.blind import file_hash_index, identifier_index, ip_index
from tipline.intake.ingest import ingest_paths
from tipline.intake.models import Identifier, IpEvent, Report, ReportFile
from tipline.intake.selectors import report_search_ids
from tipline.intake.tests.builders import ncmec_folder, pattern_png, xml_doc, xml_report

pytestmark = pytest.mark.django_db


def _ingest(tmp_path: Path, *reports: str) -> list[int]:
    path = tmp_path / "reports.xml"
    path.write_bytes(xml_doc(*reports))
    ingest_paths(paths=[path], actor=system_user("test"))
    return sorted(Report.objects.values_list("pk", flat=True))


def _raw_values(model: Any, column: str) -> list[str]:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quote(column)} FROM {quote(model._meta.db_table)}")  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


def test_search_finds_reports_by_the_index_of_each_normalised_form(
        tree: None, tmp_path: Path) -> None:
    first, second = _ingest(tmp_path, xml_report("R1", email="One@Example.in"),
                            xml_report("R2", email="two@example.in", screen="user_two",
                                       phone="98765 11111"))
    assert report_search_ids(query="one@example.in") == [first]
    assert report_search_ids(query=" ONE@Example.IN ") == [first]  # normalised like intake
    assert report_search_ids(query="98765 43210") == [first]  # E.164, as stored
    assert report_search_ids(query="+919876543210") == [first]
    assert report_search_ids(query="user_two") == [second]
    assert report_search_ids(query="49.36.10.20") == [first, second]  # both carry the IP
    assert report_search_ids(query="356938035643809") == [first, second]  # a device id
    # exact, as before: no prefix, no substring
    assert report_search_ids(query="one@example") == []
    assert report_search_ids(query="49.36.10.2") == []


def test_identifier_and_ip_rows_hold_ciphertext_and_their_index(
        tree: None, tmp_path: Path) -> None:
    _ingest(tmp_path, xml_report("R1", email="One@Example.in"))
    assert all(v.startswith(PREFIX) for v in _raw_values(Identifier, "value"))
    assert all(v.startswith(PREFIX) for v in _raw_values(IpEvent, "ip"))
    email = Identifier.objects.get(kind="email")
    assert email.value == "one@example.in"
    assert email.value_index == identifier_index("email", "one@example.in")
    event = IpEvent.objects.get()
    assert (event.ip, event.ip_index) == ("49.36.10.20", ip_index("49.36.10.20"))
    assert ip_index(" 49.36.10.20") == event.ip_index  # normalised before indexing


def test_each_kind_has_its_own_index_and_the_index_needs_its_key(
        tree: None, settings: Any) -> None:
    value = "998877"
    assert identifier_index("esp_user_id", value) != identifier_index("device_id", value)
    assert identifier_index("email", "a@b.in") == identifier_index("email", "a@b.in")
    before = identifier_index("email", "a@b.in")
    # without the index key nobody can test a guess: a plain hash of the value is no index
    assert before not in (hashlib.sha256(b"a@b.in").hexdigest()[:32],
                          hashlib.md5(b"a@b.in", usedforsecurity=False).hexdigest())
    settings.INDEX_KEY = "A" * 43 + "="
    forget()
    assert identifier_index("email", "a@b.in") != before


def test_held_files_are_found_by_their_hash_index(tree: None, tmp_path: Path) -> None:
    ncmec_folder(tmp_path / "export", "1001", seed=3)
    ingest_paths(paths=[tmp_path / "export"], actor=system_user("test"))
    digest = hashlib.sha256(pattern_png(3)).hexdigest()
    held = ReportFile.objects.get(stored=True)
    assert held.sha256 == digest
    assert digest not in "".join(_raw_values(ReportFile, "sha256"))
    assert ReportFile.objects.filter(
        sha256_index=file_hash_index("sha256", digest.upper())).get() == held
    md5 = hashlib.md5(pattern_png(3), usedforsecurity=False).hexdigest()
    assert ReportFile.objects.filter(md5_index=file_hash_index("md5", md5)).get() == held
    # the same file in another report has the same index: retro-hunts find every copy
    assert Identifier.objects.get(kind="sha256").value_index == identifier_index(
        "sha256", digest)


def test_the_report_list_opens_no_sealed_value(analyst: Any, tmp_path: Path) -> None:
    """The list reads none of the sealed columns, so a page costs what it did: nothing is
    decrypted for it (a report's own page opens only that report's values)."""
    from django.apps import apps
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tipline.core.fields import encrypted_fields
    from tipline.intake.selectors import ReportFilters, report_list_page

    _ingest(tmp_path, xml_report("R1"), xml_report("R2", email="two@example.in"))
    quote = connection.ops.quote_name
    sealed = [f"{quote(m._meta.db_table)}.{quote(f.column)}" for m in apps.get_models()
              for f in encrypted_fields(m)]
    with CaptureQueriesContext(connection) as queries:
        page = report_list_page(user=analyst, filters=ReportFilters(), limit=25)
        searched = report_list_page(user=analyst, filters=ReportFilters(query="two@example.in"),
                                    limit=25)
    assert len(page.rows) == 2 and len(searched.rows) == 1
    assert [c for q in queries.captured_queries for c in sealed if c in q["sql"]] == []
