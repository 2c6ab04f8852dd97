"""Opening a report is recorded in the audit trail; a refused one is not."""

from __future__ import annotations

from typing import Any

import pytest

from tipline.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_opening_a_report_is_audited(client: Any, beed_officer: Any, make_report: Any) -> None:
    mine = make_report("IN-MH-BEED")
    other = make_report("IN-MH-PUNE")
    client.force_login(beed_officer)
    assert client.get(f"/reports/{mine.pk}/").status_code == 200
    assert client.get(f"/reports/{other.pk}/").status_code == 404
    viewed = AuditEvent.objects.filter(action="report.viewed")
    assert list(viewed.values_list("object_id", "actor_label")) == [(str(mine.pk), "bhim")]
