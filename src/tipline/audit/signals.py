"""What the audit trail tells the apps above it.

Every write of the house records its event here, so the apps that react to what happened
(alerts) listen to the trail rather than to each step: the lower apps need not know them.
"""

from __future__ import annotations

from django.dispatch import Signal

#: Events were appended to the chain, inside the transaction of the write they record: a
#: receiver's writes commit or roll back with it (and may record events of their own). Sent
#: with `actor` and `entries` (a list of `audit.services.Entry`: action, object_type,
#: object_id, data).
events_recorded = Signal()
