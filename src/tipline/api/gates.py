"""The API's gates: the web pages' gates (`accounts.policies.gate`), for token callers.

A caller who may do none of an endpoint's actions anywhere gets 404, exactly like an
endpoint that does not exist (as the pages do); per-record access is the selectors' (a
record the caller may not see is missing).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest

from tipline.accounts.models import User
from tipline.accounts.policies import can


def caller(request: HttpRequest, *actions: str) -> User:
    """The token's user, if they may do any of `actions` somewhere; Http404 otherwise."""
    user = request.user
    if not isinstance(user, User) or not any(can(user, action) for action in actions):
        raise Http404("No such endpoint")
    return user
