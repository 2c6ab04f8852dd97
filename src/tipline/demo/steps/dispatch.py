"""The demo's dispatch: each unit (or district) is sent its routed reports as one packet,
under one published demo passphrase, and most units acknowledge theirs; the rest stay
unacknowledged, so some become overdue."""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.db.models import Count

from tipline.accounts.types import Actor
from tipline.core.progress import NullProgress, Progress
from tipline.dispatch.services import packet_acknowledge, packet_build
from tipline.intake.models import Report
from tipline.jurisdictions.models import Jurisdiction

DEMO_PACKET_PASSPHRASE = "tipline-demo-packets"  # noqa: S105 - demo packets only
ACKNOWLEDGED_SHARE = 0.75


@dataclass(frozen=True)
class Dispatched:
    """How many reports went out in how many packets, and how many were acknowledged."""

    reports: int
    packets: int
    acknowledged: int

    def summary(self) -> str:
        return (f"dispatched {self.reports} reports in {self.packets} packets (passphrase "
                f"{DEMO_PACKET_PASSPHRASE!r}, demo only); {self.acknowledged} acknowledged")


def dispatch_rng(*, seed: int) -> random.Random:
    """The one random stream of the acknowledgements and then of the cases' progress, so the
    same seed plays the same demo."""
    return random.Random(f"demo-dispatch:{seed}")


def packet_targets() -> list[tuple[str, int]]:
    """(code, reports) of each unit and district with routed reports, most reports first."""
    return list(Report.objects.filter(
        is_current=True, status=Report.Status.ROUTED,
        jurisdiction__kind__in=[Jurisdiction.Kind.UNIT, Jurisdiction.Kind.DISTRICT])
        .values_list("jurisdiction__code").annotate(n=Count("pk")).order_by("-n"))


def packets_send(*, actor: Actor, acknowledger: Actor, targets: list[tuple[str, int]],
                 rng: random.Random, progress: Progress | None = None) -> Dispatched:
    """Build one packet per target; `acknowledger` acknowledges about three in four."""
    progress = progress or NullProgress()
    sent = acknowledged = reports = 0
    for done, (code, n) in enumerate(targets, start=1):
        built = packet_build(actor=actor, target_code=code, passphrase=DEMO_PACKET_PASSPHRASE,
                             note="demo packet")
        sent += 1
        reports += n
        if rng.random() < ACKNOWLEDGED_SHARE:
            packet_acknowledge(actor=acknowledger, packet_id=built.packet.pk)
            acknowledged += 1
        progress.update(done=done, total=len(targets))
    return Dispatched(reports, sent, acknowledged)
