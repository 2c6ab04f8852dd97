"""tipline createuser: a user with one role over one node of the jurisdiction tree."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from tipline.accounts.models import Role, User
from tipline.accounts.services import grant_add, system_user, user_create
from tipline.jurisdictions.models import Jurisdiction


class Command(BaseCommand):
    help = (
        "Create a user holding ROLE over a jurisdiction (IN, IN-MH, IN-MH-BEED, ...) and every "
        "node below it. Asks for the password when run in a terminal; otherwise give "
        "--password-file (- reads the first line of standard input)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, help="role code, e.g. unit_officer")
        parser.add_argument(
            "--jurisdiction", required=True, help="jurisdiction code, e.g. IN-MH-BEED"
        )
        parser.add_argument(
            "--password-file", help="file whose first line is the password (- for stdin)"
        )
        parser.add_argument("--email", default="")
        parser.add_argument("--name", default="", help="full name")

    def handle(self, *args: Any, **options: Any) -> None:
        username: str = options["username"]
        role_code: str = options["role"]
        node_code: str = options["jurisdiction"].upper()
        if not Role.objects.filter(code=role_code).exists():
            known = ", ".join(Role.objects.order_by("code").values_list("code", flat=True))
            raise CommandError(f"no role {role_code!r}; roles are: {known}")
        if not Jurisdiction.objects.filter(code=node_code).exists():
            raise CommandError(
                f"no jurisdiction {node_code!r}; codes look like IN, IN-MH, IN-MH-BEED"
            )
        if User.objects.filter(username=username).exists():
            raise CommandError(f"user {username!r} already exists")

        password = self._password(options["password_file"])
        candidate = User(username=username, email=options["email"])
        try:
            validate_password(password, user=candidate)
        except ValidationError as exc:
            raise CommandError("password refused: " + " ".join(exc.messages)) from exc

        with transaction.atomic():
            actor = system_user("cli")
            try:
                user = user_create(
                    actor=actor, username=username, password=password,
                    email=options["email"], full_name=options["name"],
                )
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from exc
            grant_add(actor=actor, user=user, role_code=role_code, jurisdiction_code=node_code)
        self.stdout.write(f"created {username} as {role_code} over {node_code}")

    def _password(self, path: str | None) -> str:
        if path == "-":
            password = sys.stdin.readline().rstrip("\r\n")
        elif path:
            try:
                text = Path(path).read_text(encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"cannot read the password file: {exc}") from exc
            password = text.splitlines()[0] if text else ""
        elif sys.stdin.isatty():
            password = getpass.getpass("Password: ")
            if getpass.getpass("Password (again): ") != password:
                raise CommandError("the passwords did not match")
        else:
            raise CommandError("no terminal to ask for a password: give --password-file")
        if not password:
            raise CommandError("the password is empty")
        return password
