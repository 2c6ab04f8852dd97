"""A mobile number for urgent text messages: given on one's preferences page, normalised to
E.164, refused when it is no number, sealed in the database, and used only for whoever chose
text messages. Bhim gives his; Prakash gives none."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from tipline.alerts.models import Recipient
from tipline.alerts.services import urgent_watch
from tipline.alerts.sms import masked, senders
from tipline.audit.models import AuditEvent
from tipline.intake.models import Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def outbox(settings: Any) -> Any:
    settings.SMS_BACKEND = "memory"
    sms = senders.all()["memory"]
    sms.outbox.clear()  # type: ignore[attr-defined]
    return sms.outbox  # type: ignore[attr-defined]


def test_a_number_is_normalised_validated_and_sealed(beed_officer: Any) -> None:
    client = Client()
    client.force_login(beed_officer)
    url = reverse("alerts:preferences")
    page = client.get(url).content.decode()
    assert 'name="phone"' in page and 'name="sms"' in page

    refused = client.post(url, {"phone": "12345", "sms": "on"})
    assert refused.status_code == 200 and "Not a valid phone number: 12345" in \
        refused.content.decode()
    refused = client.post(url, {"phone": "", "sms": "on"})
    assert "Give a mobile number to get text messages." in refused.content.decode()
    assert not Recipient.objects.exists()

    assert client.post(url, {"phone": "098123 45610", "sms": "on"}).status_code == 302
    saved = Recipient.objects.get(user=beed_officer)
    assert (saved.phone, saved.sms) == ("+919812345610", True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM alerts_recipient")
        stored = cursor.fetchone()[0]
    assert stored.startswith("tl$1$") and "9812345610" not in stored
    event = AuditEvent.objects.get(action="notifications.recipient")
    assert event.data == {"phone": "added", "sms": True}  # never the number itself
    assert "+919812345610" in client.get(url).content.decode()  # one's own number, shown back

    # another country's number in E.164 is kept as given
    client.post(url, {"phone": "+44 20 7946 0958", "sms": "on"})
    assert Recipient.objects.get(user=beed_officer).phone == "+442079460958"


def test_urgent_text_messages_go_to_who_gave_a_number_in_their_language(
    outbox: list[Any], beed_officer: Any, pune_officer: Any, mh_nodal: Any, make_report: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    Recipient.objects.create(user=beed_officer, phone="+919812345610", sms=True, language="hi")
    Recipient.objects.create(user=mh_nodal, phone="+919812345620", sms=False)
    report = make_report("IN-MH-BEED", status=Report.Status.ROUTED, ncmec_priority=1)
    with django_capture_on_commit_callbacks(execute=True):
        urgent_watch(actor=None, report_ids=[report.pk])
    assert [(m.username, m.phone) for m in outbox] == [("bhim", "+919812345610")]
    assert outbox[0].text.startswith(
        f"अत्यावश्यक: रिपोर्ट {report.reference} (NCMEC प्राथमिकता 1), Beed के लिए: ")
    assert not outbox[0].secret


def test_the_console_sender_masks_the_number(caplog: Any, settings: Any) -> None:
    from tipline.alerts.sms import Sms

    assert masked("+919812345610") == "+91********10"
    assert masked("") == ""
    settings.SMS_BACKEND = "console"
    with caplog.at_level("WARNING", logger="tipline.alerts.sms"):
        sent = senders.all()["console"].send(Sms(username="bhim", phone="+919812345610",
                                                 text="URGENT", secret="four-word-pass-phrase"))
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert not sent
    assert "+91********10" in logged and "9812345610" not in logged
    assert "four-word-pass-phrase" not in logged
