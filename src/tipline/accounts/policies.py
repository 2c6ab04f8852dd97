"""The only access layer. Every view and selector asks here what a user may see or do.

A grant gives a role's actions over a jurisdiction node and everything below it. Records
carry the node they belong to (`scope_field` on the model); national-only records (the audit
trail) have none and need a grant on the root. A record the user may not see is treated
exactly like one that does not exist, and so is a page the user may not use (`gate`).

The system itself (a saved system user: the background workers, the command line at the
server's console) acts freely: it holds every action everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponseBase

from tipline.accounts.types import Viewer
from tipline.core.errors import NotPermitted
from tipline.jurisdictions.selectors import Node, jurisdiction_tree

M = TypeVar("M", bound=Model)
V = TypeVar("V", bound=Callable[..., HttpResponseBase])

_CACHE_ATTR = "_tipline_grants"


def _grants(user: Viewer) -> list[tuple[frozenset[str], int]]:
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


def forget(user: Viewer) -> None:
    """Drop the cached grants (after grants change)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def is_system_actor(user: Viewer) -> bool:
    """Is this the system itself: a saved system user (`accounts.services.system_user`), the
    actor background work and the server's command line are recorded under? An unsaved user
    marked `is_system` is nobody and gets nothing."""
    return bool(getattr(user, "is_system", False) and getattr(user, "pk", None))


def allowed_jurisdictions(user: Viewer, action: str) -> set[int] | None:
    """Node ids where the user may do `action`; None means everywhere (a grant on the root,
    or the system itself)."""
    if is_system_actor(user):
        return None
    tree = jurisdiction_tree()
    ids: set[int] = set()
    for actions, node_id in _grants(user):
        if action not in actions:
            continue
        if node_id == tree.root.id:
            return None
        ids |= tree.descendants(node_id)
    return ids


def can(user: Viewer, action: str, *, jurisdiction_id: int | None = None) -> bool:
    """May the user do `action` at all, or at a given node?"""
    allowed = allowed_jurisdictions(user, action)
    if allowed is None:
        return True
    if jurisdiction_id is None:
        return bool(allowed)
    return jurisdiction_id in allowed


def can_everywhere(user: Viewer, action: str) -> bool:
    """May the user do `action` over the whole country (national records, hub pages)?"""
    return allowed_jurisdictions(user, action) is None


def scoped(queryset: QuerySet[M], *, user: Viewer, action: str) -> QuerySet[M]:
    """The part of `queryset` the user may `action`."""
    field = getattr(queryset.model, "scope_field", None)
    allowed = allowed_jurisdictions(user, action)
    if allowed is None:
        return queryset
    if field is None or not allowed:
        return queryset.none()
    return queryset.filter(**{f"{field}__in": allowed})


def get_scoped_or_404(queryset: QuerySet[M], *, user: Viewer, action: str, **lookup: Any) -> M:
    """One record the user may `action`; missing and forbidden both raise Http404."""
    try:
        return scoped(queryset, user=user, action=action).get(**lookup)
    except ObjectDoesNotExist as exc:
        raise Http404("No such record") from exc


def require(user: Viewer, action: str, *, jurisdiction_id: int | None = None) -> None:
    """Raise NotPermitted unless the user may do `action` (at the node, if given)."""
    if not can(user, action, jurisdiction_id=jurisdiction_id):
        raise NotPermitted(f"not permitted: {action}")


def node_or_404(user: Viewer, *, action: str, code: str, kinds: tuple[str, ...] = ()) -> Node:
    """The tree node `code` (of one of `kinds`, if given) where the user may `action`; a
    missing node and a forbidden one both raise Http404."""
    node = jurisdiction_tree().by_code.get(code.upper())
    if node is None or (kinds and node.kind not in kinds) or not can(
            user, action, jurisdiction_id=node.id):
        raise Http404("No such place")
    return node


def gate(*actions: str, everywhere: bool = False) -> Callable[[V], V]:
    """A page's gate, for function views: anonymous visitors are sent to log in; a user who
    may do none of `actions` anywhere (with `everywhere`: over the whole country) gets 404,
    exactly like a page that does not exist. Per-record access is the selectors' (scoped).

        @gate("report.import", everywhere=True)
        def batch_list(request): ...
    """
    if not actions:
        raise ValueError("a gate needs at least one action")

    def allowed(user: Viewer) -> bool:
        check = can_everywhere if everywhere else can
        return any(check(user, action) for action in actions)

    def decorate(view: V) -> V:
        @wraps(view)
        def gated(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not allowed(request.user):
                raise Http404("No such page")
            return view(request, *args, **kwargs)

        return login_required(gated)  # type: ignore[return-value]

    return decorate


#: Actions that reach media, packets, people's accounts, hash banks or the whole audit trail:
#: a grant carrying any of them, wherever it sits, needs a second factor.
SECOND_FACTOR_ACTIONS = frozenset({
    "media.view", "review.decide", "packet.create", "packet.receive", "user.manage",
    "audit.view", "bank.manage", "sop.edit", "report.import",
})
#: a platform's API account acts only through /ispws/ (HTTP Basic, its own limits)
_API_ONLY_ACTIONS = frozenset({"report.submit"})


def mfa_required(user: Viewer) -> bool:
    """Must this user pass a second factor (TOTP or a recovery code) after the password?

    Yes for every hub role (any grant on the root, the whole country, but a platform's
    API-only one), for every grant that can reveal media, decide on it, build or download
    packets, manage users or banks, import, or read the audit trail, and for anyone the hub
    asked it of (`tipline users require-2fa`). A user who enrolled anyway is asked too (the
    middleware, because they have a device). System actors never log in."""
    if user is None or not getattr(user, "is_authenticated", False) or is_system_actor(user):
        return False
    if getattr(user, "second_factor_required", False):
        return True
    root = jurisdiction_tree().root.id
    for actions, node_id in _grants(user):
        if actions & SECOND_FACTOR_ACTIONS:
            return True
        if node_id == root and actions - _API_ONLY_ACTIONS:
            return True
    return False
