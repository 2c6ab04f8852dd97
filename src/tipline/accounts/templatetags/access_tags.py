"""The header's access-dependent parts: which sections a user may open, and their grants."""

from __future__ import annotations

from django import template

from tipline.accounts import policies
from tipline.accounts.selectors import user_grant_labels
from tipline.accounts.types import Viewer

register = template.Library()


@register.simple_tag
def nav_for(user: Viewer) -> dict[str, bool]:
    """Which sections of the site the header links to for this user."""
    if not getattr(user, "is_authenticated", False):
        return {}
    return {
        "reports": policies.can(user, "report.view"),
        "imports": policies.can_everywhere(user, "report.import"),
        "packets": policies.can(user, "packet.receive") or policies.can(user, "packet.create"),
        "audit": policies.can_everywhere(user, "audit.view"),
        "queue": policies.can(user, "report.assign"),
        "inbox": policies.can(user, "report.view"),
        "review": policies.can(user, "review.decide"),
    }


@register.simple_tag
def grants_for(user: Viewer) -> list[str]:
    """The user's roles and where they hold them, e.g. "Unit officer, Beed"."""
    cached = getattr(user, "_tipline_grant_labels", None)
    if cached is None:
        cached = user_grant_labels(user=user)
        if getattr(user, "is_authenticated", False):
            setattr(user, "_tipline_grant_labels", cached)  # noqa: B010 - once per request
    return cached
