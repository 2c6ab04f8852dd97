"""tipline users: login locks and second factors of users, from the server's console."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from tipline.accounts import second_factor as sf
from tipline.accounts.lockout import login_failures, login_locked, login_unlock
from tipline.accounts.models import User
from tipline.accounts.policies import mfa_required
from tipline.accounts.services import system_user


class Command(BaseCommand):
    help = ("Users' login locks and second factors: `show NAME`, `unlock NAME` (or "
            "`unlock --address IP`), `reset-2fa NAME` (a lost phone: they enrol again at the "
            "next login), `require-2fa NAME [--off]`. Each change is audited.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        show = sub.add_parser("show", help="is the user locked, must they use 2FA, enrolled?")
        show.add_argument("username")
        unlock = sub.add_parser("unlock", help="lift a login lock now (audited)")
        unlock.add_argument("username", nargs="?", default="")
        unlock.add_argument("--address", default="", help="lift the lock of this address")
        reset = sub.add_parser("reset-2fa", help="remove the user's authenticator and "
                                                 "recovery codes (audited)")
        reset.add_argument("username")
        need = sub.add_parser("require-2fa", help="require a second factor of this user "
                                                  "(--off: only if their grants do)")
        need.add_argument("username")
        need.add_argument("--off", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"].replace("-", "_")
        getattr(self, f"_{action}")(options)

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=username, is_system=False).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        return user

    def _show(self, o: dict[str, Any]) -> None:
        user = self._user(o["username"])
        locked = login_locked(username=user.username)
        device = sf.totp_device(user=user)
        self.stdout.write(
            f"{user.username}: {'active' if user.is_active else 'deactivated'}; login "
            f"{'LOCKED' if locked else 'not locked'} "
            f"({login_failures(username=user.username)} recent failures); second factor "
            f"{'required' if mfa_required(user) else 'optional'}, "
            + (f"enrolled ({sf.recovery_codes_left(user=user)} recovery codes left)"
               if device else "not enrolled"))

    def _unlock(self, o: dict[str, Any]) -> None:
        username, address = o["username"], o["address"].strip()
        if not username and not address:
            raise CommandError("give a user name or --address IP")
        if username:
            self._user(username)
        with transaction.atomic():
            forgotten = login_unlock(actor=system_user("cli"), username=username,
                                     address=address)
        what = " and ".join(x for x in (username, address and f"address {address}") if x)
        self.stdout.write(f"unlocked {what} ({forgotten} failed logins forgotten)")

    def _reset_2fa(self, o: dict[str, Any]) -> None:
        user = self._user(o["username"])
        removed = sf.second_factor_reset(actor=system_user("cli"), user=user)
        self.stdout.write(f"reset the second factor of {user.username} ({removed} devices "
                          "removed); they set it up again at their next login")

    def _require_2fa(self, o: dict[str, Any]) -> None:
        user = self._user(o["username"])
        sf.second_factor_require(actor=system_user("cli"), user=user, required=not o["off"])
        state = "required" if mfa_required(user) else "optional"
        self.stdout.write(f"second factor of {user.username}: {state}")
