"""Reads of alerts: who is told about a node, a user's notifications and preferences."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from tipline.accounts.models import Grant, User
from tipline.accounts.models import User as Viewer
from tipline.accounts.policies import scoped
from tipline.alerts.models import Kind, Notification, Preference, Recipient, UrgentReport
from tipline.jurisdictions.selectors import jurisdiction_tree

#: kinds of node whose officers are "the unit's officers"
UNIT_KINDS = ("district", "unit", "station")


def users_holding(*, node_ids: list[int], action: str) -> list[User]:
    """Active people with a grant on exactly one of these nodes whose role holds `action`
    (grants higher up are told at their own level: a nodal officer as the state's)."""
    grants = (Grant.objects.filter(jurisdiction_id__in=node_ids, user__is_active=True)
              .select_related("user", "role").order_by("user_id"))
    found: dict[int, User] = {}
    for grant in grants:
        if action in grant.role.actions:
            found.setdefault(grant.user_id, grant.user)
    return list(found.values())


def unit_officers(*, node_id: int) -> list[User]:
    """Who receives a unit's packets: grants on the node and its district-level ancestors."""
    tree = jurisdiction_tree()
    ids: list[int] = []
    node = tree.by_id.get(node_id)
    while node is not None and node.kind in UNIT_KINDS:
        ids.append(node.id)
        node = tree.by_id.get(node.parent_id) if node.parent_id else None
    return users_holding(node_ids=ids, action="packet.receive")


def state_of(node_id: int) -> int | None:
    """The state (or UT) a node lies in, or None for the root."""
    tree = jurisdiction_tree()
    node = tree.by_id.get(node_id)
    while node is not None and node.kind != "state":
        node = tree.by_id.get(node.parent_id) if node.parent_id else None
    return node.id if node is not None else None


def nodal_officers(*, node_id: int) -> list[User]:
    """The state's nodal officers for a node: packet.receive on the state itself."""
    state = state_of(node_id)
    return users_holding(node_ids=[state], action="packet.receive") if state else []


def hub_people() -> list[User]:
    """The hub: who may assign reports over the whole country."""
    return users_holding(node_ids=[jurisdiction_tree().root.id], action="report.assign")


def notifications_for(*, user: Viewer, unread_only: bool = False,
                      limit: int = 100) -> list[Notification]:
    """The user's own notifications, newest first (urgent ones unread first)."""
    qs: QuerySet[Notification] = Notification.objects.filter(recipient_id=user.pk)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return list(qs.order_by("-created", "-pk")[:limit])


def notification_get(*, user: Viewer, pk: int) -> Notification:
    """One of the user's own notifications; anyone else's is a 404, like a missing one."""
    return get_object_or_404(Notification, pk=pk, recipient_id=user.pk)


def unread_count(*, user: Viewer) -> int:
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def preferences_for(*, user: Viewer) -> dict[str, tuple[bool, bool]]:
    """Kind -> (in-app, by e-mail) for every kind, the defaults where the user chose none."""
    chosen = {p.kind: (p.in_app, p.email)
              for p in Preference.objects.filter(user_id=user.pk)}
    return {kind: chosen.get(kind, (True, True)) for kind in Kind.values}


def recipients_of(*, user_ids: list[int]) -> dict[int, Recipient]:
    """How each of these people is reached (language, mobile number, text messages): their
    saved choice, else the default (English, no text messages), for every id asked."""
    found = {r.user_id: r for r in Recipient.objects.filter(user_id__in=set(user_ids))}
    return {uid: found.get(uid) or Recipient(user_id=uid) for uid in user_ids}


def recipient_for(*, user: Viewer) -> Recipient:
    """The user's own language, mobile number and text-message choice (defaults if none)."""
    return recipients_of(user_ids=[user.pk])[user.pk]


def urgent_open(*, user: Viewer, limit: int = 50) -> list[UrgentReport]:
    """The urgent reports still waiting for an acknowledgement that the user may give (they
    receive packets where the report is), the soonest due first."""
    qs = UrgentReport.objects.filter(acknowledged_at__isnull=True).select_related("report",
                                                                                   "unit")
    return list(scoped(qs, user=user, action="packet.receive").order_by("due_at")[:limit])
