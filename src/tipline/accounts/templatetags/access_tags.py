"""The header's access-dependent parts: which sections a user may open, and their grants."""

from __future__ import annotations

from django import template

from tipline.accounts import policies
from tipline.accounts.second_factor import second_factor_pending
from tipline.accounts.selectors import user_grant_labels
from tipline.accounts.types import Viewer
from tipline.jurisdictions.selectors import jurisdiction_states

register = template.Library()


@register.simple_tag
def nav_for(user: Viewer) -> dict[str, bool]:
    """Which sections of the site the header links to for this user: only pages their grants
    open (tests/test_menus.py follows every link as every demo role)."""
    if not getattr(user, "is_authenticated", False) or second_factor_pending(user=user):
        return {}  # no menu, search or alerts before the second factor
    seen = policies.allowed_jurisdictions(user, "report.view")
    return {
        "ready": True,  # past the login and the second factor: the header's menu shows
        # a state's page: a nodal officer's own state, every state for the hub; a unit
        # officer sees no whole state
        "states": seen is None or any(s.id in seen for s in jurisdiction_states()),
        # a platform's API account: its credentials page (people who see reports don't need it)
        "api_access": policies.can(user, "report.submit") and not seen and seen is not None,
        "reports": policies.can(user, "report.view"),
        "imports": policies.can_everywhere(user, "report.import"),
        "packets": policies.can(user, "packet.receive") or policies.can(user, "packet.create"),
        "audit": policies.can_everywhere(user, "audit.view"),
        "queue": policies.can(user, "report.assign"),
        "inbox": policies.can(user, "report.view"),
        "review": policies.can(user, "review.decide"),
        "trawler": policies.can_everywhere(user, "trawl.manage"),
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
