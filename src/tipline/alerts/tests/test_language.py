"""Notifications speak their reader's language: on the pages the language chosen with the
switch, in e-mail and text messages the one saved on the preferences page (which the switch
updates). Bhim reads Hindi; Meera reads English."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tipline.alerts.models import Kind, Notification, Recipient
from tipline.alerts.services import digest_send, emails_send, notify
from tipline.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

PACKET_HI = "Beed के लिए 2 रिपोर्टों का नया पैकेट डाउनलोड और पावती के लिए आपकी प्रतीक्षा में है।"
PACKET_EN = "A new packet of 2 reports for Beed is waiting for you to download and acknowledge."


@pytest.fixture
def locmem(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _with_email(*users: Any) -> None:
    for user in users:
        user.email = f"{user.username}@police.example.in"
        user.save(update_fields=["email"])


def _packet_note(*users: Any) -> list[Notification]:
    # made while the acting person's pages are in Hindi: what is stored must not depend on it
    with translation.override("hi"), transaction.atomic():
        return notify(users=list(users), kind=Kind.PACKET, message="packet",
                      params={"count": 2, "unit": "Beed"})


def test_a_notification_reads_in_the_language_of_the_page(beed_officer: Any) -> None:
    _packet_note(beed_officer)
    note = Notification.objects.get(recipient=beed_officer)
    assert (note.message, note.params) == ("packet", {"count": 2, "unit": "Beed"})
    assert note.text == PACKET_EN  # the English fallback, whatever was active when made
    client = Client()
    client.force_login(beed_officer)
    english = client.get(reverse("alerts:notifications")).content.decode()
    assert PACKET_EN in english and "मेरी यूनिट" not in english
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "hi"
    hindi = client.get(reverse("alerts:notifications")).content.decode()
    assert PACKET_HI in hindi and PACKET_EN not in hindi
    assert "मेरी यूनिट के लिए नया पैकेट" in hindi  # the kind too


def test_an_old_notification_without_a_message_key_still_reads(beed_officer: Any) -> None:
    from django.utils import timezone

    Notification.objects.create(recipient=beed_officer, kind=Kind.PACKET, created=timezone.now(),
                                text="A new packet of 3 reports for Beed (made long ago).")
    client = Client()
    client.force_login(beed_officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "hi"
    page = client.get(reverse("alerts:notifications")).content.decode()
    assert "A new packet of 3 reports for Beed (made long ago)." in page


def test_email_goes_in_each_recipients_language(
    locmem: None, beed_officer: Any, mh_nodal: Any,
) -> None:
    _with_email(beed_officer, mh_nodal)
    Recipient.objects.create(user=beed_officer, language="hi")
    made = _packet_note(beed_officer, mh_nodal)
    assert emails_send(notification_ids=[n.pk for n in made]) == 2
    by_to = {m.to[0]: m for m in mail.outbox}
    hindi, english = by_to["bhim@police.example.in"], by_to["meera@police.example.in"]
    assert hindi.subject.startswith("[Tipline] मेरी यूनिट के लिए नया पैकेट: ")
    assert PACKET_HI in hindi.body and "नमस्ते bhim," in hindi.body
    assert PACKET_EN not in hindi.body and "Hello" not in hindi.body
    assert english.subject.startswith("[Tipline] A new packet for my unit: ")
    assert PACKET_EN in english.body and "Hello meera," in english.body
    # and the language of the server's thread is left as it was
    assert translation.get_language() in ("en", "en-gb")


def test_the_digest_goes_in_each_recipients_language(locmem: None, beed_officer: Any) -> None:
    _with_email(beed_officer)
    Recipient.objects.create(user=beed_officer, language="hi")
    _packet_note(beed_officer)
    with transaction.atomic():
        notify(users=[beed_officer], kind=Kind.SOP_OVERDUE, message="steps_overdue",
               params={"count": 1, "unit": "Beed"})
    digest_send()
    [message] = mail.outbox
    assert message.subject == "[Tipline] 2 नई सूचनाएँ"
    # the unit's name is a name: it stays as given
    assert PACKET_HI in message.body
    assert "Beed के खुले मामलों का 1 SOP चरण समय-सीमा पार कर चुका है।" in message.body


def test_the_preferences_page_sets_the_language_and_the_switch_follows(
    beed_officer: Any,
) -> None:
    client = Client()
    client.force_login(beed_officer)
    page = client.get(reverse("alerts:preferences")).content.decode()
    assert 'name="language"' in page and "Language of e-mail and text messages" in page
    assert client.post(reverse("alerts:preferences"), {"language": "hi"}).status_code == 302
    assert Recipient.objects.get(user=beed_officer).language == "hi"
    assert AuditEvent.objects.get(action="notifications.recipient").data == {"language": "hi"}
    assert client.post(reverse("alerts:preferences"), {"language": "xx"}).status_code == 200
    assert Recipient.objects.get(user=beed_officer).language == "hi"

    # the switch in the header: the pages' cookie, and the e-mail language with it
    response = client.post(reverse("set_language"), {"language": "en", "next": "/alerts/"})
    assert response.status_code == 302 and response.cookies[
        settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert Recipient.objects.get(user=beed_officer).language == "en"
    client.post(reverse("set_language"), {"language": "hi", "next": "/alerts/"})
    assert Recipient.objects.get(user=beed_officer).language == "hi"
    # an anonymous visitor (the tip form's switch) changes nobody's
    anonymous = Client()
    assert anonymous.post(reverse("set_language"), {"language": "en"}).status_code == 302
    assert Recipient.objects.get(user=beed_officer).language == "hi"
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM alerts_recipient")
        assert cursor.fetchone()[0] == 1
