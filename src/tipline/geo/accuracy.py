"""Routing accuracy against a ground truth (the demo generator's), for demos and benchmarks.

The ground truth CSV has, per NCMEC report id, the true `state` (ISO code), `district`
(indian-pincode's spelling), `pin`, `city` and `kind`: consistent, missing, contradictory or
foreign. The right unit is the one that covers the true place under the current routing
rules (geo.units): a report is right at unit level when its own clues resolved to that unit
(a cluster's lead may later take it, on purpose; that is not counted against the clues).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from tipline.geo.models import ReportLocation
from tipline.jurisdictions.units import unit_covering


@dataclass(frozen=True)
class Accuracy:
    consistent: int
    state_correct: int  # consistent reports placed in the right state, without a conflict
    unit_correct: int  # ... and at the unit that covers the true place
    contradictory: int
    contradictory_flagged: int
    foreign: int
    foreign_found: int

    @staticmethod
    def _pct(part: int, whole: int) -> float:
        return round(100.0 * part / whole, 2) if whole else 0.0

    @property
    def state_pct(self) -> float:
        return self._pct(self.state_correct, self.consistent)

    @property
    def unit_pct(self) -> float:
        return self._pct(self.unit_correct, self.consistent)

    @property
    def flagged_pct(self) -> float:
        return self._pct(self.contradictory_flagged, self.contradictory)

    def summary(self) -> str:
        return (f"routing accuracy on {self.consistent} consistent reports: state "
                f"{self.state_pct}%, unit {self.unit_pct}%; contradictory reports flagged "
                f"{self.contradictory_flagged}/{self.contradictory} ({self.flagged_pct}%); "
                f"foreign recognised {self.foreign_found}/{self.foreign}")


def _true_unit(truth: dict[str, str]) -> str | None:
    node = unit_covering(state=truth["state"], district=truth["district"],
                         pin=truth.get("pin") or None, city=truth.get("city") or None)
    return node.code if node else None


def routing_accuracy(*, ground_truth_csv: Path) -> Accuracy:
    with ground_truth_csv.open(newline="", encoding="utf-8") as fh:
        truth = {row["report_id"]: row for row in csv.DictReader(fh)}
    counts = dict.fromkeys(Accuracy.__dataclass_fields__, 0)
    rows = ReportLocation.objects.filter(
        report__source="ncmec", report__is_current=True,
        report__external_id__in=list(truth)).values_list(
        "report__external_id", "state", "conflict", "country", "unit__code")
    for external_id, state, conflict, country, placed in rows.iterator(chunk_size=5000):
        t = truth[external_id]
        if t["kind"] == "consistent":
            counts["consistent"] += 1
            right_state = state == t["state"] and not conflict
            counts["state_correct"] += right_state
            counts["unit_correct"] += right_state and placed == _true_unit(t)
        elif t["kind"] == "contradictory":
            counts["contradictory"] += 1
            counts["contradictory_flagged"] += conflict
        elif t["kind"] == "foreign":
            counts["foreign"] += 1
            counts["foreign_found"] += bool(country) and country != "IN"
    return Accuracy(**counts)
