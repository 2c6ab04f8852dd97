"""What the dispatch step tells the steps after it (connected in their `ready()`).

Sent inside dispatch's transaction, so a receiver's writes commit or roll back with it.
"""

from __future__ import annotations

from django.dispatch import Signal

#: a packet carrying these reports was recorded as sent. kwargs: actor, report_ids, packet_id
packet_sent = Signal()

#: a unit acknowledged a packet it received. kwargs: actor, report_ids
packet_acknowledged = Signal()
