"""How alerts follow what the steps below do: the audit trail's events (every write records
one, so no step needs to know alerts exist) and routing's placements. Each receiver runs
inside the transaction of the write it follows and calls one service."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import transaction
from django.dispatch import receiver

from tipline.accounts.types import Actor
from tipline.alerts import services
from tipline.audit.services import Entry
from tipline.audit.signals import events_recorded
from tipline.routing.signals import reports_placed


def _packet(actor: Actor, entry: Entry) -> None:
    services.packet_arrived(packet_id=int(entry.object_id),
                            target_code=str(entry.data.get("target", "")),
                            reports=int(entry.data.get("reports", 0)))


def _transfer(actor: Actor, entry: Entry) -> None:
    services.transfer_arrived(report_id=int(entry.object_id),
                              to_code=str(entry.data.get("to", "")),
                              from_code=str(entry.data.get("from", "")))


def _clusters(actor: Actor, entry: Entry) -> None:
    services.cluster_leads_changed(moved=list(entry.data.get("moved", [])))


def _acknowledged(actor: Actor, entry: Entry) -> None:
    from tipline.dispatch.models import PacketReport

    ids = list(PacketReport.objects.filter(packet_id=int(entry.object_id))
               .values_list("report_id", flat=True))
    services.urgent_acknowledged(actor=actor, report_ids=ids)


def _decided(actor: Actor, entry: Entry) -> None:
    if entry.data.get("urgent"):
        _watch(actor, [int(entry.object_id)])


def _watch(actor: Actor, report_ids: Sequence[int]) -> None:
    """Watch the urgent reports among these; once the write commits, queue each one's
    packet (the task module is imported when first needed: start-up stays light)."""
    fresh = services.urgent_watch(actor=actor, report_ids=report_ids)
    if fresh:
        transaction.on_commit(lambda: _queue_packets(fresh))


def _queue_packets(report_ids: list[int]) -> None:
    from tipline.alerts.tasks import urgent_packet_task

    for rid in report_ids:
        urgent_packet_task.enqueue(rid)


#: audit action -> what alerts does about it
HANDLERS: dict[str, Callable[[Actor, Entry], None]] = {
    "packet.built": _packet,
    "packet.corrected": _packet,
    "report.transferred": _transfer,
    "clusters.assigned": _clusters,
    "packet.acknowledged": _acknowledged,
    "review.decided": _decided,
}


@receiver(events_recorded, dispatch_uid="alerts.events")
def on_events_recorded(*, actor: Actor, entries: Sequence[Entry], **_: Any) -> None:
    for entry in entries:
        handler = HANDLERS.get(entry.action)
        if handler is not None:
            handler(actor, entry)


@receiver(reports_placed, dispatch_uid="alerts.urgent")
def on_reports_placed(*, actor: Actor, report_ids: Sequence[int], **_: Any) -> None:
    """Routed or moved: an urgent report that reached a unit is watched from now on."""
    _watch(actor, report_ids)
