"""Who acts and who looks, as types for every service and selector signature."""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from tipline.accounts.models import User

#: who does something: a person, or a system user (the command line, the worker)
Actor: TypeAlias = User

#: who is looking: a person, an anonymous visitor, or None (code reading for the system)
Viewer: TypeAlias = User | AnonymousUser | None


class AuthedRequest(HttpRequest):
    """A request past a page's gate (`policies.gate`): its user is logged in."""

    user: User
