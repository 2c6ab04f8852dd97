"""What the review step tells the steps after it (connected in their `ready()`).

Sent inside review's transaction, so a receiver's writes commit or roll back with it.
"""

from __future__ import annotations

from django.dispatch import Signal

#: every stored file of a report was decided and none is CSAM: the report is not pursued
#: (false positive). kwargs: actor, report_id, note. The receiver that owns what follows (the
#: cases step) returns what it did, in words ("case closed", "report closed"...).
report_cleared = Signal()
