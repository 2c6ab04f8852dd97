"""Background work of alerts: the urgent report's packet, and the periodic sweep."""

from __future__ import annotations

from django.conf import settings
from django_tasks import task

from tipline.alerts.services import alerts_sweep, digest_due, digest_send, urgent_packet
from tipline.core.tasks import periodic_queue, periodic_register


@task(queue_name="dispatch")
def urgent_packet_task(report_id: int) -> int | None:
    """Build an urgent report's single-report packet (alerts.services.urgent_packet)."""
    return urgent_packet(report_id=report_id)


@task()
def alerts_sweep_task() -> int:
    """Escalate late urgent reports, tell units what is due, send the day's digest when it
    is time; then queue the next sweep."""
    found = alerts_sweep()
    if digest_due():
        digest_send()
    periodic_queue(alerts_sweep_task)
    return found.escalated


periodic_register(alerts_sweep_task, every=settings.ALERTS_SWEEP_MINUTES * 60)
