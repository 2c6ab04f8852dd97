"""Background work of the trawler, on queue "trawl".

- The crawl, a few minutes at a time. Registered as a periodic task only when
  `TIPLINE_TRAWL_ENABLED` is on: a hub decides to crawl. Each run re-seeds the sources whose
  schedule has come round (`Source.every`), crawls what is due for `TIPLINE_TRAWL_RUN_SECONDS`,
  then queues the next run: soon when URLs are still due, after `IDLE_SECONDS` when the
  frontier is quiet. A run killed half-way loses nothing: the frontier is in the database
  (crawl.py).
- The takedown notices, every `TIPLINE_TRAWL_NOTICE_MINUTES`: send the due notices, re-check
  the noticed URLs that are due, escalate those ignored (sweep.py).
"""

from __future__ import annotations

from django.conf import settings
from django_tasks import task

from tipline.core.tasks import periodic_queue, periodic_register
from tipline.trawler.sweep import notices_sweep

#: seconds between two crawl runs when nothing was due
IDLE_SECONDS = 60


@task(queue_name="trawl")
def trawl_crawl_task() -> int:
    """Crawl what is due for a while, then queue the next run; the URLs fetched."""
    from tipline.trawler.crawl import crawl_run, frontier_due

    stats = crawl_run(seconds=float(settings.TRAWL_RUN_SECONDS))
    periodic_queue(trawl_crawl_task, after=1 if frontier_due() else IDLE_SECONDS)
    return stats.fetched


@task(queue_name="trawl")
def trawl_notices_task() -> int:
    """One run of trawler.sweep.notices_sweep, then queue the next; how many notices went."""
    done = notices_sweep()
    periodic_queue(trawl_notices_task)
    return done.sent


if settings.TRAWL_ENABLED:
    periodic_register(trawl_crawl_task, every=IDLE_SECONDS)
periodic_register(trawl_notices_task, every=settings.TRAWL_NOTICE_MINUTES * 60)
