"""Packets: what was sent to units and when it was received; metadata only, never a
packet's contents (those are downloaded, encrypted, from the packets page)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router

from tipline.accounts.policies import can
from tipline.api.gates import caller
from tipline.api.responses import answers
from tipline.api.schemas import Id, Packet, PacketDetail, PacketQuery
from tipline.dispatch import selectors
from tipline.dispatch.models import Packet as PacketRow

router = Router(tags=["packets"])
RECEIVE, CREATE = "packet.receive", "packet.create"


def _meta(packet: PacketRow) -> dict[str, Any]:
    return {
        "id": packet.pk, "reference": packet.reference,
        "target": {"code": packet.target.code, "name": packet.target.name},
        "version": packet.version, "created_at": packet.created_at,
        "report_count": packet.report_count, "sha256": packet.sha256, "size": packet.size,
        "ack_due_at": packet.ack_due_at, "downloaded_at": packet.downloaded_at,
        "download_count": packet.download_count, "acknowledged_at": packet.acknowledged_at,
        "superseded": bool(getattr(packet, "superseded", False)),
        "overdue": selectors.packet_is_overdue(packet, now=timezone.now()),
        "since": packet.since, "note": packet.note,
        "correction_reason": packet.correction_reason,
    }


@router.get("/", response=answers(list[Packet]), url_name="packet_list")
def packet_list(request: HttpRequest, query: Query[PacketQuery]) -> Any:
    """Packets the caller received (or sent), newest first."""
    user = caller(request, RECEIVE, CREATE)
    box = query.box or ("received" if can(user, RECEIVE) else "sent")
    action = RECEIVE if box == "received" else CREATE
    if not can(user, action):
        return []
    return [_meta(p) for p in selectors.packets_for(user=user, action=action)[:query.limit]]


@router.get("/{packet_id}", response=answers(PacketDetail), url_name="packet_detail")
def packet_detail(request: HttpRequest, packet_id: Id) -> Any:
    """One packet's metadata and the references of the reports it carries."""
    user = caller(request, RECEIVE, CREATE)
    for action in (RECEIVE, CREATE):
        packet = selectors.packets_for(user=user, action=action).filter(pk=packet_id).first()
        if packet is not None:
            return {**_meta(packet), "reports": [
                f"TL-{pk:08d}" for pk in selectors.packet_report_ids(packet=packet)]}
    raise Http404("No such packet")
