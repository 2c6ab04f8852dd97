"""Fusing the locators' candidates into one best place, with its confidence and conflicts.

Every candidate is kept. Each method votes for its country, state and district with its
surest candidate there (an IP seen ten times is one piece of evidence; different methods
add up); the heaviest state wins and its heaviest district within it. Another state (or
country) backed by at least `CONFLICT_WEIGHT` of confidence is a conflict: the report goes
to a person (the national queue) with both sides in the explanation, never silently to one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from functools import lru_cache
from operator import attrgetter
from typing import Any

from tipline.geo.locators import Candidate, Clues, locate_all
from tipline.jurisdictions.units import unit_covering

#: a rival place needs this much confidence behind it to count as a conflict
CONFLICT_WEIGHT = 0.3


@dataclass(frozen=True)
class Resolution:
    """The best place for a set of clues, and why."""

    country: str | None  # ISO 3166-1 alpha-2
    state: str | None  # ISO 3166-2:IN code without "IN-"
    district: str | None  # as indian-pincode spells it
    unit: str | None  # code of the unit that covers the place (geo.units)
    confidence: float  # 0..1
    conflict: bool
    explanation: str
    candidates: tuple[Candidate, ...]
    pin: str | None = None  # the surest PIN in the district, when a clue gave one
    city: str | None = None  # the surest city name in the district

    @property
    def foreign(self) -> bool:
        return self.country is not None and self.country != "IN"

    def as_json(self) -> dict[str, Any]:
        return {
            "country": self.country, "state": self.state, "district": self.district,
            "pin": self.pin, "city": self.city,
            "unit": self.unit, "confidence": self.confidence, "conflict": self.conflict,
            "foreign": self.foreign, "explanation": self.explanation,
            "candidates": [asdict(c) for c in self.candidates],
        }


def resolve(clues: Clues) -> Resolution:
    """Run every locator on the clues and fuse what they say."""
    return fuse(locate_all(clues))


def _votes(candidates: list[Candidate], key: Callable[[Candidate], str | None]) -> dict[str, float]:
    """Weight per place: each method counts once per place (its surest candidate there), so
    one IP seen ten times is one piece of evidence; different methods add up."""
    best: dict[tuple[str, str], float] = {}
    for c in candidates:
        place = key(c)
        if place:
            _keep_surest(best, (c.method, place), c.confidence)
    return _sum(best)


def _keep_surest(best: dict[tuple[str, str], float], pair: tuple[str, str],
                 confidence: float) -> None:
    """Hold the surest confidence seen for a (method, place); the first seen keeps its place
    in the order (the weights are summed in it)."""
    if confidence > best.get(pair, 0.0):
        best[pair] = confidence


def _country_votes(useful: list[Candidate]) -> tuple[
        dict[str, float], dict[str, dict[str, float]], dict[str, float]]:
    """In one pass over the candidates, `_votes` by country, by state within each country,
    and by state or else country (what a state's share is taken of)."""
    countries: dict[tuple[str, str], float] = {}
    states: dict[str, dict[tuple[str, str], float]] = {}
    either: dict[tuple[str, str], float] = {}
    for c in useful:
        method, confidence, country, state = c.method, c.confidence, c.country, c.state
        for best, place in ((countries, country), (states.setdefault(country or "", {}), state),
                            (either, state or country)):
            if place:
                _keep_surest(best, (method, place), confidence)
    return (_sum(countries), {k: _sum(v) for k, v in states.items()}, _sum(either))


def _sum(best: dict[tuple[str, str], float]) -> dict[str, float]:
    """Weight per place from each method's surest candidate per place (see `_votes`)."""
    weights: dict[str, float] = {}
    for (_method, place), weight in best.items():
        weights[place] = weights.get(place, 0.0) + weight
    return weights


_district = attrgetter("district")
_pin = attrgetter("pin")
_city = attrgetter("city")


def _surest(candidates: list[Candidate], key: Callable[[Candidate], str | None]) -> str | None:
    """The value of the surest candidate that has one."""
    best = max((c for c in candidates if key(c)), key=lambda c: c.confidence, default=None)
    return key(best) if best else None


def _heaviest(weights: dict[str, float]) -> str | None:
    return max(weights, key=lambda k: (weights[k], k)) if weights else None


def _place(c: Candidate) -> str:
    return _where(c.city, c.district, c.state, c.country)


@lru_cache(maxsize=4096)
def _where(city: str | None, district: str | None, state: str | None,
           country: str | None) -> str:
    parts = [city or "", (district or "").title(), state or "", country or "unknown"]
    seen: list[str] = []
    for part in parts:
        if part and part.lower() not in (s.lower() for s in seen):
            seen.append(part)
    return ", ".join(seen)


def _line(c: Candidate) -> str:
    note = f" ({c.note})" if c.note else ""
    return f"{c.clue} -> {_place(c)}{note}"


def fuse(candidates: Iterable[Candidate]) -> Resolution:
    """One best place from candidates; see the module docstring."""
    every = tuple(candidates)
    useful = [c for c in every if c.confidence > 0 and c.country]
    if not useful:
        reasons = "; ".join(_line(c) for c in every) or "no location clue"
        return Resolution(None, None, None, None, 0.0, False,
                          f"Unknown: {reasons}.", every)
    countries, by_country, totals = _country_votes(useful)
    country = _heaviest(countries)
    states = by_country.get(country or "", {})
    state = _heaviest(states) if country == "IN" else None
    districts = _votes([c for c in useful if c.state == state], _district) if state else {}
    district = _heaviest(districts)
    rivals = [k for k, w in countries.items() if k != country and w >= CONFLICT_WEIGHT]
    rivals += [k for k, w in states.items() if k != state and w >= CONFLICT_WEIGHT]
    conflict = bool(rivals)
    agreeing = [c for c in useful if c.country == country and (not state or c.state == state)]
    total = sum(countries.values()) if not state else sum(totals.values())
    support = states[state] if state else countries[country or ""]
    surest: dict[str, float] = {}  # per method, its surest agreeing candidate
    for c in agreeing:
        if c.confidence > surest.get(c.method, -1.0):
            surest[c.method] = c.confidence
    best = max(surest.values())
    methods = set(surest)
    # independent methods that agree raise confidence; the share of dissent lowers it
    combined = 1.0
    for method in methods:
        combined *= 1 - surest[method]
    confidence = round(max(best, 1 - combined) * (support / total), 3)
    # the finer clues must agree on the district (an IP's city has none: it counts only
    # when no district is known)
    local = [c for c in agreeing if state and (c.district == district if district else True)]
    pin = _surest(local, _pin)
    city = _surest(local, _city)
    node = unit_covering(state=state, district=district, pin=pin, city=city)
    unit = node.code if node else None
    where = ", ".join(p for p in [(district or "").title(), state, country] if p)
    lines = "; ".join(_line(c) for c in every)
    if conflict:
        verdict = f"CONFLICT: {' and '.join(sorted(rivals))} also indicated"
    elif len(methods) > 1:
        verdict = "agree"
    else:
        verdict = "single method"
    routed = f" -> {node.name}" if node and node.kind != "state" else ""
    return Resolution(country, state, district, unit, confidence, conflict,
                      f"{where}{routed}: {lines}; {verdict}.", every, pin, city)
