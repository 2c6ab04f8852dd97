"""The home page (the first page after login, `/`) and a user's own API access page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tipline.accounts.types import AuthedRequest
from tipline.home import selectors


@login_required
@require_GET
def home(request: AuthedRequest) -> HttpResponse:
    """One section per kind of work the user's grants give; never a 404 (a user without a
    grant is told so)."""
    return render(request, "home/home.html", {
        "section": "home", "home": selectors.home_for(user=request.user),
    })


@login_required
@require_GET
def api_access(request: AuthedRequest) -> HttpResponse:
    """How this account reaches Tipline's APIs: its user name, the CyberTipline API's address
    and its own API tokens, read-only (tokens are made and revoked at the console)."""
    return render(request, "home/api_access.html", {
        "section": "api_access",
        "tokens": list(selectors.api_tokens_of(user=request.user)),
        "ispws": request.build_absolute_uri("/ispws/"),
        "api": request.build_absolute_uri("/api/"),
    })
