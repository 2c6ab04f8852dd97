"""What an import accepts is the importer registry's one list: each importer's suffixes and the
ZIP that may hold them. The upload form and the walk through paths ask it, so a format
registered once is accepted everywhere, and a refusal names exactly what is accepted."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict

from tipline.accounts.services import system_user
from tipline.intake.forms import ImportUploadForm
from tipline.intake.importers import Importer, accepted_suffixes, importers
from tipline.intake.importers import base as registry
from tipline.intake.ingest import ingest_paths
from tipline.intake.models import Rejection
from tipline.intake.records import RejectedRec
from tipline.intake.sources import Container, Entry

pytestmark = pytest.mark.django_db


class TabSeparated(Importer):
    """A format the test registers for itself."""

    name = "tsv-test"
    suffixes = (".tsv",)

    def records(self, entry: Entry, container: Container) -> Iterator[RejectedRec]:
        yield RejectedRec(entry.name, "file", "read by the test's importer")


@pytest.fixture
def tsv(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(registry._REGISTRY._items, TabSeparated.name, TabSeparated())


def reasons(path: Path) -> list[str]:
    batch = ingest_paths(paths=[path], actor=system_user("test"))
    return list(Rejection.objects.filter(batch=batch).values_list("reason", flat=True))


def upload_errors(name: str) -> Any:
    upload = SimpleUploadedFile(name, b"x", content_type="application/octet-stream")
    form = ImportUploadForm(data={}, files=MultiValueDict({"uploads": [upload]}))
    form.is_valid()
    return form.errors


def test_accepted_are_the_importers_suffixes_then_the_zip() -> None:
    declared = [s for importer in importers().values() for s in importer.suffixes]
    assert accepted_suffixes() == (*declared, ".zip")
    assert sorted(accepted_suffixes()) == [".csv", ".json", ".xlsx", ".xml", ".zip"]


def test_a_file_of_another_type_is_refused_naming_what_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    assert reasons(path) == [
        "unsupported file type '.txt': expected .csv, .xlsx, .xml, .json or .zip"]
    assert "Accepted: .csv, .xlsx, .xml, .json, .zip." in str(upload_errors("notes.txt"))
    assert not upload_errors("export.ZIP") and not upload_errors("batch.xlsx")


def test_a_format_registered_once_is_accepted_by_the_form_and_the_import(
    tsv: None, tmp_path: Path
) -> None:
    assert ".tsv" in accepted_suffixes()
    assert not upload_errors("rows.tsv")
    path = tmp_path / "rows.tsv"
    path.write_text("a\tb\n")
    assert reasons(path) == ["read by the test's importer"]
