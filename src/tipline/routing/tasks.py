"""Background tasks of the routing step: thin and idempotent."""

from __future__ import annotations

from django_tasks import task

from tipline.accounts.services import system_user
from tipline.routing.services import routing_run


@task(queue_name="route")
def route_pending() -> None:
    """Route whatever is not routed yet (after an import), as the system's router."""
    routing_run(actor=system_user("router"))
