"""A unit's packet language, set by the hub on the units page: Asha (hub admin) sets Beed's
to Hindi and Beed's next packet has Hindi headings; Bhim (Beed's officer) sees the unit but
may not change it (403); Prakash (Pune) cannot reach Beed's at all (404)."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import pyzipper
from django.test import Client
from django.urls import reverse

from tipline.audit.models import AuditEvent
from tipline.core.blobs import blob_read
from tipline.dispatch.services import packet_build
from tipline.intake.models import Report
from tipline.jurisdictions.models import Jurisdiction

pytestmark = pytest.mark.django_db


def _sheets(make_report: Callable[..., Report], analyst: Any, tmp_path: Path) -> list[str]:
    make_report("IN-MH-BEED", status=Report.Status.ROUTED)
    built = packet_build(actor=analyst, target_code="IN-MH-BEED")
    path = tmp_path / f"packet-{built.packet.pk}.zip"
    path.write_bytes(blob_read(built.packet.sha256))
    with pyzipper.AESZipFile(path) as zf:
        zf.setpassword(built.passphrase.encode())
        return list(openpyxl.load_workbook(io.BytesIO(zf.read("reports.xlsx"))).sheetnames)


def test_the_hub_sets_a_units_packet_language_and_the_headings_follow(
    hub_admin: Any, analyst: Any, make_report: Callable[..., Report], tmp_path: Path,
) -> None:
    assert _sheets(make_report, analyst, tmp_path)[0] == "Reports"
    client = Client()
    client.force_login(hub_admin)
    page = client.get(reverse("routing:units") + "?state=MH").content.decode()
    url = reverse("routing:unit_language", args=["IN-MH-BEED"])
    assert f'action="{url}"' in page
    response = client.post(url, {"language": "hi"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("routing:units") + "?state=MH"
    assert "Packet language of Beed saved." in response.content.decode()
    assert Jurisdiction.objects.get(code="IN-MH-BEED").language == "hi"
    assert 'id="language-IN-MH-BEED"><option value="en">English</option><option value="hi" ' \
        'selected>' in response.content.decode()
    event = AuditEvent.objects.get(action="units.language")
    assert event.data == {"unit": "IN-MH-BEED", "from": "en", "to": "hi"}
    assert _sheets(make_report, analyst, tmp_path)[0] == "रिपोर्टें"
    # the same again changes nothing and records nothing; a language we do not speak: refused
    client.post(url, {"language": "hi"})
    assert AuditEvent.objects.filter(action="units.language").count() == 1
    refused = client.post(url, {"language": "fr"}, follow=True).content.decode()
    assert "unknown language" in refused
    assert Jurisdiction.objects.get(code="IN-MH-BEED").language == "hi"


def test_a_unit_officer_may_not_set_it(
    beed_officer: Any, pune_officer: Any, mh_nodal: Any,
) -> None:
    url = reverse("routing:unit_language", args=["IN-MH-BEED"])
    for officer, status in ((beed_officer, 403), (mh_nodal, 403), (pune_officer, 404)):
        client = Client()
        client.force_login(officer)
        page = client.get(reverse("routing:units") + "?state=MH").content.decode()
        assert "routing/units/IN-MH-BEED/language/" not in page  # no form for them
        assert client.post(url, {"language": "hi"}).status_code == status, officer
    assert Jurisdiction.objects.get(code="IN-MH-BEED").language == "en"
    assert not AuditEvent.objects.filter(action="units.language").exists()
