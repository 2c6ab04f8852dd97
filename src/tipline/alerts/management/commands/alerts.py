"""tipline alerts: send the e-mail digest, run the sweep, send a test e-mail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.mail import send_mail
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from tipline.alerts.services import alerts_sweep, digest_send


class Command(BaseCommand):
    help = ("Alerts from the command line: `alerts digest` e-mails everyone their pending "
            "notifications, `alerts sweep` escalates late urgent reports and tells units "
            "what is due, `alerts test-email ADDRESS` checks EMAIL_URL.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("digest", help="e-mail each person their notifications not yet sent")
        sweep = sub.add_parser("sweep", help="escalate late urgent reports; notices and SOP "
                                             "steps due; delete old notifications")
        sweep.add_argument("--at", help="look at this time instead of now (ISO 8601)")
        test = sub.add_parser("test-email", help="send one message through EMAIL_URL")
        test.add_argument("address")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "digest":
            sent = digest_send()
            self.stdout.write(f"digest: {sent.notifications} notifications to "
                              f"{sent.people} people")
        elif action == "sweep":
            now = timezone.now()
            if options.get("at"):
                try:
                    now = datetime.fromisoformat(options["at"])
                except ValueError as exc:
                    raise CommandError(f"--at: {exc}") from None
                if timezone.is_naive(now):
                    now = timezone.make_aware(now)
            found = alerts_sweep(now=now)
            self.stdout.write(f"escalated {found.escalated} urgent reports; "
                              f"{found.notices_due} notices due, {found.steps_overdue} "
                              f"SOP steps overdue; deleted {found.deleted} old notifications")
        else:
            send_mail("Tipline test message", "EMAIL_URL works: this message reached you.",
                      None, [options["address"]])
            self.stdout.write(f"sent a test message to {options['address']}")
