"""Places someone else already estimated: the platform's `estimatedLocation` (city, region,
country code) and NCMEC's own geolocation of the upload IP (country, region, city, postal
code, coordinates, ISP).

Both are usually derived from an IP address with a commercial database, so they are
second-hand: they add little beside our own IP locator and cannot outvote a PIN or GPS.
Confidence scheme (`CONFIDENCE[source][precision]`): platform 0.5 for a district (city),
0.4 for a state (region), 0.3 for the country; NCMEC 0.6 / 0.45 / 0.3, noted "derived from
the IP by NCMEC". A region or city we cannot name keeps the coarser level; a place abroad
gives that country at the country confidence.
"""

from __future__ import annotations

from typing import Any, ClassVar

from tipline.geo.locators.base import Candidate, Clues, EstimateClue, Locator, register
from tipline.geo.locators.pin import pin_places
from tipline.geo.names import (
    SPLIT_FROM,
    country_code,
    district_of,
    districts_named,
    state_code,
)

CONFIDENCE: dict[str, dict[str, float]] = {
    "platform": {"district": 0.5, "state": 0.4, "country": 0.3},
    "ncmec": {"district": 0.6, "state": 0.45, "country": 0.3},
}


def _quote(clue: EstimateClue) -> str:
    who = "NCMEC geolocation" if clue.source == "ncmec" else "platform estimate"
    parts = [clue.city, clue.region, clue.postal_code, clue.country]
    text = ", ".join(p.strip() for p in parts if p and p.strip())
    if clue.latitude is not None and clue.longitude is not None:
        text += f" ({clue.latitude:.4f},{clue.longitude:.4f})"
    if clue.ip:
        text += f" for IP {clue.ip}"
    return f"{who}: {text.strip()}"


def _district(clue: EstimateClue, state: str | None) -> tuple[str | None, str | None]:
    """(state, district) from the city, else the postal code; keeps the given state."""
    if clue.city.strip():
        if state:
            found = district_of(state, clue.city)
            if found:
                return state, found
            for carved, district in districts_named(clue.city):
                if SPLIT_FROM.get(carved, ("", 0))[0] == state:
                    return carved, district  # "Leh, Jammu and Kashmir": Ladakh since 2019
        else:
            named = districts_named(clue.city)
            if len(named) == 1:
                return named[0]
    digits = "".join(c for c in clue.postal_code if c.isdigit())
    if len(digits) == 6:
        places = [p for p in (pin_places(digits) or ()) if state in (None, p.state)]
        if len(places) == 1:
            return places[0].state, places[0].district
    return state, None


def estimate_candidates(clue: EstimateClue) -> list[Candidate]:
    """One candidate for one estimate; [] when it names nothing."""
    levels = CONFIDENCE.get(clue.source, CONFIDENCE["platform"])
    notes = ["derived from the IP by NCMEC" if clue.source == "ncmec"
             else "the platform's own estimate"]
    if clue.isp.strip():
        notes.append(f"ISP {clue.isp.strip()}")
    fields: dict[str, Any] = {
        "method": clue.source, "clue": _quote(clue), "city": clue.city.strip() or None,
        "latitude": clue.latitude, "longitude": clue.longitude,
    }
    country = country_code(clue.country) if clue.country.strip() else None
    state = state_code(clue.region) if clue.region.strip() else None
    if country is None and state is None and not clue.city.strip():
        return []
    if country not in (None, "IN"):
        return [Candidate(**fields, country=country, precision="country",
                          confidence=levels["country"], note="; ".join(notes))]
    state, district = _district(clue, state)
    if district:
        precision = "district"
    elif state:
        precision = "state"
        if clue.city.strip():
            notes.append(f"city {clue.city.strip()!r} not placed in a district")
    else:
        precision = "country"
    if country is None and state is None:
        return []
    return [Candidate(**fields, country="IN", state=state, district=district,
                      precision=precision, confidence=levels[precision], note="; ".join(notes))]


class _EstimateLocator(Locator):
    source: ClassVar[str]

    def locate(self, clues: Clues) -> list[Candidate]:
        out: list[Candidate] = []
        for clue in clues.estimates:
            if clue.source == self.source:
                out.extend(estimate_candidates(clue))
        return out


@register
class PlatformEstimateLocator(_EstimateLocator):
    """The reporting platform's `estimatedLocation`."""

    name = "platform"
    source = "platform"


@register
class NcmecEstimateLocator(_EstimateLocator):
    """NCMEC's geolocation of the report's IP, when the export carries it."""

    name = "ncmec"
    source = "ncmec"
