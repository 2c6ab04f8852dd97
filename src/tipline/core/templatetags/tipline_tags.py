"""Template helpers shared by every page: times in IST (UTC alongside), links that keep the
current filters, and plain rendering of JSON values. (The header's grants and navigation are
`access_tags`, in accounts.)"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from django import template
from django.http import QueryDict
from django.utils import timezone
from django.utils.html import format_html

register = template.Library()

_EMPTY = "—"


@register.filter
def ist(value: datetime | None) -> str:
    """A time in IST (the hub's zone), with its UTC form in the tooltip."""
    if not isinstance(value, datetime):
        return _EMPTY if value in (None, "") else str(value)
    local = timezone.localtime(value)
    return format_html(
        '<time datetime="{}" title="{} UTC">{}</time>',
        value.astimezone(UTC).isoformat(),
        value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
        local.strftime("%d %b %Y, %H:%M IST"),
    )


@register.filter
def ist_seconds(value: datetime | None) -> str:
    """A time in IST to the second, with its UTC form in the tooltip."""
    if not isinstance(value, datetime):
        return _EMPTY
    local = timezone.localtime(value)
    return format_html(
        '<time datetime="{}" title="{} UTC">{}</time>',
        value.astimezone(UTC).isoformat(),
        value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
        local.strftime("%Y-%m-%d %H:%M:%S IST"),
    )


@register.filter
def utc(value: datetime | None) -> str:
    """A time in UTC to the second (what an ISP needs), with IST in the tooltip."""
    if not isinstance(value, datetime):
        return _EMPTY
    local = timezone.localtime(value)
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        value.astimezone(UTC).isoformat(),
        local.strftime("%Y-%m-%d %H:%M:%S IST"),
        value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
    )


@register.filter
def utc_plain(value: datetime | None) -> str:
    if not isinstance(value, datetime):
        return _EMPTY
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


@register.filter
def isodate(value: date | None) -> str:
    return value.isoformat() if isinstance(value, date) else ""


@register.filter
def flag(value: bool | None) -> str:
    """Yes / No / — for a three-state flag (None means the sender did not say)."""
    if value is None:
        return _EMPTY
    return "Yes" if value else "No"


@register.filter
def plain(value: Any) -> str:
    """A JSON value as short readable text: lists joined, dicts as key: value."""
    if value in (None, "", [], {}):
        return _EMPTY
    if isinstance(value, list | tuple):
        return ", ".join(plain(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {plain(v)}" for k, v in value.items())
    return str(value)


@register.filter
def as_json(value: Any) -> str:
    """Compact JSON for the audit trail's data column."""
    if value in (None, {}, []):
        return ""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


@register.filter
def lookup(mapping: Any, key: Any) -> Any:
    """mapping[key] in a template, or "" when absent."""
    if isinstance(mapping, dict):
        return mapping.get(key, "")
    return ""


@register.filter
def items_sorted(value: Any) -> list[tuple[str, Any]]:
    return sorted(value.items()) if isinstance(value, dict) else []


@register.simple_tag(takes_context=True)
def query_with(context: Any, **changes: Any) -> str:
    """The current query string with some parameters replaced (None or "" drops one)."""
    request = context.get("request")
    params = request.GET.copy() if request is not None else QueryDict(mutable=True)
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = str(value)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"
