"""The audit trail page: events newest first, by keyset on `seq`, as sentences; the last
signed checkpoint and whether the trail extends it; the chain check on demand.

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
from tipline.audit.forms import EventFilterForm
from tipline.audit.selectors import (
    audit_chain_verify,
    audit_checkpoint_status,
    audit_event_page,
)
from tipline.audit.texts import event_text

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
    form = EventFilterForm(request.GET)
    filters = form.filters()
    page = audit_event_page(
        user=request.user, **filters,
        before=_int(request.GET.get("before")),
        after=_int(request.GET.get("after")),
        limit=PAGE_SIZE,
    )
    context: dict[str, Any] = {
        "section": "audit",
        "page": page,
        "rows": [(event, event_text(event)) for event in page.rows],
        "form": form,
        "filtered": any(filters.values()),
        "action": filters["action"],
        "object_id": filters["object_id"],
        "checkpoint": audit_checkpoint_status(),
        "check": audit_chain_verify() if request.GET.get("verify") == "1" else None,
    }
    return render(request, "audit/event_list.html", context)
