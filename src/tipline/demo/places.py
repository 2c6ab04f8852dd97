"""Places in the demo export: a report's true place (a real PIN of its district), the postal
address a suspect gave, and what NCMEC's IP geolocation says about a place."""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from tipline.demo import data as ref
from tipline.demo.values import maybe


@dataclass
class Place:
    """A point in India: state, district, PIN, the city a form would name, coordinates."""

    state: str
    district: ref.District
    pin: str
    city: str
    locality: str
    lat: float
    lon: float


def district_named(state: str, name: str) -> ref.District:
    """The district `name` (indian-pincode's spelling) of `state`."""
    for d in ref.districts()[state]:
        if d.name == name:
            return d
    raise KeyError((state, name))


def _pins_and_city(
    district: ref.District, area: str, rng: random.Random
) -> tuple[tuple[str, ...], str]:
    """The PINs of the area and the city its addresses name ("" for a post office's)."""
    if not (district.state == "MH" and district.name == "PUNE"):
        return district.pins, district.city
    if area == "Pimpri-Chinchwad":
        pins = tuple(p for p in district.pins if p in ref.PIMPRI_CHINCHWAD_PINS)
        return pins, rng.choice(["Pimpri-Chinchwad", "Pimpri", "Chinchwad", "Pimpri Chinchwad"])
    if area == "Pune City":
        pins = tuple(
            p for p in district.pins if p.startswith("4110") and p not in ref.PIMPRI_CHINCHWAD_PINS
        )
        return pins, "Pune"
    pins = tuple(
        p for p in district.pins if not p.startswith("411") and p not in ref.PIMPRI_CHINCHWAD_PINS
    )
    return pins, ""


def place_in(state: str, district_name: str, area: str, rng: random.Random) -> Place:
    """A random place of the police area `area` of a district."""
    district = district_named(state, district_name)
    pins, city = _pins_and_city(district, area, rng)
    pin = rng.choice(pins)
    lat, lon, locality = ref.pin_table()[pin]
    if not city:
        city = locality
    elif rng.random() < 0.15 and state not in {"DL"} and district_name not in ref.CITY_NAMES:
        city = locality  # a town, not the district headquarters
    return Place(
        state,
        district,
        pin,
        city,
        locality,
        district.lat if lat is None else lat,
        district.lon if lon is None else lon,
    )


def address(place: Place, rng: random.Random) -> dict[str, Any]:
    """A postal address at `place`, spelled as people fill in a platform's form."""
    state = ref.STATE_BY_CODE[place.state]
    house = rng.choice(
        [
            f"{rng.randint(1, 999)}",
            f"Flat {rng.randint(1, 40)}{rng.choice('ABCD')}",
            f"H.No. {rng.randint(1, 99)}-{rng.randint(1, 300)}",
            f"{rng.randint(1, 30)}, {rng.choice(ref.LOCALITY_WORDS)} "
            f"{rng.choice(ref.BUILDING_WORDS)}",
        ]
    )
    street = f"{house}, {rng.choice(ref.LOCALITY_WORDS)}, {place.locality}"
    r = rng.random()
    state_text = state.name if r < 0.75 else rng.choice(state.variants)
    result: dict[str, Any] = {
        "street1": street,
        "city": place.city,
        "state": state_text,
        "postalCode": maybe(place.pin, rng, 0.03, 0.05),
        "country": "IN" if rng.random() < 0.85 else rng.choice(["India", "INDIA", "IND"]),
    }
    if rng.random() < 0.2:
        result["street2"] = f"Near {rng.choice(ref.LOCALITY_WORDS)}"
    return result


def geo_entry(ip: str, place: Place, isp: str, rng: random.Random, *, exact: bool) -> dict:
    """NCMEC's geolocation of `ip`: the place (exact), or only what a GeoIP database knows of
    a mobile address: the state's big city (the carrier's gateway) or just the state."""
    state = ref.STATE_BY_CODE[place.state]
    region = state.region
    if place.state == "DL" and rng.random() < 0.3:
        region = "Delhi"
    if exact:
        city = place.district.city
        postal = place.pin if rng.random() < 0.5 else ""
        lat, lon = place.lat, place.lon
    else:
        postal = ""
        hub_name = ref.STATE_HUB_CITY.get(place.state)
        if hub_name and hub_name != place.district.name:
            hub = district_named(place.state, hub_name)
            city, lat, lon = hub.city, hub.lat, hub.lon
        else:
            city, (lat, lon) = "", _state_centre(place.state)
    return {
        "ipAddress": ip,
        "country": "IN",
        "region": region,
        "city": city,
        "postalCode": postal,
        "latitude": f"{lat + rng.uniform(-0.02, 0.02):.4f}",
        "longitude": f"{lon + rng.uniform(-0.02, 0.02):.4f}",
        "isp": isp,
    }


def foreign_geo_entry(ip: str, foreign: ref.ForeignPlace, rng: random.Random) -> dict:
    """NCMEC's geolocation of an IP outside India."""
    return {
        "ipAddress": ip,
        "country": foreign.country,
        "region": foreign.region,
        "city": foreign.city,
        "postalCode": foreign.postal,
        "latitude": f"{foreign.lat + rng.uniform(-0.02, 0.02):.4f}",
        "longitude": f"{foreign.lon + rng.uniform(-0.02, 0.02):.4f}",
        "isp": foreign.isp,
    }


@lru_cache(maxsize=64)
def _state_centre(state: str) -> tuple[float, float]:
    items = ref.districts()[state]
    return (
        round(sum(d.lat for d in items) / len(items), 2),
        round(sum(d.lon for d in items) / len(items), 2),
    )
