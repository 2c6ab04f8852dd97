"""The demo's routing: resolve, place and link every report, then say how right the places
were against the export's ground truth."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tipline.accounts.services import system_user
from tipline.core.progress import Progress
from tipline.geo.accuracy import Accuracy, routing_accuracy
from tipline.routing.services import RoutingRun, routing_run


@dataclass(frozen=True)
class Routed:
    """What routing did, and its accuracy on the demo's reports."""

    run: RoutingRun
    accuracy: Accuracy

    def summary(self) -> str:
        return f"{self.run.summary()}\n{self.accuracy.summary()}"


def reports_route_demo(*, truth_path: Path, progress: Progress | None = None) -> Routed:
    """Route every report not yet routed, and measure against `truth_path` (ground truth)."""
    run = routing_run(actor=system_user("router"), progress=progress)
    return Routed(run, routing_accuracy(ground_truth_csv=truth_path))
