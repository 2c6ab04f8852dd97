"""The unread count shown in every page's menu."""

from __future__ import annotations

from django import template

from tipline.accounts.models import User
from tipline.accounts.types import Viewer
from tipline.alerts.selectors import unread_count

register = template.Library()


@register.simple_tag
def unread_for(user: Viewer) -> int:
    """How many of the user's notifications are unread (0 when not logged in)."""
    if not isinstance(user, User) or not user.is_authenticated:
        return 0
    return unread_count(user=user)
