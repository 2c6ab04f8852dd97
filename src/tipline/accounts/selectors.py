"""Reads about users and their grants."""

from __future__ import annotations

from typing import Any


def user_grant_labels(*, user: Any) -> list[str]:
    """The user's roles and where they hold them, e.g. "Unit officer, Beed"."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [
        f"{g.role.name}, {g.jurisdiction.name}"
        for g in user.grants.select_related("role", "jurisdiction").order_by("id")
    ]
