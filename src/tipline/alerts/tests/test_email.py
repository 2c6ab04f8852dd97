"""E-mail: EMAIL_URL, the digest through a real SMTP server on loopback, the command."""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from tipline.alerts.models import Kind, Notification
from tipline.alerts.services import digest_due, digest_send
from tipline.audit.models import AuditEvent
from tipline.core.mailurl import email_settings

with warnings.catch_warnings():
    # Python 3.11's debugging SMTP server (deprecated, removed in 3.12: aiosmtpd then)
    warnings.simplefilter("ignore", DeprecationWarning)
    import asyncore
    import smtpd


def test_email_url_names_the_backend_and_the_server() -> None:
    assert email_settings("") == {
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    found = email_settings("smtp://alerts%40hub:p%40ss@mail.example.in:587")
    assert found["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (found["EMAIL_HOST"], found["EMAIL_PORT"]) == ("mail.example.in", 587)
    assert (found["EMAIL_HOST_USER"], found["EMAIL_HOST_PASSWORD"]) == ("alerts@hub", "p@ss")
    assert (found["EMAIL_USE_TLS"], found["EMAIL_USE_SSL"]) == (True, False)
    found = email_settings("smtps://u:p@mail.example.in")
    assert (found["EMAIL_PORT"], found["EMAIL_USE_SSL"], found["EMAIL_USE_TLS"]) == (
        465, True, False)
    assert email_settings("smtp://relay:25?tls=0")["EMAIL_USE_TLS"] is False
    with pytest.raises(ValueError, match="unknown scheme"):
        email_settings("pigeon://loft")


class Recorder(smtpd.SMTPServer):
    """A debugging SMTP server that keeps what it receives."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), None, decode_data=False)
        self.received: list[tuple[str, list[str], bytes]] = []

    def process_message(self, peer: Any, mailfrom: str, rcpttos: list[str], data: bytes,
                        **kwargs: Any) -> None:
        self.received.append((mailfrom, rcpttos, data))


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[Recorder]:
    server = Recorder()
    port = server.socket.getsockname()[1]
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            asyncore.loop(timeout=0.05, count=1, map=server._map)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    for name, value in email_settings(f"smtp://127.0.0.1:{port}?tls=0&timeout=10").items():
        setattr(settings, name, value)
    settings.DEFAULT_FROM_EMAIL = "tipline@hub.example.in"
    yield server
    stop.set()
    thread.join(timeout=5)
    server.close()


@pytest.mark.django_db
def test_the_digest_goes_through_a_real_smtp_server(
    smtp_server: Recorder, beed_officer: Any, pune_officer: Any, settings: Any,
) -> None:
    settings.SITE_URL = "https://tipline.example.in"
    beed_officer.email = "bhim@police.example.in"
    beed_officer.save(update_fields=["email"])
    now = timezone.now()
    for text in ("A new packet of 3 reports for Beed", "2 SOP steps of Beed are overdue"):
        Notification.objects.create(recipient=beed_officer, kind=Kind.PACKET, text=text,
                                    link="/packets/", created=now, by_email=True)
    # no address, or chose not by e-mail: not sent
    Notification.objects.create(recipient=pune_officer, kind=Kind.PACKET, text="Pune",
                                created=now, by_email=False)
    sent = digest_send(now=now + timedelta(seconds=1))
    assert (sent.people, sent.notifications) == (1, 2)
    assert len(smtp_server.received) == 1
    mailfrom, to, data = smtp_server.received[0]
    assert (mailfrom, to) == ("tipline@hub.example.in", ["bhim@police.example.in"])
    message = message_from_bytes(data)
    assert message["Subject"] == "[Tipline] 2 new notifications"
    body = message.get_payload(decode=True).decode()
    assert "A new packet of 3 reports for Beed" in body
    assert "https://tipline.example.in/packets/" in body
    assert "https://tipline.example.in/alerts/preferences/" in body
    # sent once: the next digest has nothing
    assert digest_send().notifications == 0
    assert len(smtp_server.received) == 1
    assert AuditEvent.objects.filter(action="notifications.digest").count() == 2


@pytest.mark.django_db
def test_the_digest_is_due_once_a_day_after_its_hour(settings: Any, tree: None) -> None:
    settings.DIGEST_HOUR = 7
    morning = timezone.localtime().replace(hour=6, minute=0)
    assert not digest_due(now=morning)
    assert digest_due(now=morning.replace(hour=8))
    digest_send()
    assert not digest_due(now=timezone.localtime().replace(hour=23))


@pytest.mark.django_db
def test_the_command_sends_the_digest_and_sweeps(
    settings: Any, beed_officer: Any, capsys: pytest.CaptureFixture[str],
) -> None:
    from django.core import mail

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    beed_officer.email = "bhim@police.example.in"
    beed_officer.save(update_fields=["email"])
    Notification.objects.create(recipient=beed_officer, kind=Kind.PACKET, text="packet",
                                created=timezone.now(), by_email=True)
    call_command("alerts", "digest")
    assert "digest: 1 notifications to 1 people" in capsys.readouterr().out
    assert [m.to for m in mail.outbox] == [["bhim@police.example.in"]]
    call_command("alerts", "sweep", "--at", "2030-01-01T00:00:00+05:30")
    assert "escalated 0 urgent reports" in capsys.readouterr().out
    call_command("alerts", "test-email", "ops@hub.example.in")
    assert mail.outbox[-1].to == ["ops@hub.example.in"]
