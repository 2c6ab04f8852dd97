"""Reads of the dispatch step: what is waiting to be sent, a unit's packets, overdue ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from tipline.accounts.policies import allowed_jurisdictions, scoped
from tipline.accounts.types import Viewer
from tipline.dispatch.models import Packet, PacketReport, SopTemplate
from tipline.intake.models import Report
from tipline.jurisdictions.models import Jurisdiction
from tipline.jurisdictions.selectors import Node, jurisdiction_tree

SOP_FILE = Path(__file__).with_name("sop_default.txt")


def sop_default() -> tuple[str, str]:
    """(title, body) of the SOP shipped with the app (the first version)."""
    text = SOP_FILE.read_text(encoding="utf-8")
    first, _, body = text.partition("\n")
    return first.lstrip("# ").strip(), body.strip()


def sop_current() -> SopTemplate:
    """The newest SOP version; the shipped text (version 1) when none is stored."""
    latest = SopTemplate.objects.order_by("-version").first()
    if latest is not None:
        return latest
    title, body = sop_default()
    return SopTemplate(version=1, title=title, body=body, created_at=timezone.now())


def sop_versions(*, limit: int = 20) -> list[SopTemplate]:
    return list(SopTemplate.objects.select_related("created_by").order_by("-version")[:limit])


def _subtree(target: Jurisdiction) -> set[int]:
    return jurisdiction_tree().descendants(target.pk)


def packet_eligible(*, target: Jurisdiction, since: date | None = None) -> QuerySet[Report]:
    """Current reports at or under `target` that are routed and not yet in a packet sent to
    `target` or below it.

    A report sent to a state's nodal officer can be sent again to its unit (the nodal officer
    splitting the state's packet); a report sitting on a state node (no district known) counts
    as routed to the state. Unscoped: for the packet services, which check packet.create at
    `target` first; never a page.
    """
    nodes = _subtree(target)
    sent_below = PacketReport.objects.filter(
        report=OuterRef("pk"), packet__target_id__in=nodes,
        packet__superseded_by__isnull=True)
    qs = Report.objects.filter(
        Q(status__in=[Report.Status.ROUTED, Report.Status.DISPATCHED])
        | Q(status=Report.Status.NEW, jurisdiction__kind=Jurisdiction.Kind.STATE),
        is_current=True, jurisdiction_id__in=nodes,
    ).exclude(Exists(sent_below))
    if since is not None:
        qs = qs.filter(received_at__gte=datetime.combine(since, time.min, tzinfo=UTC))
    return qs


def packet_eligible_report_ids(*, target: Jurisdiction, since: date | None = None) -> list[int]:
    """The ids of `packet_eligible` (unscoped, for the packet services), oldest first."""
    return list(packet_eligible(target=target, since=since).order_by("id")
                .values_list("id", flat=True))


@dataclass(frozen=True)
class Waiting:
    """A node with routed reports waiting to be sent."""

    id: int
    code: str
    name: str
    kind: str
    count: int


def packet_targets_waiting(*, user: Viewer) -> list[Waiting]:
    """Nodes where the user may send packets, with how many reports wait at or under each
    (states and units; counts of reports not yet sent anywhere)."""
    from django.db.models import Count

    visible = scoped(Report.objects.all(), user=user, action="packet.create")
    counts = dict(visible.filter(
        Q(status=Report.Status.ROUTED)
        | Q(status=Report.Status.NEW, jurisdiction__kind=Jurisdiction.Kind.STATE),
        is_current=True).values_list("jurisdiction_id").annotate(n=Count("id")))
    tree = jurisdiction_tree()
    totals: dict[int, int] = {}
    for node_id, n in counts.items():
        node = tree.by_id.get(node_id)
        while node is not None and node.kind != Jurisdiction.Kind.COUNTRY:
            totals[node.id] = totals.get(node.id, 0) + n
            node = tree.by_id.get(node.parent_id) if node.parent_id else None
    out = [Waiting(n.id, n.code, n.name, n.kind, totals[n.id])
           for n in (tree.by_id[i] for i in totals)]
    return sorted(out, key=lambda w: tree.by_id[w.id].path)


def packets_for(*, user: Viewer, action: str = "packet.receive",
                target: Jurisdiction | None = None) -> QuerySet[Packet]:
    """Packets the user may see for `action`, newest first, with superseded flag annotated
    (packets still being built are left out)."""
    qs = scoped(Packet.objects.exclude(sha256=""), user=user, action=action).select_related(
        "target", "created_by", "acknowledged_by", "downloaded_by", "supersedes")
    if target is not None:
        qs = qs.filter(target=target)
    return qs.annotate(
        superseded=Exists(Packet.objects.filter(supersedes=OuterRef("pk")))
    ).order_by("-created_at", "-id")


#: the list's status filter: value -> what it keeps
PACKET_STATUSES = {
    "awaiting": gettext_lazy("Awaiting acknowledgement"),
    "acknowledged": gettext_lazy("Acknowledged"),
    "overdue": gettext_lazy("Overdue"),
}


def packets_filtered(packets: QuerySet[Packet], *, status: str = "", place: int | None = None,
                     since: date | None = None, until: date | None = None,
                     now: datetime | None = None) -> QuerySet[Packet]:
    """`packets` (from packets_for) narrowed: by status (a PACKET_STATUSES key), to a place's
    subtree, and to those built from `since` to `until` (days in IST, both included)."""
    if status == "awaiting":
        packets = packets.filter(acknowledged_at__isnull=True, superseded_by__isnull=True)
    elif status == "acknowledged":
        packets = packets.filter(acknowledged_at__isnull=False)
    elif status == "overdue":
        packets = packets.filter(acknowledged_at__isnull=True, superseded_by__isnull=True,
                                 ack_due_at__lt=now or timezone.now())
    if place is not None:
        packets = packets.filter(target_id__in=jurisdiction_tree().descendants(place))
    zone = timezone.get_default_timezone()
    if since is not None:
        packets = packets.filter(created_at__gte=datetime.combine(since, time(), zone))
    if until is not None:
        packets = packets.filter(
            created_at__lt=datetime.combine(until + timedelta(days=1), time(), zone))
    return packets


def packet_scope_name(*, user: Viewer, action: str) -> str:
    """Whose packets the user sees for `action`, as a heading says it: "all units" for the hub,
    the state's name for its nodal officer, the unit's for its officer (names joined when
    the user holds grants on several places)."""
    allowed = allowed_jurisdictions(user, action)
    if allowed is None:
        return gettext("all units")
    tree = jurisdiction_tree()
    tops = sorted((tree.by_id[i] for i in allowed
                   if i in tree.by_id and tree.by_id[i].parent_id not in allowed),
                  key=lambda n: n.path)
    return ", ".join(n.name for n in tops) or gettext("no place")


def packet_places(*, user: Viewer, action: str) -> list[Node]:
    """The states and units under the user's scope a list may be narrowed to, in tree order."""
    allowed = allowed_jurisdictions(user, action)
    tree = jurisdiction_tree()
    nodes = (n for n in tree.by_id.values()
             if n.kind in (Jurisdiction.Kind.STATE, Jurisdiction.Kind.DISTRICT,
                           Jurisdiction.Kind.UNIT)
             and (allowed is None or n.id in allowed))
    return sorted(nodes, key=lambda n: n.path)


def packets_overdue(*, user: Viewer, action: str = "packet.receive",
                    now: datetime | None = None) -> QuerySet[Packet]:
    """Packets past their acknowledgement deadline, not acknowledged and not superseded."""
    return packets_for(user=user, action=action).filter(
        acknowledged_at__isnull=True, ack_due_at__lt=now or timezone.now(),
        superseded_by__isnull=True)


def packet_is_overdue(packet: Packet, *, now: datetime | None = None) -> bool:
    if packet.acknowledged_at is not None or packet.ack_due_at >= (now or timezone.now()):
        return False
    # the annotation of packets_for when there is one (no query per row of a list)
    superseded = getattr(packet, "superseded", None)
    return not (packet.is_superseded if superseded is None else superseded)


def packet_report_ids(*, packet: Packet) -> list[int]:
    """The ids of the reports a packet carries (the caller has the packet through a scoped
    read)."""
    return list(packet.items.order_by("report_id").values_list("report_id", flat=True))


def blobs_referenced() -> list[str]:
    """The SHA-256 of every packet ZIP kept in the blob store."""
    return list(Packet.objects.exclude(sha256="").values_list("sha256", flat=True))
