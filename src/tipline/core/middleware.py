"""Responses that carry a person's or a caller's data are never kept by a browser or a proxy.

Every answer to a logged-in user, every answer of the CyberTipline API (/ispws/) and the JSON
API (/api/), which take credentials of their own, and every page of the public tip form (its
receipt and status pages name a tip) is sent with `Cache-Control: no-store`: the back button,
a shared computer's disk cache and a caching proxy keep no copy of a report, a case, a packet
or a units CSV. Static files are left cacheable (WhiteNoise answers them before this runs).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

#: path prefixes whose every answer is private: the APIs, which authenticate each call
NO_STORE_PREFIXES = ("/ispws/", "/api/")
#: URL namespaces whose every page is private to its visitor: the public tip form (its receipt)
#: and the tip status page
NO_STORE_NAMESPACES = frozenset({"tips"})


def must_not_store(request: HttpRequest) -> bool:
    """Whether the answer to `request` holds data no cache may keep."""
    path = request.path_info
    static_url = "/" + settings.STATIC_URL.lstrip("/")
    if path.startswith(static_url):
        return False
    if path.startswith(NO_STORE_PREFIXES):
        return True
    match = request.resolver_match
    if match is not None and NO_STORE_NAMESPACES.intersection(match.namespaces):
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


class NoStoreMiddleware:
    """Adds `Cache-Control: no-store` (and `Pragma: no-cache`) where `must_not_store` says."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if must_not_store(request):
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
        return response
