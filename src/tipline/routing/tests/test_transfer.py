"""Manual transfer: permitted where the actor may assign, audited with its reason, and the
sending unit loses sight of the report while the receiving one gains it."""

from __future__ import annotations

from typing import Any

import pytest

from tipline.audit.models import AuditEvent
from tipline.core.errors import NotPermitted, RejectedInput
from tipline.intake.models import Report
from tipline.routing.services import report_transfer

pytestmark = pytest.mark.django_db


def test_nodal_officer_transfers_within_the_state(
    mh_nodal: Any, beed_officer: Any, pune_officer: Any, make_report: Any, client: Any
) -> None:
    report = make_report("IN-MH-BEED")
    client.force_login(mh_nodal)
    response = client.post(f"/reports/{report.pk}/transfer/",
                           {"to": "IN-MH-PUNE", "reason": "suspect's address is in Pune"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.jurisdiction.code == "IN-MH-PUNE" and report.status == Report.Status.ROUTED
    event = AuditEvent.objects.get(action="report.transferred")
    assert event.data == {"from": "IN-MH-BEED", "to": "IN-MH-PUNE",
                          "reason": "suspect's address is in Pune"}
    client.force_login(beed_officer)
    assert client.get(f"/reports/{report.pk}/").status_code == 404
    client.force_login(pune_officer)
    assert client.get(f"/reports/{report.pk}/").status_code == 200


def test_refusals(mh_nodal: Any, beed_officer: Any, analyst: Any, make_report: Any,
                  client: Any) -> None:
    report = make_report("IN-MH-BEED")
    with pytest.raises(NotPermitted):  # a nodal officer can't send it out of the state
        report_transfer(actor=mh_nodal, report_id=report.pk, to_code="IN-DL", reason="not ours")
    with pytest.raises(RejectedInput, match="reason"):
        report_transfer(actor=analyst, report_id=report.pk, to_code="IN-DL", reason="")
    with pytest.raises(RejectedInput, match="no jurisdiction"):
        report_transfer(actor=analyst, report_id=report.pk, to_code="IN-XX-NOWHERE",
                        reason="typo in the code")
    client.force_login(beed_officer)  # a unit officer may not assign at all: 404
    response = client.post(f"/reports/{report.pk}/transfer/", {"to": "IN", "reason": "x" * 9})
    assert response.status_code == 404
    report.refresh_from_db()
    assert report.jurisdiction.code == "IN-MH-BEED"
    assert not AuditEvent.objects.filter(action="report.transferred").exists()


def test_hub_sends_a_queued_report_to_a_unit(analyst: Any, make_report: Any) -> None:
    report = make_report("IN")
    moved = report_transfer(actor=analyst, report_id=report.pk, to_code="in-mh-beed",
                            reason="the PIN is right, the IP is a proxy")
    assert moved.jurisdiction.code == "IN-MH-BEED"
