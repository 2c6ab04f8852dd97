"""The only access layer. Every view and selector asks here what a user may see or do.

A grant gives a role's actions over a jurisdiction node and everything below it. Records
carry the node they belong to (`scope_field` on the model); national-only records (the audit
trail) have none and need a grant on the root. A record the user may not see is treated
exactly like one that does not exist.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet
from django.http import Http404

from tipline.core.errors import NotPermitted
from tipline.jurisdictions.selectors import jurisdiction_tree

M = TypeVar("M", bound=Model)

_CACHE_ATTR = "_tipline_grants"


def _grants(user: Any) -> list[tuple[frozenset[str], int]]:
    """(actions, jurisdiction id) per grant, cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if getattr(user, "is_system", False) and not user.pk:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = [
            (frozenset(g.role.actions), g.jurisdiction_id)
            for g in user.grants.select_related("role").all()
        ]
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget(user: Any) -> None:
    """Drop the cached grants (after grants change)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def allowed_jurisdictions(user: Any, action: str) -> set[int] | None:
    """Node ids where the user may do `action`; None means everywhere (a grant on the root)."""
    tree = jurisdiction_tree()
    ids: set[int] = set()
    for actions, node_id in _grants(user):
        if action not in actions:
            continue
        if node_id == tree.root.id:
            return None
        ids |= tree.descendants(node_id)
    return ids


def can(user: Any, action: str, *, jurisdiction_id: int | None = None) -> bool:
    """May the user do `action` at all, or at a given node?"""
    allowed = allowed_jurisdictions(user, action)
    if allowed is None:
        return True
    if jurisdiction_id is None:
        return bool(allowed)
    return jurisdiction_id in allowed


def can_everywhere(user: Any, action: str) -> bool:
    return allowed_jurisdictions(user, action) is None


def scoped(queryset: QuerySet[M], *, user: Any, action: str) -> QuerySet[M]:
    """The part of `queryset` the user may `action`."""
    field = getattr(queryset.model, "scope_field", None)
    allowed = allowed_jurisdictions(user, action)
    if allowed is None:
        return queryset
    if field is None or not allowed:
        return queryset.none()
    return queryset.filter(**{f"{field}__in": allowed})


def get_scoped_or_404(queryset: QuerySet[M], *, user: Any, action: str, **lookup: Any) -> M:
    """One record the user may `action`; missing and forbidden both raise Http404."""
    try:
        return scoped(queryset, user=user, action=action).get(**lookup)
    except ObjectDoesNotExist as exc:
        raise Http404("No such record") from exc


def require(user: Any, action: str, *, jurisdiction_id: int | None = None) -> None:
    """Raise NotPermitted unless the user may do `action` (at the node, if given)."""
    if not can(user, action, jurisdiction_id=jurisdiction_id):
        raise NotPermitted(f"not permitted: {action}")
