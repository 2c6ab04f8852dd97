"""tipline tokens create|list|revoke: API tokens for hub tools (the JSON API at /api/)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tipline.accounts.models import User
from tipline.accounts.selectors import api_tokens_list
from tipline.accounts.services import api_token_create, api_token_revoke, system_user
from tipline.core.errors import RejectedInput


class Command(BaseCommand):
    help = ("API tokens for hub tools: `create --user NAME --name LABEL` prints a new token "
            "once (only its hash is kept), `list` shows them, `revoke ID` refuses one from now "
            "on. A token acts as its user, with the user's grants.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="a new token acting as a user (printed once)")
        create.add_argument("--user", required=True, help="the username the token acts as")
        create.add_argument("--name", required=True, help="what the token is for")
        ls = sub.add_parser("list", help="every token: id, user, name, created, last used (and "
                                         "from where)")
        ls.add_argument("--user", help="only this user's tokens")
        revoke = sub.add_parser("revoke", help="refuse a token from now on")
        revoke.add_argument("id", type=int, help="the token's id (tipline tokens list)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except RejectedInput as exc:
            raise CommandError(str(exc)) from exc

    def _create(self, o: dict[str, Any]) -> None:
        user = User.objects.filter(username=o["user"]).first()
        if user is None:
            raise CommandError(f"no user {o['user']!r} (tipline createuser makes one)")
        row, token = api_token_create(actor=system_user("cli"), user=user, name=o["name"])
        self.stdout.write(f"token {row.pk} for {user.username} ({row.name}); shown this once, "
                          "keep it secret:")
        self.stdout.write(token)

    def _list(self, o: dict[str, Any]) -> None:
        rows = list(api_tokens_list(user=o.get("user")))
        for row in rows:
            used = (f"{row.last_used_at:%Y-%m-%d %H:%M} from {row.last_ip or '?'}"
                    if row.last_used_at else "never")
            state = f"revoked {row.revoked_at:%Y-%m-%d %H:%M}" if row.revoked_at else "active"
            self.stdout.write(f"{row.pk:>5}  {row.user.username:<20} {row.name:<24} "
                              f"{row.prefix}…  created {row.created_at:%Y-%m-%d %H:%M}  "
                              f"last used {used}  {state}")
        if not rows:
            self.stdout.write("no API tokens")

    def _revoke(self, o: dict[str, Any]) -> None:
        row = api_token_revoke(actor=system_user("cli"), token_id=o["id"])
        self.stdout.write(f"revoked token {row.pk} of {row.user.username} ({row.name})")
