"""How the cases step follows the steps before it: each receiver calls one service.

Routing placed reports -> open or move their cases; dispatch sent or a unit acknowledged a
packet -> mark the cases; review cleared a report -> close it as not pursued. Connected in
`CasesConfig.ready()`; the earlier steps own the signals and import nothing of this app.

Each receiver imports the cases services when it first runs, not when the app starts: wiring
receivers at start-up must not load the cases' and intake's services into every process.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.dispatch import receiver

from tipline.accounts.types import Actor
from tipline.dispatch.signals import packet_acknowledged, packet_sent
from tipline.review.signals import report_cleared
from tipline.routing.signals import reports_placed


@receiver(reports_placed, dispatch_uid="cases.open")
def on_reports_placed(*, actor: Actor, report_ids: Sequence[int], **_: Any) -> int:
    from tipline.cases.services import cases_open  # see the module's docstring

    return cases_open(actor=actor, report_ids=report_ids)


@receiver(packet_sent, dispatch_uid="cases.dispatched")
def on_packet_sent(*, actor: Actor, report_ids: Sequence[int], packet_id: int, **_: Any) -> int:
    from tipline.cases.services import cases_mark_dispatched  # see the module's docstring

    return cases_mark_dispatched(actor=actor, report_ids=report_ids, packet_id=packet_id)


@receiver(packet_acknowledged, dispatch_uid="cases.acknowledged")
def on_packet_acknowledged(*, actor: Actor, report_ids: Sequence[int], **_: Any) -> int:
    from tipline.cases.services import cases_acknowledge  # see the module's docstring

    return cases_acknowledge(actor=actor, report_ids=report_ids)


@receiver(report_cleared, dispatch_uid="cases.cleared")
def on_report_cleared(*, actor: Actor, report_id: int, note: str, **_: Any) -> str:
    from tipline.cases.services import report_clear  # see the module's docstring

    return report_clear(actor=actor, report_id=report_id, note=note)
