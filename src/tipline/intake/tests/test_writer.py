"""The writer when another import wins a race: the chunk is retried one record at a time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tipline.accounts.services import system_user
from tipline.audit.selectors import audit_chain_verify
from tipline.intake.importers.cybertip_xml import CyberTiplineXmlImporter
from tipline.intake.models import ImportBatch, Report
from tipline.intake.records import ReportRec
from tipline.intake.tests import builders as b
from tipline.intake.writer import ReportWriter

pytestmark = pytest.mark.django_db


def parsed(tmp_path: Path, *ids: str) -> list[ReportRec]:
    path = tmp_path / "r.xml"
    path.write_bytes(b.xml_doc(*[b.xml_report(i, screen=f"s-{i}") for i in ids]))
    with path.open("rb") as fh:
        return [r for r in CyberTiplineXmlImporter().parse_stream(fh, name="r.xml")
                if isinstance(r, ReportRec)]


class RacingWriter(ReportWriter):
    """Another import writes version 1 of R2 between our planning and our commit."""

    raced = False

    def _plan(self, records: list[ReportRec], **kw: Any) -> Any:
        planned = super()._plan(records, **kw)
        if not self.raced:
            self.raced = True
            other = ReportWriter(actor=self.actor, batch=ImportBatch.objects.create(label="other"))
            rival = next(r for r in records if r.external_id == "R2")
            other.add(ReportRec(**{**rival.__dict__, "content_sha256": "f" * 64}))
            other.flush()
        return planned


def test_a_lost_race_becomes_a_new_version_not_an_error(tree: None, tmp_path: Path) -> None:
    batch = ImportBatch.objects.create(label="mine")
    writer = RacingWriter(actor=system_user("test"), batch=batch)
    for rec in parsed(tmp_path, "R1", "R2", "R3"):
        writer.add(rec)
    writer.flush()
    batch.refresh_from_db()
    assert (batch.imported, batch.versions, batch.rejected) == (2, 1, 0)
    r2 = Report.objects.filter(external_id="R2").order_by("version")
    assert [(r.version, r.is_current) for r in r2] == [(1, False), (2, True)]
    assert audit_chain_verify().ok
