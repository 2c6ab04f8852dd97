"""Packet pages, each tried anonymous, without permission, permitted and from elsewhere.

Harish (hub analyst) builds packets anywhere; Meera (Maharashtra nodal) builds for her state
and receives its packets; Bhim (Beed) receives Beed's packets and must get 404 for Pune's;
Prakash is his Pune counterpart; Aditi the auditor and Nikhil (no grant) see nothing here.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

import pytest
import pyzipper
from django.test import Client
from django.urls import reverse

from tipline.audit.models import AuditEvent
from tipline.dispatch import services
from tipline.dispatch.models import Packet, SopTemplate
from tipline.dispatch.tests.builders import routed
from tipline.intake.models import Report

pytestmark = pytest.mark.django_db


def login(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


@pytest.fixture
def beed_packet(analyst: Any, make_report: Callable[..., Report]) -> Packet:
    for n in range(2):
        routed(make_report, "IN-MH-BEED", n)
    return services.packet_build(actor=analyst, target_code="IN-MH-BEED").packet


def test_anonymous_is_sent_to_login(client: Client, beed_packet: Packet) -> None:
    for url in [reverse("dispatch:packet_list"), reverse("dispatch:packet_new"),
                reverse("dispatch:packet_download", args=[beed_packet.pk]),
                reverse("dispatch:sop_edit")]:
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]
    response = client.post(reverse("dispatch:packet_acknowledge", args=[beed_packet.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert Packet.objects.get().acknowledged_at is None


def test_unpermitted_get_404(client: Client, auditor: Any, nobody: Any,
                             beed_packet: Packet) -> None:
    for user in (auditor, nobody):
        login(client, user)
        for url in [reverse("dispatch:packet_list"), reverse("dispatch:packet_new"),
                    reverse("dispatch:packet_download", args=[beed_packet.pk]),
                    reverse("dispatch:sop_edit")]:
            assert client.get(url).status_code == 404
        assert client.post(reverse("dispatch:packet_acknowledge",
                                   args=[beed_packet.pk])).status_code == 404
        assert b"Packets</a>" not in client.get(reverse("intake:report_list")).content


def test_unit_lists_downloads_and_acknowledges(client: Client, beed_officer: Any,
                                               beed_packet: Packet) -> None:
    login(client, beed_officer)
    page = client.get(reverse("dispatch:packet_list"))
    assert page.status_code == 200
    assert beed_packet.reference.encode() in page.content
    assert b"Awaiting acknowledgement" in page.content and b"Packets</a>" in page.content
    response = client.get(reverse("dispatch:packet_download", args=[beed_packet.pk]))
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/zip"
    assert hashlib.sha256(body).hexdigest() == beed_packet.sha256
    assert AuditEvent.objects.filter(action="packet.downloaded", actor=beed_officer).count() == 1
    response = client.post(reverse("dispatch:packet_acknowledge", args=[beed_packet.pk]))
    assert response.status_code == 302
    assert Packet.objects.get().acknowledged_by == beed_officer
    assert b"Acknowledged" in client.get(reverse("dispatch:packet_list")).content


def test_other_unit_gets_404(client: Client, pune_officer: Any, beed_packet: Packet) -> None:
    login(client, pune_officer)
    page = client.get(reverse("dispatch:packet_list"))
    assert page.status_code == 200 and beed_packet.reference.encode() not in page.content
    assert client.get(reverse("dispatch:packet_download",
                              args=[beed_packet.pk])).status_code == 404
    assert client.post(reverse("dispatch:packet_acknowledge",
                               args=[beed_packet.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action="packet.downloaded").exists()
    assert Packet.objects.get().acknowledged_at is None
    # the unit cannot build packets either
    assert client.get(reverse("dispatch:packet_new")).status_code == 404


def test_overdue_is_marked(client: Client, beed_officer: Any, beed_packet: Packet) -> None:
    from datetime import timedelta

    Packet.objects.filter(pk=beed_packet.pk).update(
        ack_due_at=beed_packet.created_at - timedelta(hours=1))
    login(client, beed_officer)
    page = client.get(reverse("dispatch:packet_list"))
    assert b'class="overdue"' in page.content and b"Overdue" in page.content


def test_nodal_builds_and_sees_passphrase_once(client: Client, mh_nodal: Any,
                                               make_report: Callable[..., Report],
                                               tmp_path: Any) -> None:
    beed = routed(make_report, "IN-MH-BEED", 1)
    routed(make_report, "IN-KA", 2, status=Report.Status.NEW)
    login(client, mh_nodal)
    form = client.get(reverse("dispatch:packet_new"))
    assert b"IN-MH-BEED" in form.content and b"IN-KA" not in form.content
    # another state's node is refused even if posted by hand
    refused = client.post(reverse("dispatch:packet_new"), {"target": "IN-KA"})
    assert refused.status_code == 200 and not Packet.objects.exists()
    response = client.post(reverse("dispatch:packet_new"), {"target": "IN-MH-BEED",
                                                           "note": "urgent first"})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    packet = Packet.objects.get()
    assert packet.note == "urgent first" and packet.created_by == mh_nodal
    match = re.search(rb'class="passphrase"[^>]*>([^<]+)<', response.content)
    assert match
    passphrase = match.group(1).decode()
    path = tmp_path / "p.zip"
    from tipline.core.blobs import blob_read

    path.write_bytes(blob_read(packet.sha256))
    with pyzipper.AESZipFile(path) as zf:
        zf.setpassword(passphrase.encode())
        assert f"reports/{beed.reference}.pdf" in zf.namelist()
        zf.read("manifest.json")
    # never shown again
    assert passphrase.encode() not in client.get(reverse("dispatch:packet_list")).content


def test_correct_from_the_list(client: Client, analyst: Any, beed_packet: Packet) -> None:
    login(client, analyst)
    response = client.post(reverse("dispatch:packet_correct", args=[beed_packet.pk]),
                           {"reason": "wrong unit name on cover"})
    assert response.status_code == 200 and b"Supersedes" in response.content
    new = Packet.objects.get(supersedes=beed_packet)
    assert new.version == 2
    page = client.get(reverse("dispatch:packet_list")).content
    assert b"Superseded" in page and b"wrong unit name on cover" in page


def test_sop_edit_by_hub_admin_only(client: Client, hub_admin: Any, analyst: Any) -> None:
    login(client, analyst)
    assert client.get(reverse("dispatch:sop_edit")).status_code == 404
    login(client, hub_admin)
    page = client.get(reverse("dispatch:sop_edit"))
    assert page.status_code == 200 and b"BNSS" in page.content
    response = client.post(reverse("dispatch:sop_edit"), {
        "title": "SOP for units", "body": "# Steps\n1. Check the manifest first, always."})
    assert response.status_code == 302
    sop = SopTemplate.objects.get()
    assert (sop.version, sop.created_by) == (2, hub_admin)
    assert AuditEvent.objects.filter(action="sop.edited").exists()


def test_list_queries_do_not_grow_with_packets(
    client: Client, analyst: Any, mh_nodal: Any, make_report: Callable[..., Report],
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, mh_nodal)
    routed(make_report, "IN-MH-BEED", 1)
    services.packet_build(actor=analyst, target_code="IN-MH-BEED")
    client.get(reverse("dispatch:packet_list"))  # warm the per-process tree cache
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("dispatch:packet_list")).status_code == 200
    for n in range(2, 6):
        routed(make_report, "IN-MH-PUNE" if n % 2 else "IN-MH-BEED", n)
        services.packet_build(actor=analyst, target_code="IN-MH")
        services.packet_build(actor=analyst, target_code="IN-MH-BEED" if n % 2 == 0
                              else "IN-MH-PUNE")
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("dispatch:packet_list"))
    assert page.content.count(b"PKT-") >= 9
    assert len(many.captured_queries) == len(one.captured_queries)
