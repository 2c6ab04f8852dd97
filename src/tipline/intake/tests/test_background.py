"""Imports started from the web run in the worker; big files are parsed in a second process."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from tipline.accounts.services import system_user
from tipline.audit.models import AuditEvent
from tipline.core.errors import NotPermitted, RejectedInput
from tipline.intake import parallel
from tipline.intake.ingest import batch_run, ingest_paths
from tipline.intake.models import ImportBatch, Report
from tipline.intake.services import batch_upload
from tipline.intake.tests import builders as b

pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True)  # db_worker closes the connection it shares
def test_upload_is_queued_and_the_worker_imports_it(
    analyst: Any, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    upload = SimpleUploadedFile("batch one.xml", b.xml_doc(b.xml_report("W1"), b.xml_report("W2")))
    with django_capture_on_commit_callbacks(execute=True):
        batch = batch_upload(actor=analyst, files=[upload])
    assert batch.status == ImportBatch.Status.QUEUED and batch.paths[0]["name"] == "batch_one.xml"
    assert Report.objects.count() == 0
    call_command("worker", "--batch", verbosity=0)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE and batch.imported == 2
    assert batch.done == 2 and batch.finished_at is not None
    assert AuditEvent.objects.filter(action="import.queued", actor=analyst).exists()
    # the worker then routed the new reports
    assert Report.objects.filter(location__isnull=False).count() == 2
    assert AuditEvent.objects.filter(action="reports.routed").exists()
    assert not any((Path(settings.TIPLINE_HOME) / "tmp").glob("*/*"))  # plaintext removed
    assert batch_run(batch_id=batch.pk) is None  # running it again does nothing


def test_upload_needs_permission_and_a_known_type(beed_officer: Any, analyst: Any) -> None:
    with pytest.raises(NotPermitted):
        batch_upload(actor=beed_officer, files=[SimpleUploadedFile("a.xml", b"<reports/>")])
    with pytest.raises(RejectedInput, match="unsupported file type"):
        batch_upload(actor=analyst, files=[SimpleUploadedFile("a.exe", b"MZ")])
    assert ImportBatch.objects.count() == 0


def test_large_xml_is_parsed_in_a_second_process(
    tree: None, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setattr(parallel, "MIN_BYTES", 0)
    path = tmp_path / "big.xml"
    reports = [b.xml_report(f"M{i}", screen=f"m{i}") for i in range(600)]
    reports[300] = b.xml_report("BAD", incident_type="Nope")
    path.write_bytes(b.xml_doc(*reports))
    assert parallel.worthwhile(path)
    batch = ingest_paths(paths=[path], actor=system_user("test"))
    assert (batch.imported, batch.rejected) == (599, 1)
    assert Report.objects.filter(external_id="M599").exists()


def test_the_import_page_names_no_server_path_and_a_finished_count(
        analyst: Any, settings: Any) -> None:
    """Regression: an uploaded file's rejection named the worker's temporary copy, and a
    finished import of XML said "2 of ? records processed"."""
    from django.test import Client
    from django.urls import reverse

    good = SimpleUploadedFile("good.xml", b.xml_doc(b.xml_report("P1"), b.xml_report("P2")))
    broken = SimpleUploadedFile("broken.xml", b"<reports><report>")
    batch = batch_upload(actor=analyst, files=[good, broken])
    batch_run(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE and batch.imported == 2
    client = Client()
    client.force_login(analyst)
    page = client.get(reverse("intake:batch_detail", args=[batch.pk])).content.decode()
    assert "broken.xml" in page  # the rejection names the file as uploaded
    assert str(settings.TIPLINE_HOME) not in page and "/tmp" not in page
    assert 'data-progress="total">?<' not in page
    assert f'data-progress="total">{batch.done}<' in page
