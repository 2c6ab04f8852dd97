"""The notification pages: one's own notifications only, marking read, preferences."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tipline.alerts.models import Kind, Notification
from tipline.alerts.services import notify
from tipline.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _note(user: Any, text: str = "A new packet for Beed", kind: str = Kind.PACKET,
          link: str = "/packets/") -> Notification:
    return Notification.objects.create(recipient=user, kind=kind, text=text, link=link,
                                       created=timezone.now())


def test_anonymous_visitors_are_sent_to_log_in(client: Client) -> None:
    for name in ("alerts:notifications", "alerts:preferences"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith(
            reverse("login"))


def test_a_user_sees_only_their_own_notifications(
    client: Client, beed_officer: Any, pune_officer: Any,
) -> None:
    mine = _note(beed_officer, "Beed's packet is waiting")
    theirs = _note(pune_officer, "Pune's packet is waiting")
    client.force_login(beed_officer)
    page = client.get(reverse("alerts:notifications")).content.decode()
    assert "Beed&#x27;s packet is waiting" in page and "Pune" not in page
    # the unread count in every page's menu
    assert 'class="count">1<' in page
    # another's notification answers as a missing one: 404, and stays unread
    response = client.post(reverse("alerts:read", kwargs={"pk": theirs.pk}))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    # one's own: read, and opened where it points
    response = client.post(reverse("alerts:read", kwargs={"pk": mine.pk}), {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/packets/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert AuditEvent.objects.get(action="notifications.read").data == {"ids": [mine.pk]}
    page = client.get(reverse("alerts:notifications")).content.decode()
    assert 'class="count">' not in page


def test_a_user_without_grants_has_an_empty_list(client: Client, nobody: Any) -> None:
    client.force_login(nobody)
    response = client.get(reverse("alerts:notifications"))
    assert response.status_code == 200 and b"No notifications yet." in response.content


def test_mark_all_read_touches_only_ones_own(
    client: Client, beed_officer: Any, pune_officer: Any,
) -> None:
    for i in range(3):
        _note(beed_officer, f"packet {i}")
    other = _note(pune_officer)
    client.force_login(beed_officer)
    response = client.post(reverse("alerts:read_all"), follow=True)
    assert b"3 notifications marked read." in response.content
    assert not Notification.objects.filter(recipient=beed_officer, read_at__isnull=True).exists()
    other.refresh_from_db()
    assert other.read_at is None
    assert client.get(reverse("alerts:read_all")).status_code == 405


def test_preferences_decide_what_each_person_gets(
    client: Client, beed_officer: Any, mh_nodal: Any,
) -> None:
    beed_officer.email = "bhim@police.example.in"
    beed_officer.save(update_fields=["email"])
    client.force_login(beed_officer)
    page = client.get(reverse("alerts:preferences")).content.decode()
    assert "A new packet for my unit" in page
    # packets: in the app only; SOP steps: by e-mail only; urgent cannot be turned off
    form = {f"{k}_{w}": "on" for k in Kind.values for w in ("app", "email")}
    del form["packet_email"], form["sop_overdue_app"], form["urgent_app"], form["urgent_email"]
    response = client.post(reverse("alerts:preferences"), form)
    assert response.status_code == 302
    assert AuditEvent.objects.get(action="notifications.preferences").data == {
        "packet": {"in_app": True, "email": False},
        "sop_overdue": {"in_app": False, "email": True}}
    with transaction.atomic():
        packet = notify(users=[beed_officer, mh_nodal], kind=Kind.PACKET, message="packet",
                        params={"count": 1, "unit": "Beed"})
        steps = notify(users=[beed_officer], kind=Kind.SOP_OVERDUE, message="steps_overdue",
                       params={"count": 2, "unit": "Beed"})
        urgent = notify(users=[beed_officer], kind=Kind.URGENT, message="urgent",
                        params={"ref": "TL-00000001", "hours": 4, "unit": "Beed"})
    mine = next(n for n in packet if n.recipient_id == beed_officer.pk)
    assert (mine.read_at is None, mine.by_email) == (True, False)
    assert (steps[0].read_at is not None, steps[0].by_email) == (True, True)  # mail only
    assert (urgent[0].read_at is None, urgent[0].by_email) == (True, True)
    # the nodal officer chose nothing: in the app; no address, so no e-mail
    theirs = next(n for n in packet if n.recipient_id == mh_nodal.pk)
    assert (theirs.read_at is None, theirs.by_email) == (True, False)
    # another user's preferences are untouched
    client.force_login(mh_nodal)
    page = client.get(reverse("alerts:preferences")).content.decode()
    assert page.count("checked") >= 2 * len(Kind.values)
