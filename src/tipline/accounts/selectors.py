"""Reads about users and their grants."""

from __future__ import annotations

from tipline.accounts.types import Viewer


def user_grant_labels(*, user: Viewer) -> list[str]:
    """The user's roles and where they hold them, e.g. "Unit officer, Beed"."""
    if user is None or not user.is_authenticated:
        return []
    return [
        f"{g.role.name}, {g.jurisdiction.name}"
        for g in user.grants.select_related("role", "jurisdiction").order_by("id")
    ]
