"""Reads about users and their grants."""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet

from tipline.accounts.models import ApiToken, User
from tipline.accounts.types import Viewer

_USER_TABLE = connection.ops.quote_name(User._meta.db_table)


def account_login_state(*, user_id: int) -> tuple[str, bool] | None:
    """The account's stored password hash and whether it is active (None if it is gone):
    what an API call checks on each request after its password was verified once. Plain
    SQL: it runs on every call of a platform."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT password, is_active FROM {_USER_TABLE} WHERE id = %s",  # noqa: S608
                       [user_id])
        row = cursor.fetchone()
    return None if row is None else (str(row[0]), bool(row[1]))


def user_grant_labels(*, user: Viewer) -> list[str]:
    """The user's roles and where they hold them, e.g. "Unit officer, Beed"."""
    if user is None or not user.is_authenticated:
        return []
    return [
        f"{g.role.name}, {g.jurisdiction.name}"
        for g in user.grants.select_related("role", "jurisdiction").order_by("id")
    ]


def api_tokens_list(*, user: str | None = None) -> QuerySet[ApiToken]:
    """Every API token (of one username, if given), newest first: for the command line."""
    qs = ApiToken.objects.select_related("user").order_by("-created_at", "-id")
    return qs.filter(user__username=user) if user else qs
