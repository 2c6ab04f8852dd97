"""Text messages for urgent alerts: a small interface with a registry, as everything that
varies (core/registry.py). `TIPLINE_SMS_BACKEND` names the sender; `console` (the default)
writes each message to the log. A gateway's sender subclasses `SmsSender`, sets its `name`
and is decorated with `@register` in a module imported at start-up."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings

from tipline.core.registry import Registry

log = logging.getLogger("tipline.alerts.sms")


@dataclass(frozen=True)
class Sms:
    """One message to one person: their user name (to tell them apart in logs), the number
    to send to (may be empty: the sender decides), the text, and a secret the text carries
    (a packet's passphrase) that a gateway sends after the text and no log ever holds."""

    username: str
    phone: str
    text: str
    secret: str = ""

    def body(self) -> str:
        """What the person's phone shows: the text, then the secret."""
        return f"{self.text} {self.secret}".strip()


def masked(phone: str) -> str:
    """A number as a log may show it: the country code and the last two digits
    ("+91********10"); "" for none."""
    if not phone:
        return ""
    head = 3 if phone.startswith("+") else 0
    return phone[:head] + "*" * max(len(phone) - head - 2, 0) + phone[-2:]


class SmsSender:
    """Sends text messages. `send` returns whether the message went; it never raises for a
    failed delivery (an urgent alert is in-app and by e-mail too)."""

    name = ""

    def send(self, message: Sms) -> bool:
        raise NotImplementedError


senders: Registry[SmsSender] = Registry("SMS sender")
register = senders.register


@register
class ConsoleSender(SmsSender):
    """Writes each message to the log (the server's output): the default, with no gateway.
    A message carrying a secret is logged without it and counts as not sent: a passphrase in
    a log file is one anyone with the log can use."""

    name = "console"

    def send(self, message: Sms) -> bool:
        withheld = " [secret withheld from the log: not sent]" if message.secret else ""
        log.warning("SMS to %s %s: %s%s", message.username,
                    masked(message.phone) or "(no number)", message.text, withheld)
        return not message.secret


@register
class MemorySender(SmsSender):
    """Keeps messages in `outbox` (tests), as Django's locmem e-mail backend does."""

    name = "memory"

    def __init__(self) -> None:
        self.outbox: list[Sms] = []

    def send(self, message: Sms) -> bool:
        self.outbox.append(message)
        return True


def sms_sender() -> SmsSender:
    """The sender `TIPLINE_SMS_BACKEND` names; ValueError if none is registered so."""
    name = settings.SMS_BACKEND
    found = senders.all().get(name)
    if found is None:
        raise ValueError(f"TIPLINE_SMS_BACKEND: no SMS sender {name!r} "
                         f"(registered: {', '.join(senders.all())})")
    return found
