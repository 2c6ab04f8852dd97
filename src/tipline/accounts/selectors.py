"""Reads about users and their grants."""

from __future__ import annotations

from django.db.models import QuerySet

from tipline.accounts.models import ApiToken
from tipline.accounts.types import Viewer


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
