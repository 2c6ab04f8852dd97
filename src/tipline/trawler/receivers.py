"""How the trawler follows intake: every URL a new report carries becomes a seed as the
report's chunk commits (`intake.signals.reports_stored`), whoever imported it.

A seed that cannot be added is logged, never raised: the import that sent the signal has
committed and must not fail for the trawler's sake.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django.dispatch import receiver

from tipline.intake.signals import reports_stored

logger = logging.getLogger(__name__)


@receiver(reports_stored, dispatch_uid="trawler.seeds")
def on_reports_stored(*, report_ids: Sequence[int], **_: Any) -> None:
    if not report_ids:
        return
    from tipline.trawler.services import report_seeds_add

    try:
        report_seeds_add(report_ids=list(report_ids))
    except Exception:  # the import has committed; a lost seed is logged
        logger.exception("trawler: could not add the seeds of %d reports", len(report_ids))
