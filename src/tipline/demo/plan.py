"""Where each report of the demo export really is: states, districts and police areas shared
out like India's first five months, the kind of location clues each report carries, and the
groups of reports that belong to one recurring suspect."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from tipline.demo import data as ref

SHARE_MISSING = 0.08
SHARE_CONTRADICTORY = 0.05
SHARE_FOREIGN = 0.01
SHARE_RECURRING = 0.05

KINDS = ("consistent", "missing", "contradictory", "foreign")


@dataclass(frozen=True, slots=True)
class Slot:
    """Where one report really is, and what kind of location clues it carries."""

    state: str  # ISO code, "" for foreign
    district: str  # indian-pincode name, "" for foreign
    area: str
    kind: str = "consistent"
    group: int = -1  # recurring suspect's group, -1 for none


def _allocate(total: int, weights: Sequence[tuple[str, float]]) -> dict[str, int]:
    """Split `total` by `weights` exactly (largest remainder; ties by order)."""
    weight_sum = sum(w for _, w in weights)
    if total <= 0 or weight_sum <= 0:
        return {k: 0 for k, _ in weights}
    raw = [(k, total * w / weight_sum) for k, w in weights]
    counts = {k: int(v) for k, v in raw}
    left = total - sum(counts.values())
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i][1] - int(raw[i][1])), i))
    for i in order[:left]:
        counts[raw[i][0]] += 1
    return counts


def _state_weights() -> list[tuple[str, float]]:
    rest = sum(s.weight for s in ref.STATES if s.code != "DL")
    return [
        (s.code, float(ref.REFERENCE_DOMESTIC - rest) if s.code == "DL" else s.weight)
        for s in ref.STATES
    ]


def _district_weights(state: str) -> list[tuple[str, float]]:
    items = ref.districts()[state]
    if state == "MH":
        named = sum(ref.MH_DISTRICTS.values())
        others = [d for d in items if d.name not in ref.MH_DISTRICTS]
        other_pins = sum(len(d.pins) for d in others)
        rest = ref.MH_TOTAL - named
        return [
            (d.name, float(ref.MH_DISTRICTS[d.name]))
            if d.name in ref.MH_DISTRICTS
            else (d.name, rest * len(d.pins) / other_pins)
            for d in items
        ]
    boost = ref.BIG_DISTRICTS.get(state, {})
    return [(d.name, len(d.pins) * boost.get(d.name, 1.0)) for d in items]


def area_of(state: str, district: str) -> str:
    """The police area a district's reports go to (Mumbai's two districts are one area)."""
    if state == "MH" and district in {"MUMBAI", "MUMBAI SUBURBAN"}:
        return "Mumbai"
    if state == "DL" and district not in {"NEW DELHI", "DELHI"}:
        return f"{district.title()} Delhi"
    return district.title()


def plan(reports: int, seed: int) -> list[Slot]:
    """Where each of `reports` reports really is, in report order (deterministic)."""
    rng = random.Random(f"demo-plan:{seed}:{reports}")
    slots = _places(reports)
    rng.shuffle(slots)
    _mark_clue_kinds(slots, reports, rng)
    _group_recurring(slots, reports, rng)
    return slots


def _places(reports: int) -> list[Slot]:
    """The foreign reports, then every state's reports by district (Pune by its three areas)."""
    foreign = round(reports * SHARE_FOREIGN)
    domestic = reports - foreign
    slots: list[Slot] = [Slot("", "", "", "foreign") for _ in range(foreign)]
    for state, count in _allocate(domestic, _state_weights()).items():
        for district, n in _allocate(count, _district_weights(state)).items():
            if state == "MH" and district == "PUNE":
                for area, m in _allocate(n, list(ref.PUNE_AREAS.items())).items():
                    slots.extend(Slot(state, district, area) for _ in range(m))
            else:
                slots.extend(Slot(state, district, area_of(state, district)) for _ in range(n))
    return slots


def _mark_clue_kinds(slots: list[Slot], reports: int, rng: random.Random) -> None:
    """Make some domestic reports `missing` (no place clues) or `contradictory`."""
    domestic_idx = [i for i, s in enumerate(slots) if s.kind != "foreign"]
    picked = rng.sample(
        domestic_idx, round(reports * SHARE_MISSING) + round(reports * SHARE_CONTRADICTORY)
    )
    n_missing = round(reports * SHARE_MISSING)
    for j, i in enumerate(picked):
        kind = "missing" if j < n_missing else "contradictory"
        s = slots[i]
        slots[i] = Slot(s.state, s.district, s.area, kind)


def _group_recurring(slots: list[Slot], reports: int, rng: random.Random) -> None:
    """Recurring suspects: groups of 2-5 consistent reports in the same district."""
    buckets: dict[tuple[str, str], list[int]] = {}
    for i, s in enumerate(slots):
        if s.kind == "consistent":
            buckets.setdefault((s.state, s.district), []).append(i)
    keys = sorted(buckets)
    for key in keys:
        rng.shuffle(buckets[key])
    target = round(reports * SHARE_RECURRING)
    members = 0
    group = 0
    while members < target:
        open_keys = [k for k in keys if len(buckets[k]) >= 2]
        if not open_keys:
            break
        key = rng.choices(open_keys, weights=[len(buckets[k]) for k in open_keys])[0]
        size = min(rng.randint(2, 5), len(buckets[key]))
        for _ in range(size):
            i = buckets[key].pop()
            s = slots[i]
            slots[i] = Slot(s.state, s.district, s.area, s.kind, group)
        members += size
        group += 1
