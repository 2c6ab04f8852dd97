"""Other queues a reviewer works through, shown above the review queue: the steps above review
register them (the trawler's candidates), so review links to them without importing them.

Each is a `name`d object whose `waiting(user)` gives what the link says (a label, the URL and
how many wait), or None when the user may not open it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from tipline.accounts.types import Viewer
from tipline.core.registry import Registry


@dataclass(frozen=True)
class Waiting:
    label: str
    url: str
    count: int


class OtherQueue(Protocol):
    @property
    def name(self) -> str: ...

    def waiting(self, user: Viewer) -> Waiting | None: ...


OTHER_QUEUES: Registry[OtherQueue] = Registry("review queue")


def other_queues(*, user: Viewer) -> list[Waiting]:
    """The other queues this user may open, with what waits in each."""
    return [w for q in OTHER_QUEUES.values() if (w := q.waiting(user)) is not None]
