"""The audit trail page: events newest first, by keyset on `seq`, and the chain check on demand.

Only users who may read the whole trail (a root grant with audit.view) get the page; anyone
else gets 404, as for every page they may not use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tipline.accounts import policies
from tipline.audit.models import AuditEvent
from tipline.audit.selectors import audit_chain_verify, audit_events_visible

PAGE_SIZE = 50


@dataclass(frozen=True)
class EventPage:
    rows: list[AuditEvent]
    older: int | None
    newer: int | None


def _int(value: str | None) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if number > 0 else None


def _filtered(qs: QuerySet[AuditEvent], *, action: str, object_id: str) -> QuerySet[AuditEvent]:
    """Narrow by action (exact, or a prefix ending in "*") and object id (exact).

    The prefix is a range on the indexed column, so "report.*" stays an index seek.
    """
    if action.endswith("*"):
        prefix = action.rstrip("*")
        if prefix:
            upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
            qs = qs.filter(action__gte=prefix, action__lt=upper)
    elif action:
        qs = qs.filter(action=action)
    if object_id:
        qs = qs.filter(object_id=object_id)
    return qs


def _event_page(
    qs: QuerySet[AuditEvent], *, before: int | None, after: int | None, limit: int
) -> EventPage:
    """Events older than `before` (or newer than `after`), newest first, `limit` at most."""
    if after is not None and before is None:
        rows = list(qs.filter(seq__gt=after).order_by("seq")[: limit + 1])
        more = len(rows) > limit
        rows = rows[:limit]
        rows.reverse()
        if more or len(rows) == limit:
            return EventPage(rows, rows[-1].seq if rows else None, rows[0].seq if more else None)
        before = None  # reached the newest: show the first page
    if before is not None:
        qs = qs.filter(seq__lt=before)
    rows = list(qs.order_by("-seq")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return EventPage(
        rows,
        rows[-1].seq if more and rows else None,
        rows[0].seq if before is not None and rows else None,
    )


@login_required
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    if not policies.can_everywhere(request.user, "audit.view"):
        raise Http404("No such page")
    action = request.GET.get("action", "").strip()[:64]
    object_id = request.GET.get("object_id", "").strip()[:64]
    qs = _filtered(audit_events_visible(user=request.user), action=action, object_id=object_id)
    page = _event_page(
        qs,
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
