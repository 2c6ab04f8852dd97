"""What the routing step tells the steps after it (connected in their `ready()`).

Sent inside routing's transaction, so a receiver's writes commit or roll back with it.
"""

from __future__ import annotations

from django.dispatch import Signal

#: reports were placed or moved: routed, transferred by hand, or moved to their cluster's
#: lead. kwargs: actor, report_ids (list[int]). A receiver returns how many of its own
#: records it opened or moved (the cases step: cases), which routing reports.
reports_placed = Signal()
