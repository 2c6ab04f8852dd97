"""Who is calling: `Authorization: Bearer <token>`, a token made by `tipline tokens create`.

The token acts as its user: `request.user` becomes that user, and every read and write goes
through the same policies as the user's own pages. No session: a logged-in browser without a
token is refused like anyone else (so no request can ride on a cookie, and CSRF cannot
arise).
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from tipline.accounts.lockout import client_ip
from tipline.accounts.models import User
from tipline.accounts.services import api_token_user


class TokenAuth(HttpBearer):
    """A bearer token from `tipline tokens create`; unknown, revoked or missing: 401; past
    the token's requests a minute (TIPLINE_API_TOKEN_REQUESTS_PER_MINUTE): 429. Not asked for
    a second factor: a token is a secret of its own, made at the console, revocable, its
    use audited (accounts.services.api_token_user)."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = api_token_user(token=token.strip(), address=client_ip(request))
        if user is not None:
            request.user = user
        return user
