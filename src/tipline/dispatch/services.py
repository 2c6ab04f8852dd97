"""Writes of the dispatch step: building, downloading, acknowledging and correcting packets.

Building reads and renders outside any transaction (a large packet takes a while; nothing is
locked meanwhile), then records the packet, its reports, the reports' new status, the cases'
dispatch and the audit event in one transaction. The passphrase is returned once and never
stored.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tipline.accounts.policies import can, can_everywhere, get_scoped_or_404
from tipline.accounts.types import Actor
from tipline.audit.services import audit_record
from tipline.core.blobs import blob_open, blob_put
from tipline.core.bulk import batches, insert_rows
from tipline.core.errors import InvalidTransition, NotPermitted, RejectedInput
from tipline.core.progress import Progress
from tipline.dispatch.models import Packet, PacketReport, SopTemplate
from tipline.dispatch.packaging import packet_zip_write, passphrase_check, passphrase_new
from tipline.dispatch.renderers.base import PacketInfo, SopData
from tipline.dispatch.selectors import packet_eligible, packet_eligible_report_ids, sop_current
from tipline.dispatch.signals import packet_acknowledged, packet_sent
from tipline.intake.models import Report
from tipline.intake.services import StatusChange, reports_status_set
from tipline.jurisdictions.models import Jurisdiction

CHUNK = 500
UNIT_KINDS = (Jurisdiction.Kind.DISTRICT, Jurisdiction.Kind.UNIT, Jurisdiction.Kind.STATION)


@dataclass(frozen=True)
class Built:
    """A packet just built, with the passphrase to show once."""

    packet: Packet
    passphrase: str


def _info(packet: Packet, target: Jurisdiction, actor: Actor) -> PacketInfo:
    old = packet.supersedes
    return PacketInfo(
        id=packet.pk, reference=packet.reference, version=packet.version,
        target_code=target.code, target_name=target.name,
        created_by=getattr(actor, "username", "") or "system", created_at=packet.created_at,
        ack_due_at=packet.ack_due_at, report_count=packet.report_count,
        supersedes=old.reference if old else "", correction_reason=packet.correction_reason,
        note=packet.note, language=target.language)


def _render(*, packet: Packet, target: Jurisdiction, actor: Actor, report_ids: Sequence[int],
            passphrase: str, progress: Progress | None) -> tuple[str, int]:
    """Write the ZIP, keep it in the blob store; returns (sha256, size)."""
    sop = sop_current()
    root = Path(settings.TIPLINE_HOME) / "tmp"
    root.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=root, prefix="packet-", suffix=".zip")
    os.close(fd)
    try:
        packet_zip_write(out=Path(name), passphrase=passphrase,
                         packet=_info(packet, target, actor),
                         sop=SopData(version=sop.version, title=sop.title, body=sop.body),
                         report_ids=report_ids, chunk=CHUNK, progress=progress)

        def read() -> Iterator[bytes]:
            with open(name, "rb") as fh:
                while data := fh.read(1024 * 1024):
                    yield data

        info = blob_put(read(), max_bytes=2**62)
        return info.sha256, info.size
    finally:
        os.unlink(name)


def _reserve(*, actor: Actor, target: Jurisdiction, count: int, since: date | None, note: str,
             supersedes: Packet | None = None, reason: str = "",
             ack_within: timedelta | None = None) -> Packet:
    """The packet's row, made first so its id is known to the files (no lock held after)."""
    now = timezone.now()
    with transaction.atomic():
        packet = Packet.objects.create(
            target=target, version=supersedes.version + 1 if supersedes else 1,
            supersedes=None, correction_reason=reason, note=note, since=since,
            created_by=actor if getattr(actor, "pk", None) else None, created_at=now,
            report_count=count,
            ack_due_at=now + (ack_within or timedelta(days=settings.DISPATCH_ACK_DAYS)),
            series=supersedes.series if supersedes else None)
        if packet.series is None:
            packet.series = packet.pk
            packet.save(update_fields=["series"])
    packet.supersedes = supersedes  # linked when recorded; shown on the files already
    return packet


def _record(*, actor: Actor, packet: Packet, report_ids: Sequence[int], action: str,
            data: dict[str, Any]) -> None:
    insert_rows(PacketReport, ("packet", "report"), [(packet.pk, rid) for rid in report_ids])
    reports_status_set(changes=[StatusChange(rid, Report.Status.DISPATCHED)
                                for rid in report_ids])
    packet_sent.send(sender=Packet, actor=actor, report_ids=list(report_ids),
                     packet_id=packet.pk)
    audit_record(actor=actor, action=action, obj=packet, data={
        "packet": packet.reference, "target": packet.target.code, "reports": len(report_ids),
        "sha256": packet.sha256, "size": packet.size, **data})


def _check_still_waiting(*, target: Jurisdiction, report_ids: Sequence[int]) -> None:
    """Refuse when another packet took some of these reports while this one was rendered."""
    waiting = 0
    for chunk in batches(report_ids, CHUNK):
        waiting += packet_eligible(target=target).filter(pk__in=chunk).count()
    if waiting != len(report_ids):
        raise RejectedInput(_("%(count)s of the reports were sent in another packet meanwhile; "
                              "build the packet again") % {"count": len(report_ids) - waiting})


def _build(*, actor: Actor, target: Jurisdiction, report_ids: list[int], since: date | None,
           note: str, passphrase: str | None, progress: Progress | None,
           supersedes: Packet | None = None, reason: str = "",
           ack_within: timedelta | None = None) -> Built:
    secret = passphrase_check(passphrase) if passphrase is not None else passphrase_new()
    packet = _reserve(actor=actor, target=target, count=len(report_ids), since=since, note=note,
                      supersedes=supersedes, reason=reason, ack_within=ack_within)
    try:
        packet.sha256, packet.size = _render(packet=packet, target=target, actor=actor,
                                             report_ids=report_ids, passphrase=secret,
                                             progress=progress)
        with transaction.atomic():
            if supersedes is not None:
                old = Packet.objects.select_for_update().get(pk=supersedes.pk)
                if Packet.objects.filter(supersedes=old).exists():
                    raise InvalidTransition(_("%(packet)s has already been corrected")
                                            % {"packet": old.reference})
            else:
                _check_still_waiting(target=target, report_ids=report_ids)
            packet.save(update_fields=["sha256", "size", "supersedes"])
            if supersedes is None:
                _record(actor=actor, packet=packet, report_ids=report_ids,
                        action="packet.built", data={"since": since})
            else:
                _record(actor=actor, packet=packet, report_ids=report_ids,
                        action="packet.corrected", data={"supersedes": supersedes.reference,
                                                         "reason": reason})
    except BaseException:
        # nothing was recorded (that transaction rolled back): drop the reserved row
        Packet.objects.filter(pk=packet.pk).delete()
        raise
    return Built(packet=packet, passphrase=secret)


def packet_build(
    *, actor: Actor, target_code: str, since: date | None = None,
    report_ids: Sequence[int] | None = None, note: str = "", passphrase: str | None = None,
    progress: Progress | None = None, ack_within: timedelta | None = None,
) -> Built:
    """Build a packet for a unit (or a state's nodal officer) of its routed reports not yet
    sent to it or below it; received on or after `since`, or only `report_ids` if given.

    The actor needs packet.create at the target (a system user, as `tipline dispatch` acts
    for the operator at the server's console, may send anywhere). The reports become
    DISPATCHED and their cases learn which packet carried them. `ack_within`: acknowledgement
    is due this long after (an urgent report's packet: hours); TIPLINE_DISPATCH_ACK_DAYS else.
    """
    target = Jurisdiction.objects.filter(code=target_code.strip().upper()).first()
    if target is None:
        raise RejectedInput(_("no jurisdiction %(code)s") % {"code": repr(target_code)})
    if target.kind == Jurisdiction.Kind.COUNTRY:
        raise RejectedInput(_("packets go to a state, district or unit, not the whole country"))
    if not can(actor, "packet.create", jurisdiction_id=target.pk):
        raise NotPermitted(_("you may not send packets to %(unit)s") % {"unit": target.name})
    ids = packet_eligible_report_ids(target=target, since=since)
    if report_ids is not None:
        wanted = set(report_ids)
        ids = [i for i in ids if i in wanted]
        if len(ids) != len(wanted):
            raise RejectedInput(_("%(count)s of the chosen reports are not waiting to be sent to "
                                  "%(unit)s") % {"count": len(wanted) - len(ids),
                                                 "unit": target.name})
    if not ids:
        raise RejectedInput(_("no routed reports are waiting to be sent to %(unit)s")
                            % {"unit": target.name})
    return _build(actor=actor, target=target, report_ids=ids, since=since, note=note.strip(),
                  passphrase=passphrase, progress=progress, ack_within=ack_within)


def packet_correct(
    *, actor: Actor, packet_id: int, reason: str, note: str | None = None,
    passphrase: str | None = None, progress: Progress | None = None,
) -> Built:
    """A corrected packet: the same reports rendered again from today's data, as the next
    version, which supersedes the old one and says why. The unit acknowledges it afresh."""
    reason = reason.strip()
    if len(reason) < 5:
        raise RejectedInput(_("give the reason for the correction (at least a few words)"))
    old = get_scoped_or_404(Packet.objects.select_related("target").exclude(sha256=""),
                            user=actor, action="packet.create", pk=packet_id)
    if Packet.objects.filter(supersedes=old).exists():
        raise InvalidTransition(_("%(packet)s has already been corrected; correct the newest "
                                  "version") % {"packet": old.reference})
    ids = list(PacketReport.objects.filter(packet=old).order_by("report_id")
               .values_list("report_id", flat=True))
    return _build(actor=actor, target=old.target, report_ids=ids, since=old.since,
                  note=old.note if note is None else note.strip(), passphrase=passphrase,
                  progress=progress, supersedes=old, reason=reason)


def packet_download(*, actor: Actor, packet_id: int) -> tuple[Packet, Iterator[bytes]]:
    """The packet's ZIP for a receiving officer (packet.receive at its target); every
    download is audited, the first one is kept on the packet."""
    with transaction.atomic():
        packet = get_scoped_or_404(Packet.objects.select_for_update().exclude(sha256=""),
                                   user=actor, action="packet.receive", pk=packet_id)
        now = timezone.now()
        packet.download_count += 1
        fields = ["download_count"]
        if packet.downloaded_at is None:
            packet.downloaded_at, packet.downloaded_by = now, actor
            fields += ["downloaded_at", "downloaded_by"]
        packet.save(update_fields=fields)
        audit_record(actor=actor, action="packet.downloaded", obj=packet, data={
            "packet": packet.reference, "download": packet.download_count})
    return packet, blob_open(packet.sha256)


def packet_acknowledge(*, actor: Actor, packet_id: int) -> Packet:
    """The receiving officer confirms the packet arrived and opened (packet.receive at its
    target). A unit's acknowledgement moves its reports' cases to acknowledged."""
    with transaction.atomic():
        packet = get_scoped_or_404(
            Packet.objects.select_for_update().select_related("target").exclude(sha256=""),
            user=actor, action="packet.receive", pk=packet_id)
        if packet.acknowledged_at is not None:
            raise InvalidTransition(_("%(packet)s was already acknowledged")
                                    % {"packet": packet.reference})
        if Packet.objects.filter(supersedes=packet).exists():
            raise InvalidTransition(_("%(packet)s was superseded; acknowledge the newest "
                                      "version") % {"packet": packet.reference})
        now = timezone.now()
        packet.acknowledged_at, packet.acknowledged_by = now, actor
        packet.save(update_fields=["acknowledged_at", "acknowledged_by"])
        late = now > packet.ack_due_at
        audit_record(actor=actor, action="packet.acknowledged", obj=packet, data={
            "packet": packet.reference, "late": late})
        if packet.target.kind in UNIT_KINDS:
            ids = list(packet.items.values_list("report_id", flat=True))
            packet_acknowledged.send(sender=Packet, actor=actor, report_ids=ids)
    return packet


def sop_edit(*, actor: Actor, title: str, body: str) -> SopTemplate:
    """A new version of the SOP sent with packets from now on (sop.edit everywhere)."""
    if not can_everywhere(actor, "sop.edit"):
        raise NotPermitted(_("you may not edit the SOP"))
    title, body = title.strip(), body.strip()
    if not title or len(body) < 20:
        raise RejectedInput(_("the SOP needs a title and a body"))
    with transaction.atomic():
        current = sop_current()
        sop = SopTemplate.objects.create(version=current.version + 1, title=title, body=body,
                                         created_by=actor, created_at=timezone.now())
        audit_record(actor=actor, action="sop.edited", obj=sop, data={
            "version": sop.version, "previous": current.version})
    return sop
