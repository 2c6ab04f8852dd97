"""Address text -> state and district, by name (`tipline.geo.names`): the state field, the
district or city field, and names of places found in the street text. PINs in an address
are the "pin" locator's.

Confidence scheme:
- abroad (a country other than India): 0.6, precision "country";
- a district (named, or a city that is in one): 0.6, precision "district"; a name that is
  a district in several states and no state to choose: 0.6 / n for each;
- a state alone: 0.4, precision "state";
- a district of a state carved out of the state named (Leh, "Jammu and Kashmir"): that
  district at 0.6, noting the split;
- the state field agrees with one district named and not another: that district at 0.6,
  noting the other;
- the state field and the district/city disagree (state "Maharashtra", city "Gurgaon"):
  the state field at 0.4 and the other state's district at 0.3, both noting the conflict;
  resolution weighs them against the other clues;
- nothing recognisable: an address that says India gives India at 0.2; else nothing.
A district taken from a city name yields to the address's own PIN when that PIN lies in one
other district of the same state (a city can span districts: Hyderabad, Vijayawada).
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import Any

from tipline.geo.locators.base import AddressClue, Candidate, Clues, Locator, register
from tipline.geo.locators.pin import pin_places
from tipline.geo.names import (
    SPLIT_FROM,
    country_code,
    districts_named,
    find_places,
    state_code,
)

DISTRICT_CONFIDENCE = 0.6
STATE_CONFIDENCE = 0.4
CONFLICT_CONFIDENCE = 0.3
FOREIGN_CONFIDENCE = 0.6
COUNTRY_CONFIDENCE = 0.2


def _quote(address: AddressClue) -> str:
    parts = [address.street, address.city, address.district, address.state,
             address.postal_code, address.country]
    return "address " + ", ".join(p.strip() for p in parts if p and p.strip())


def _places(address: AddressClue) -> list[tuple[str, str | None]]:
    """Every (state, district) the district field, city field and text name, in that order
    of trust."""
    out: list[tuple[str, str | None]] = []
    for field in (address.district, address.city):
        if field.strip():
            named: list[tuple[str, str | None]] = list(districts_named(field))
            out.extend(p for p in named or find_places(field) if p not in out)
    # a state field that names no state may still name a city ("Mumbai")
    state_text = "" if state_code(address.state) else address.state
    text = " ".join(p for p in (address.street, address.city, address.district, state_text) if p)
    out.extend(p for p in find_places(text) if p not in out)
    return out


def address_candidates(address: AddressClue) -> list[Candidate]:
    """Candidates for one address; [] when it names nothing recognisable."""
    return list(_address_candidates(address))


@lru_cache(maxsize=8192)
def _address_candidates(address: AddressClue) -> tuple[Candidate, ...]:
    return tuple(_pin_settles_city(address, _candidates(address)))


def _pin_settles_city(address: AddressClue, candidates: list[Candidate]) -> list[Candidate]:
    """A city name can span districts (Hyderabad, Vijayawada, Delhi): when the address has no
    district field and its own PIN puts it in one district of the same state, that district
    is the address's, not the one the city is named after."""
    pin = re.sub(r"\D", "", address.postal_code)
    if address.district.strip() or len(pin) != 6:
        return candidates
    places = pin_places(pin) or ()
    out = []
    for c in candidates:
        districts = {p.district for p in places if p.state == c.state}
        if c.precision == "district" and c.district and len(districts) == 1 \
                and c.district not in districts:
            (district,) = districts
            note = (f"{address.city.strip() or c.district.title()} spans districts: PIN {pin} "
                    f"places the address in {district.title()}")
            c = replace(c, district=district, note="; ".join(n for n in (c.note, note) if n))
        out.append(c)
    return out


def _candidates(address: AddressClue) -> list[Candidate]:
    clue = _quote(address)
    country = country_code(address.country) if address.country.strip() else "IN"
    if country != "IN":
        note = "address abroad" if country else f"country {address.country!r} not recognised"
        return [Candidate(method="address", clue=clue, country=country, city=address.city or None,
                          precision="country", confidence=FOREIGN_CONFIDENCE if country else 0.1,
                          note=note)]

    def make(**fields: Any) -> Candidate:
        return Candidate(method="address", clue=clue, country="IN",
                         city=address.city.strip() or None, **fields)

    state = state_code(address.state) if address.state.strip() else None
    places = _places(address)
    districts = [(s, d) for s, d in places if d]
    if state is not None:
        mine = [(s, d) for s, d in districts if s == state]
        if mine:
            s, d = mine[0]
            names = {od for _, od in mine}
            elsewhere = ", ".join(
                f"{od} ({os})" for os, od in districts if os != state and od not in names)
            note = f"the address also names {elsewhere}" if elsewhere else ""
            return [make(state=s, district=d, precision="district",
                         confidence=DISTRICT_CONFIDENCE, note=note)]
        carved = [(s, d) for s, d in districts if SPLIT_FROM.get(s, ("", 0))[0] == state]
        if carved:
            s, d = carved[0]
            note = f"{d} is in {s}, part of {state} until {SPLIT_FROM[s][1]}"
            return [make(state=s, district=d, precision="district",
                         confidence=DISTRICT_CONFIDENCE, note=note)]
        others = sorted({s for s, _ in districts})
        if not others:
            return [make(state=state, precision="state", confidence=STATE_CONFIDENCE)]
        note = f"state {address.state!r} but the address names a district of {', '.join(others)}"
        out = [make(state=state, precision="state", confidence=STATE_CONFIDENCE, note=note)]
        out.extend(make(state=s, district=d, precision="district",
                        confidence=CONFLICT_CONFIDENCE, note=note) for s, d in districts)
        return out
    if districts:
        # the most trusted name first; a name meaning several districts shares the confidence
        first = districts[0][1]
        same_name = [(s, d) for s, d in districts if d == first]
        states_named = {s for s, d in places if d is None}
        chosen = [p for p in same_name if p[0] in states_named] or same_name
        share = DISTRICT_CONFIDENCE / len(chosen)
        note = f"{first} is a district in {len(chosen)} states" if len(chosen) > 1 else ""
        return [make(state=s, district=d, precision="district", confidence=round(share, 3),
                     note=note) for s, d in chosen]
    states = [s for s, _ in places]
    if states:
        share = STATE_CONFIDENCE / len(states)
        note = "the address names several states" if len(states) > 1 else ""
        return [make(state=s, precision="state", confidence=round(share, 3), note=note)
                for s in states]
    if address.country.strip():
        return [make(precision="country", confidence=COUNTRY_CONFIDENCE)]
    return []


@register
class AddressLocator(Locator):
    """Addresses -> the state and district their names point at."""

    name = "address"

    def locate(self, clues: Clues) -> list[Candidate]:
        out: list[Candidate] = []
        for address in clues.addresses:
            out.extend(address_candidates(address))
        return out
