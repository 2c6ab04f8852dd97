"""The routing pages speak Hindi to a person who chose it, and English, as before, to everyone
else: the queues, a unit's inbox, a state's units, the units directory, the report page's
routing sections and the messages after an assignment."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tipline.core.tests.languages import both, client_in
from tipline.geo.models import ReportLocation
from tipline.intake.models import Report
from tipline.routing.models import ReportCluster

pytestmark = pytest.mark.django_db

CONFLICT = {
    "country": "IN", "state": "MH", "conflict": True, "confidence": 0.4,
    "explanation": "CONFLICT: DL and MH", "candidates": [
        {"method": "address", "clue": "Thane", "country": "IN", "state": "MH",
         "district": "THANE", "city": "Thane", "pin": None, "confidence": 0.8}]}






def test_the_queue_in_hindi(analyst: Any, make_report: Any) -> None:
    report = make_report("IN", status=Report.Status.NEW)
    ReportLocation.objects.create(report=report, resolved_at=datetime.now(UTC), **CONFLICT)
    hi, en = both(analyst, "/routing/queue/")
    for hindi, english in [("राष्ट्रीय कतार", "National queue"),
                           ("सुराग आपस में मेल नहीं खाते", "conflicting clues"),
                           ("चुनी गई रिपोर्टें एक साथ सौंपें",
                            "Assign the selected reports together"),
                           ("Thane, MH, IN", "Thane, MH, IN")]:
        assert hindi in hi and english in en, english
        if hindi != english:
            assert english not in hi and hindi not in en
    assert report.reference in hi  # data stays as it is
    assert 'class="conflict"' in hi  # the clash is marked whatever the language


def test_the_inbox_states_and_units_in_hindi(beed_officer: Any, mh_nodal: Any, analyst: Any,
                                             make_report: Any) -> None:
    make_report("IN-MH-BEED", status=Report.Status.ROUTED)
    hi, en = both(beed_officer, "/routing/inbox/")
    # the first look (in Hindi) reads the new report
    assert "नीचे दी गई 1 रिपोर्ट आपके पिछली बार देखने के बाद आई है।" in hi
    assert "विश्वसनीयता" in hi and "Confidence" not in hi
    assert "Confidence" in en and "विश्वसनीयता" not in en
    hi, en = both(mh_nodal, "/routing/states/MH/")
    assert "यूनिट के अनुसार रिपोर्टें" in hi and "reports by unit" not in hi
    assert "reports by unit" in en
    assert "शहर Pune" in hi and "city Pune" in en  # what a unit covers: the kind, not the place
    hi, en = both(analyst, "/routing/units/")
    assert "पुलिस यूनिटें" in hi and "Packet language" not in hi
    assert "Police units" in en and "Packet language" in en
    hi, en = both(analyst, "/routing/states/")
    assert "राज्य और केंद्र शासित प्रदेश" in hi and "States and union territories" in en


def test_the_report_page_sections_and_messages_in_hindi(analyst: Any,
                                                        make_report: Any) -> None:
    report = make_report("IN-MH-BEED", status=Report.Status.ROUTED)
    other = make_report("IN-MH-BEED", status=Report.Status.ROUTED)
    for r in (report, other):
        ReportCluster.objects.create(report=r, cluster=report.pk)
    hi, en = both(analyst, f"/reports/{report.pk}/")
    assert "सौंपें या ट्रांसफ़र करें" in hi and "Assign or transfer" not in hi
    assert "Assign or transfer" in en and "Linked reports" in en
    assert "जुड़ी हुई रिपोर्टें" in hi and "दूसरी रिपोर्टों के ज़रिए" in hi
    client = client_in(analyst, hindi=True)
    done = client.post(f"/reports/{report.pk}/transfer/",
                       {"to": "IN-MH-CP-THANE", "reason": "पता सटीक है"}, follow=True)
    assert f"{report.reference}, Thane Police Commissionerate को भेजी गई।" in \
        done.content.decode()
