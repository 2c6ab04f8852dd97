"""Re-imports: the same report again is a duplicate; a changed re-send is a new version."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tipline.accounts.services import system_user
from tipline.audit.models import AuditEvent
from tipline.audit.selectors import audit_chain_verify
from tipline.intake.ingest import ingest_paths
from tipline.intake.models import Identifier, Report, Subject
from tipline.intake.tests import builders as b

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, int, int]:
    return Report.objects.count(), Subject.objects.count(), Identifier.objects.count()


def audited() -> list[list[object]]:
    """Every report the audit trail says was written: [id, source, ext id, version, sha, prev]."""
    return [row for e in AuditEvent.objects.filter(action="reports.imported")
            for row in e.data["reports"]]


def test_same_report_again_changes_nothing(tree: None, tmp_path: Path) -> None:
    folder = b.ncmec_folder(tmp_path / "x", "1001")
    actor = system_user("test")
    first = ingest_paths(paths=[folder.parent], actor=actor)
    before, events = counts(), audited()
    second = ingest_paths(paths=[folder.parent], actor=actor)
    assert (first.imported, second.imported, second.duplicates) == (1, 0, 1)
    assert counts() == before
    assert audited() == events and len(events) == 1
    report = Report.objects.get()
    assert events[0] == [report.pk, "ncmec", "1001", 1, report.content_sha256, None]
    assert audit_chain_verify().ok


def test_changed_resend_is_a_new_version(tree: None, tmp_path: Path) -> None:
    actor = system_user("test")
    folder = b.ncmec_folder(tmp_path / "a", "1001")
    ingest_paths(paths=[folder.parent], actor=actor)
    doc = json.loads((folder / "1001.json").read_text())
    doc["ncmecNotes"] = "updated by NCMEC"
    (folder / "1001.json").write_text(json.dumps(doc))
    batch = ingest_paths(paths=[folder.parent], actor=actor)
    assert (batch.imported, batch.versions, batch.duplicates) == (0, 1, 0)
    old, new = Report.objects.filter(external_id="1001").order_by("version")
    assert (old.version, new.version) == (1, 2)
    assert not old.is_current and old.status == Report.Status.SUPERSEDED
    assert new.is_current and new.supersedes_id == old.pk
    assert new.ncmec_notes == "updated by NCMEC" and old.ncmec_notes == "related to nothing"
    # the old version is kept whole, with its own subjects
    assert old.subjects.count() == 1 and new.subjects.count() == 1
    # sending version 1 again is a duplicate, not a third version
    (folder / "1001.json").write_text(json.dumps(b.ncmec_json("1001", files=["img1.png"])))
    again = ingest_paths(paths=[folder.parent], actor=actor)
    assert (again.duplicates, again.versions) == (1, 0)
    assert [row[3] for row in audited()] == [1, 2]  # version 2 audited, supersedes v1
    assert audited()[1][5] == old.pk


def test_two_versions_in_one_batch(tree: None, tmp_path: Path) -> None:
    path = tmp_path / "two.xml"
    path.write_bytes(b.xml_doc(b.xml_report("R9", screen="a"), b.xml_report("R9", screen="b")))
    batch = ingest_paths(paths=[path], actor=system_user("test"))
    assert (batch.imported, batch.versions) == (1, 1)
    current = Report.objects.get(external_id="R9", is_current=True)
    assert current.version == 2 and current.subjects.get().screen_name == "b"


def test_xml_without_id_is_identified_by_content(tree: None, tmp_path: Path) -> None:
    path = tmp_path / "noid.xml"
    path.write_bytes(b.xml_doc(b.xml_report(None)))
    actor = system_user("test")
    assert ingest_paths(paths=[path], actor=actor).imported == 1
    assert ingest_paths(paths=[path], actor=actor).duplicates == 1
    assert Report.objects.get().external_id.startswith("sha256:")
