"""The audit trail page: events newest first, by keyset on `seq`, and the chain check on demand.

Only users who may read the whole trail (a root grant with audit.view) get the page; anyone
else gets 404, as for every page they may not use.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tipline.accounts.policies import gate
from tipline.accounts.types import AuthedRequest
from tipline.audit.selectors import audit_chain_verify, audit_event_page
from tipline.core.forms import query_text

PAGE_SIZE = 50


def _int(value: str | None) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if number > 0 else None


@gate("audit.view", everywhere=True)
@require_GET
def event_list(request: AuthedRequest) -> HttpResponse:
    action = query_text(request.GET.get("action"), limit=64)
    object_id = query_text(request.GET.get("object_id"), limit=64)
    page = audit_event_page(
        user=request.user, action=action, object_id=object_id,
        before=_int(request.GET.get("before")),
        after=_int(request.GET.get("after")),
        limit=PAGE_SIZE,
    )
    context: dict[str, Any] = {
        "section": "audit",
        "page": page,
        "action": action,
        "object_id": object_id,
        "check": audit_chain_verify() if request.GET.get("verify") == "1" else None,
    }
    return render(request, "audit/event_list.html", context)
