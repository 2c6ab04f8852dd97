"""The audit trail page in Hindi for whoever chose it, English as before otherwise."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_audit_trail_in_hindi(hub_admin: Any) -> None:
    client = Client()
    client.force_login(hub_admin)
    url = reverse("audit:event_list") + "?verify=1"
    english = client.get(url).content.decode()
    assert "<h1>Audit trail</h1>" in english and "Chain intact." in english
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "hi"
    hindi = client.get(url).content.decode()
    assert "<h1>ऑडिट ट्रेल</h1>" in hindi and "श्रृंखला सही है।" in hindi
    assert "समय (IST)" in hindi or "कोई घटना नहीं" in hindi
    assert "Audit trail" not in hindi and "Chain intact" not in hindi
    assert "Verify the chain" not in hindi


def test_a_form_error_in_hindi(hub_admin: Any) -> None:
    client = Client()
    client.force_login(hub_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "hi"
    page = client.get(reverse("audit:event_list"),
                      {"date_from": "2026-05-02", "date_to": "2026-05-01"}).content.decode()
    assert "अंतिम तारीख, शुरू की तारीख से पहले की है।" in page
    assert "The end date is before the start date." not in page


def test_events_read_as_sentences_in_the_readers_language(auditor: Any, hub_admin: Any) -> None:
    """The registry's sentences are translated when the page is written: Hindi for a reader
    who chose it (the data's values stay as recorded), English otherwise; an action without
    a sentence still reads as its name and pairs."""
    from django.db import transaction

    from tipline.audit.services import audit_record

    with transaction.atomic():
        audit_record(actor=hub_admin, action="case.closed", obj=hub_admin,
                     data={"reason": "duplicate", "duplicate_of": "TLC-000123"})
        audit_record(actor=hub_admin, action="some.new_thing", data={"n": 3, "who": "x"})
    client = Client()
    client.force_login(auditor)
    url = reverse("audit:event_list")
    english = client.get(url).content.decode()
    assert f"asha closed user {hub_admin.pk} as duplicate (duplicate_of=TLC-000123)" in english
    assert "asha some.new_thing (n=3, who=x)" in english
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "hi"
    hindi = client.get(url).content.decode()
    assert (f"asha ने उपयोगकर्ता {hub_admin.pk} को duplicate के रूप में बंद किया "
            "(duplicate_of=TLC-000123)") in hindi
    assert "closed user" not in hindi
    assert "asha some.new_thing (n=3, who=x)" in hindi  # no sentence: the action and pairs
