"""Background work of the trawler: the periodic run of the takedown notices (send the due
notices, re-check the noticed URLs that are due, escalate those ignored)."""

from __future__ import annotations

from django.conf import settings
from django_tasks import task

from tipline.core.tasks import periodic_queue, periodic_register
from tipline.trawler.sweep import notices_sweep


@task(queue_name="trawl")
def trawl_notices_task() -> int:
    """One run of trawler.sweep.notices_sweep, then queue the next; how many notices went."""
    done = notices_sweep()
    periodic_queue(trawl_notices_task)
    return done.sent


periodic_register(trawl_notices_task, every=settings.TRAWL_NOTICE_MINUTES * 60)
