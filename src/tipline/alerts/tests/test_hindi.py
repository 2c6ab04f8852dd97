"""The notification pages in Hindi for whoever chose it, English as before otherwise."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_notifications_and_preferences_in_hindi(beed_officer: Any) -> None:
    client = Client()
    client.force_login(beed_officer)
    english = client.get(reverse("alerts:preferences")).content.decode()
    assert "Notification preferences" in english and "A new packet for my unit" in english
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "hi"
    hindi = client.get(reverse("alerts:preferences")).content.decode()
    assert "<h1>सूचना की पसंद</h1>" in hindi and "मेरी यूनिट के लिए नया पैकेट" in hindi
    assert "Notification preferences" not in hindi and "A new packet for my unit" not in hindi
    saved = client.post(reverse("alerts:preferences"), {"packet_app": "on"},
                        follow=True).content.decode()
    assert "पसंद सहेज ली गई।" in saved and "Preferences saved." not in saved
    notes = client.get(reverse("alerts:notifications")).content.decode()
    assert "<h1>सूचनाएँ</h1>" in notes and "अभी तक कोई सूचना नहीं।" in notes
    assert "No notifications yet." not in notes
