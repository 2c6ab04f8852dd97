"""Incident types: the schema's spelling is accepted, the older singular spelling is folded into
it, and every importer and the reports filter speak the same list."""

from __future__ import annotations

from pathlib import Path

from tipline.accounts.services import system_user
from tipline.intake import values
from tipline.intake.ingest import ingest_paths
from tipline.intake.models import Report
from tipline.intake.selectors import ReportFilters, report_list_page
from tipline.intake.tests import builders as b

ENTICEMENT = "Online Enticement of Children for Sexual Acts"  # cyber_tipline.xsd's spelling


def test_the_schemas_spelling_is_imported_and_the_singular_folded_into_it(
        tree: None, tmp_path: Path, hub_admin: object) -> None:
    path = tmp_path / "two.xml"
    path.write_bytes(b.xml_doc(
        b.xml_report("E1", incident_type=ENTICEMENT),
        b.xml_report("E2", incident_type="Online Enticement of Children for Sexual Act")))
    batch = ingest_paths(paths=[path], actor=system_user("test"))
    assert (batch.imported, batch.rejected) == (2, 0)
    assert set(Report.objects.values_list("incident_type", flat=True)) == {ENTICEMENT}
    page = report_list_page(user=hub_admin, filters=ReportFilters(incident_type=ENTICEMENT),
                            cursor=None)
    assert {r.external_id for r in page.rows} == {"E1", "E2"}


def test_one_list_of_types() -> None:
    assert ENTICEMENT in values.INCIDENT_TYPES
    assert values.incident_type("  Online Enticement of Children for Sexual Act ") == ENTICEMENT
    assert values.incident_type("Child Sex Tourism") == "Child Sex Tourism"
    assert values.incident_type("Something else") == "Something else"
