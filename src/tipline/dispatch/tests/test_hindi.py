"""The packet pages speak Hindi to a person who chose it, and English, as before, to everyone
else: the list with its filters and statuses, building a packet, its passphrase page, the
SOP editor, and the messages after acknowledging."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from tipline.core.tests.languages import apart, both, client_in
from tipline.dispatch import services
from tipline.dispatch.tests.builders import routed
from tipline.intake.models import Report

pytestmark = pytest.mark.django_db








def test_the_packet_list_in_hindi(analyst: Any, beed_officer: Any,
                                  make_report: Callable[..., Report]) -> None:
    routed(make_report, "IN-MH-BEED", 0)
    packet = services.packet_build(actor=analyst, target_code="IN-MH-BEED").packet
    hi, en = both(beed_officer, reverse("dispatch:packet_list"))
    apart(hi, en, [("पावती का इंतज़ार", "Awaiting acknowledgement"),
                    ("प्राप्ति की पावती दें", "Acknowledge receipt"),
                    ("मेरे दायरे की हर जगह", "Anywhere I can see"),
                    ("1 पैकेट, सबसे नया पहले।", "1 packet, newest first.")])
    assert packet.reference in hi
    hi, en = both(analyst, reverse("dispatch:packet_list"))
    apart(hi, en, [("सभी यूनिटों को भेजे गए पैकेट", "Packets sent to all units")])
    done = client_in(beed_officer, hindi=True).post(
        reverse("dispatch:packet_acknowledge", args=[packet.pk]), follow=True)
    assert f"{packet.reference} की पावती दर्ज हुई।" in done.content.decode()


def test_building_a_packet_in_hindi(mh_nodal: Any, make_report: Callable[..., Report]) -> None:
    routed(make_report, "IN-MH-BEED", 0)
    hi, en = both(mh_nodal, reverse("dispatch:packet_new"))
    apart(hi, en, [("पैकेट बनाएँ", "Build the packet"), ("1 इंतज़ार में", "1 waiting"),
                    ("यूनिट के लिए टिप्पणी", "Note to the unit")])
    built = client_in(mh_nodal, hindi=True).post(reverse("dispatch:packet_new"),
                                               {"target": "IN-MH-BEED"})
    page = built.content.decode()
    assert built.status_code == 200 and "पासफ़्रेज़ सिर्फ़ इसी बार दिखाया जा रहा है" in page
    assert "This is the only time" not in page


def test_the_sop_editor_in_hindi(hub_admin: Any) -> None:
    hi, en = both(hub_admin, reverse("dispatch:sop_edit"))
    apart(hi, en, [("हर पैकेट में सबसे नया संस्करण SOP.pdf के रूप में जाता है।",
                     "Every packet carries the newest version as SOP.pdf."),
                    ("(मूल)", "(as shipped)")])
    assert "<h1>मानक संचालन प्रक्रिया (SOP)</h1>" in hi
