"""A synthetic NCMEC law-enforcement export, shaped like India's first five months (2019-20).

`generate_export` writes one ZIP with one folder per report::

    <reportId>/<reportId>.json     the report, as NCMEC's JSON (see docs in the package README)
    <reportId>/<reportId>.pdf      a short human-readable summary (valid PDF 1.4)
    <reportId>/files/<filename>    each uploaded file (generated benign PNG/JPEG images)

and, beside it, a ground-truth CSV (never inside the export) with where each report really
belongs, for measuring geo-resolution and routing:

    report_id, state (ISO 3166-2:IN code without "IN-"), district (as indian-pincode names it),
    kind (consistent | missing | contradictory | foreign), area (police unit: "Pune City",
    "Pimpri-Chinchwad", "Pune Rural", "Mumbai", or the district's name), decoy_state (for a
    contradictory report: the state the misleading clue points to), truth_from (address |
    geolocation | none), pin and city (of the true place: the police unit that covers them is
    the right one)

Deterministic: the same `reports` and `seed` give the same bytes (JSON, PDF, files, ZIP, CSV).
Every value is invented; every "file" is abstract geometry labelled "DEMO FILE nnn".
"""

from __future__ import annotations

import csv
import json
import random
import time
import zipfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from tipline.demo import data as ref
from tipline.demo.images import PoolImage, make_pool
from tipline.demo.pdf import Line, text_pdf

GENERATOR_VERSION = "2"  # 2: ground truth carries the true PIN and city

START = datetime(2019, 8, 23, 0, 0, 0, tzinfo=UTC)
END = datetime(2020, 1, 23, 23, 59, 59, tzinfo=UTC)
#: US Eastern daylight time ended on this instant in 2019 (NCMEC is in Virginia).
DST_END = datetime(2019, 11, 3, 6, 0, 0, tzinfo=UTC)
FIRST_REPORT_ID = 54_000_000
ID_STRIDE = 40

SHARE_MISSING = 0.08
SHARE_CONTRADICTORY = 0.05
SHARE_FOREIGN = 0.01
SHARE_RECURRING = 0.05
IMAGE_POOL = 300
#: zlib level for JSON and PDF members: fast; the images (most of the bytes) are stored
ZIP_LEVEL = 1

KINDS = ("consistent", "missing", "contradictory", "foreign")
GROUND_TRUTH_HEADER = (
    "report_id",
    "state",
    "district",
    "kind",
    "area",
    "decoy_state",
    "truth_from",
    "pin",
    "city",
)


class Progress(Protocol):
    def update(self, *, done: int, total: int | None = None, note: str = "") -> None: ...


@dataclass
class GenerationSummary:
    out_zip: Path
    ground_truth_csv: Path
    reports: int
    seed: int
    files: int = 0
    distinct_images: int = 0
    zip_bytes: int = 0
    seconds: float = 0.0
    by_state: dict[str, int] = field(default_factory=dict)
    by_kind: dict[str, int] = field(default_factory=dict)
    recurring_suspect_reports: int = 0


@dataclass(frozen=True, slots=True)
class Slot:
    """Where one report really is, and what kind of location clues it carries."""

    state: str  # ISO code, "" for foreign
    district: str  # indian-pincode name, "" for foreign
    area: str
    kind: str = "consistent"
    group: int = -1  # recurring suspect's group, -1 for none


# --------------------------------------------------------------------------- allocation


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


def _area(state: str, district: str) -> str:
    if state == "MH" and district in {"MUMBAI", "MUMBAI SUBURBAN"}:
        return "Mumbai"
    if state == "DL" and district not in {"NEW DELHI", "DELHI"}:
        return f"{district.title()} Delhi"
    return district.title()


def plan(reports: int, seed: int) -> list[Slot]:
    """Where each of `reports` reports really is, in report order (deterministic)."""
    rng = random.Random(f"demo-plan:{seed}:{reports}")
    foreign = round(reports * SHARE_FOREIGN)
    domestic = reports - foreign
    slots: list[Slot] = [Slot("", "", "", "foreign") for _ in range(foreign)]
    for state, count in _allocate(domestic, _state_weights()).items():
        for district, n in _allocate(count, _district_weights(state)).items():
            if state == "MH" and district == "PUNE":
                for area, m in _allocate(n, list(ref.PUNE_AREAS.items())).items():
                    slots.extend(Slot(state, district, area) for _ in range(m))
            else:
                slots.extend(Slot(state, district, _area(state, district)) for _ in range(n))
    rng.shuffle(slots)

    # location-clue kinds among the domestic reports
    domestic_idx = [i for i, s in enumerate(slots) if s.kind != "foreign"]
    picked = rng.sample(
        domestic_idx, round(reports * SHARE_MISSING) + round(reports * SHARE_CONTRADICTORY)
    )
    n_missing = round(reports * SHARE_MISSING)
    for j, i in enumerate(picked):
        kind = "missing" if j < n_missing else "contradictory"
        s = slots[i]
        slots[i] = Slot(s.state, s.district, s.area, kind)

    # recurring suspects: groups of 2-5 reports in the same district
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
    return slots


# --------------------------------------------------------------------------- small values


def _iso_eastern(t: datetime) -> str:
    offset = timedelta(hours=-4 if t < DST_END else -5)
    local = (t + offset).replace(tzinfo=None)
    sign = "-04:00" if t < DST_END else "-05:00"
    return local.strftime("%Y-%m-%dT%H:%M:%S") + sign


def _fmt_time(t: datetime, rng: random.Random, *, us_share: float = 0.2) -> str:
    r = rng.random()
    if r < us_share:
        return t.strftime("%m-%d-%Y %H:%M:%S UTC")
    if r < us_share + 0.15:
        return t.strftime("%Y-%m-%dT%H:%M:%SZ")
    return _iso_eastern(t)


def _utc(t: datetime, rng: random.Random) -> str:
    if rng.random() < 0.1:
        return t.strftime("%m-%d-%Y %H:%M:%S UTC")
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def _phone_digits(rng: random.Random) -> str:
    return "98" + "".join(str(rng.randint(0, 9)) for _ in range(8))


def _phone_format(digits: str, rng: random.Random) -> str:
    r = rng.random()
    if r < 0.6:
        return "+91" + digits
    if r < 0.7:
        return f"+91-{digits[:5]}-{digits[5:]}"
    if r < 0.8:
        return "0" + digits
    if r < 0.9:
        return digits
    return f"+91 {digits[:5]} {digits[5:]}"


def _ip(cidr: str, rng: random.Random) -> str:
    import ipaddress

    first, count, version = ref.network(cidr)
    if version == 4:
        offset = rng.randrange(1, count - 1)
        value = first + offset
        if value & 0xFF in (0, 255):
            value = (value & ~0xFF) | rng.randint(1, 254)
        return str(ipaddress.IPv4Address(value))
    return str(ipaddress.IPv6Address(first + rng.randrange(1, count)))


def _maybe(value: Any, rng: random.Random, p_na: float = 0.04, p_empty: float = 0.04) -> Any:
    r = rng.random()
    if r < p_na:
        return "N/A"
    if r < p_na + p_empty:
        return ""
    return value


# --------------------------------------------------------------------------- identities


@dataclass
class Identity:
    first: str
    last: str
    email: str
    phone: str  # 10 digits
    screen_name: str
    platform: ref.Platform
    esp_user_id: str
    service: str
    isp: ref.Isp
    ips: list[str]
    images: list[int]  # indexes into the pool
    dob: str | None
    age: str | None


def _name(state: str, rng: random.Random) -> tuple[str, str]:
    pool = "any" if rng.random() < 0.15 else ref.STATE_BY_CODE[state].names if state else "north"
    firsts, lasts = ref.NAMES[pool]
    return rng.choice(firsts), rng.choice(lasts)


def _identity(state: str, rng: random.Random, pool_pick: Any) -> Identity:
    first, last = _name(state, rng)
    platform = rng.choices(ref.PLATFORMS, weights=[p.weight for p in ref.PLATFORMS])[0]
    phone = _phone_digits(rng)
    handle = rng.choice(
        [
            f"{first.lower()}{last.lower()}{rng.randint(1, 9999)}",
            f"{first.lower()}_{rng.randint(10, 99)}",
            f"{first[0].lower()}{last.lower()}.{rng.randint(1, 999)}",
            f"the_{last.lower()}_{rng.randint(100, 9999)}",
        ]
    ).replace("'", "")
    email = f"{handle.replace('_', '.')}@{rng.choice(ref.EMAIL_DOMAINS)}"
    if platform.id_style == "long":
        user_id = str(rng.randint(100_000_000_000_000, 100_099_999_999_999))
    elif platform.id_style == "short":
        user_id = str(rng.randint(10_000_000, 999_999_999))
    elif platform.id_style == "phone":
        user_id = "91" + phone
    elif platform.id_style == "hex":
        user_id = f"{rng.getrandbits(64):016x}"
    else:
        user_id = handle
    isp = rng.choices(ref.ISPS, weights=[i.weight for i in ref.ISPS])[0]
    ips = [_pick_ip(isp, rng) for _ in range(rng.randint(1, 2))]
    dob = None
    age = None
    if rng.random() < 0.3:
        dob_t = datetime(1975, 1, 1) + timedelta(days=rng.randint(0, 365 * 26))
        dob = dob_t.strftime("%Y-%m-%d") if rng.random() < 0.7 else dob_t.strftime("%m-%d-%Y")
    elif rng.random() < 0.25:
        age = str(rng.randint(18, 45))
    return Identity(
        first,
        last,
        email,
        phone,
        handle,
        platform,
        user_id,
        rng.choice(platform.services),
        isp,
        ips,
        [pool_pick(rng) for _ in range(rng.randint(1, 3))],
        dob,
        age,
    )


def _pick_ip(isp: ref.Isp, rng: random.Random) -> str:
    if isp.v6 and rng.random() < 0.18:
        return _ip(rng.choice(isp.v6), rng)
    return _ip(rng.choice(isp.v4), rng)


# --------------------------------------------------------------------------- places


@dataclass
class Place:
    state: str
    district: ref.District
    pin: str
    city: str
    locality: str
    lat: float
    lon: float


def _district(state: str, name: str) -> ref.District:
    for d in ref.districts()[state]:
        if d.name == name:
            return d
    raise KeyError((state, name))


def _place(state: str, district_name: str, area: str, rng: random.Random) -> Place:
    district = _district(state, district_name)
    pins = district.pins
    city = district.city
    if state == "MH" and district_name == "PUNE":
        if area == "Pimpri-Chinchwad":
            pins = tuple(p for p in pins if p in ref.PIMPRI_CHINCHWAD_PINS)
            city = rng.choice(["Pimpri-Chinchwad", "Pimpri", "Chinchwad", "Pimpri Chinchwad"])
        elif area == "Pune City":
            pins = tuple(
                p for p in pins if p.startswith("4110") and p not in ref.PIMPRI_CHINCHWAD_PINS
            )
            city = "Pune"
        else:
            pins = tuple(
                p for p in pins if not p.startswith("411") and p not in ref.PIMPRI_CHINCHWAD_PINS
            )
            city = ""
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


def _address(place: Place, rng: random.Random) -> dict[str, Any]:
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
    address: dict[str, Any] = {
        "street1": street,
        "city": place.city,
        "state": state_text,
        "postalCode": _maybe(place.pin, rng, 0.03, 0.05),
        "country": "IN" if rng.random() < 0.85 else rng.choice(["India", "INDIA", "IND"]),
    }
    if rng.random() < 0.2:
        address["street2"] = f"Near {rng.choice(ref.LOCALITY_WORDS)}"
    return address


def _geo_entry(ip: str, place: Place, isp: str, rng: random.Random, *, exact: bool) -> dict:
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
            hub = _district(place.state, hub_name)
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


@lru_cache(maxsize=64)
def _state_centre(state: str) -> tuple[float, float]:
    items = ref.districts()[state]
    return (
        round(sum(d.lat for d in items) / len(items), 2),
        round(sum(d.lon for d in items) / len(items), 2),
    )


# --------------------------------------------------------------------------- one report


@dataclass
class Built:
    report_id: str
    json_bytes: bytes
    pdf_bytes: bytes
    files: list[tuple[str, PoolImage]]
    received: datetime
    truth: tuple[str, ...]


class _Generator:
    def __init__(self, reports: int, seed: int) -> None:
        self.reports = reports
        self.seed = seed
        self.slots = plan(reports, seed)
        self.pool = make_pool(IMAGE_POOL, seed)
        weights = [1.0 / (rank + 1) ** 0.8 for rank in range(len(self.pool))]
        self._cum: list[float] = []
        acc = 0.0
        for w in weights:
            acc += w
            self._cum.append(acc)
        self._groups: dict[int, Identity] = {}

    def pick_image(self, rng: random.Random) -> int:
        return rng.choices(range(len(self.pool)), cum_weights=self._cum)[0]

    def group_identity(self, group: int, slot: Slot) -> Identity:
        if group not in self._groups:
            rng = random.Random(f"demo-group:{self.seed}:{group}")
            self._groups[group] = _identity(slot.state, rng, self.pick_image)
        return self._groups[group]

    # ------------------------------------------------------------------ build

    def build(self, index: int) -> Built:
        slot = self.slots[index]
        rng = random.Random(f"demo-report:{self.seed}:{self.reports}:{index}")
        report_id = str(FIRST_REPORT_ID + index * ID_STRIDE + rng.randrange(ID_STRIDE))
        span = (END - START).total_seconds()
        received = START + timedelta(seconds=int(span * (index + rng.random()) / self.reports))
        incident = received - timedelta(seconds=rng.randint(3600, 20 * 86400))

        if slot.group >= 0:
            ident = self.group_identity(slot.group, slot)
            recurring = True
        else:
            ident = _identity(slot.state or rng.choice(["DL", "MH"]), rng, self.pick_image)
            recurring = False

        # -- places and the clues that point at them
        truth_from = "none"
        decoy_state = ""
        address_place: Place | None = None
        geo_place: Place | None = None
        geo_exact = True
        foreign: ref.ForeignPlace | None = None
        true_place: Place | None = None
        if slot.kind == "foreign":
            foreign = rng.choice(ref.FOREIGN)
        else:
            true_place = _place(slot.state, slot.district, slot.area, rng)
            if slot.kind == "consistent":
                r = rng.random()
                if r < 0.55:
                    address_place, geo_place = true_place, true_place
                    geo_exact = rng.random() < 0.75
                    truth_from = "address"
                elif r < 0.9:
                    geo_place = true_place
                    truth_from = "geolocation"
                else:
                    address_place = true_place
                    truth_from = "address"
            elif slot.kind == "contradictory":
                if rng.random() < 0.7:
                    # the address is right; the IP geolocates to the carrier's gateway city
                    address_place = true_place
                    hubs = [h for h in ident.isp.hubs if h[0] != slot.state]
                    hub_state, hub_district = rng.choice(hubs)
                    geo_place = _place(hub_state, hub_district, _area(hub_state, hub_district), rng)
                    truth_from = "address"
                    decoy_state = hub_state
                else:
                    # the IP is right; the address is an old one in another state
                    geo_place = true_place
                    other = rng.choices(
                        [s for s in ref.STATES if s.code != slot.state],
                        weights=[max(s.weight, 300) for s in ref.STATES if s.code != slot.state],
                    )[0]
                    d = rng.choice(ref.districts()[other.code])
                    address_place = _place(other.code, d.name, _area(other.code, d.name), rng)
                    truth_from = "geolocation"
                    decoy_state = other.code

        # -- IP events (for the suspect and the uploads)
        ips = list(ident.ips)
        if foreign is not None:
            ips = [_ip(foreign.network, rng) for _ in range(rng.randint(1, 2))]
        elif (not recurring or rng.random() < 0.4) and rng.random() < 0.3:
            ips.append(_pick_ip(ident.isp, rng))
        ip_times: list[tuple[str, datetime, str, int]] = []
        for ip in ips:
            for _ in range(rng.randint(1, 2)):
                when = incident - timedelta(seconds=rng.randint(0, 10 * 86400))
                event = rng.choices(
                    ["Login", "Registration", "Other", "Unknown", "Purchase"],
                    weights=[70, 10, 10, 8, 2],
                )[0]
                ip_times.append((ip, when, event, rng.randint(1024, 65535)))
        ip_times.sort(key=lambda x: x[1])

        # -- the suspect
        person = self.person(ident, rng, ip_times, address_place, recurring=recurring)

        # -- files
        n_files = rng.choices([1, 2, 3], weights=[55, 30, 15])[0]
        chosen: list[int] = []
        candidates = list(ident.images) if recurring else []
        while len(chosen) < n_files:
            pick = candidates.pop(0) if candidates else self.pick_image(rng)
            if pick not in chosen:
                chosen.append(pick)
        uploaded = []
        files: list[tuple[str, PoolImage]] = []
        for k, pick in enumerate(chosen, start=1):
            image = self.pool[pick]
            submittal = str(rng.randint(10_000_000, 99_999_999))
            filename = f"{report_id}-{k}-{submittal}.{image.ext}"
            files.append((filename, image))
            when = incident + timedelta(seconds=rng.randint(0, 3600))
            upload_ip = rng.choice(ips)
            entry: dict[str, Any] = {
                "filename": filename,
                "originalFilename": self.original_name(image, when, rng),
                "submittalId": submittal,
                "verificationHash": image.md5,
                "viewedByEsp": "true" if rng.random() < 0.7 else "false",
                "publiclyAvailable": "true" if rng.random() < 0.15 else "false",
                "fileRelevance": "Reported" if rng.random() < 0.95 else "Supplemental Reported",
                "sourceInformation": {
                    "sourceCaptures": [
                        {
                            "captureType": "IP Address",
                            "value": upload_ip,
                            "dateTime": _utc(when, rng),
                            "eventName": "Upload",
                            "port": str(rng.randint(1024, 65535)) if rng.random() < 0.85 else "",
                        }
                    ]
                },
            }
            if entry["fileRelevance"] == "Reported":
                entry["industryClassification"] = rng.choices(
                    ["A1", "A2", "B1", "B2"], weights=[70, 15, 10, 5]
                )[0]
            if rng.random() < 0.2:
                entry["additionalInformations"] = [{"value": "File was hash-matched."}]
            uploaded.append(entry)

        # -- geolocation
        geolocation: list[dict[str, Any]] = []
        distinct_ips = list(
            dict.fromkeys(
                [ip for ip, *_ in ip_times]
                + [f["sourceInformation"]["sourceCaptures"][0]["value"] for f in uploaded]
            )
        )
        if foreign is not None:
            for ip in distinct_ips[:3]:
                geolocation.append(
                    {
                        "ipAddress": ip,
                        "country": foreign.country,
                        "region": foreign.region,
                        "city": foreign.city,
                        "postalCode": foreign.postal,
                        "latitude": f"{foreign.lat + rng.uniform(-0.02, 0.02):.4f}",
                        "longitude": f"{foreign.lon + rng.uniform(-0.02, 0.02):.4f}",
                        "isp": foreign.isp,
                    }
                )
        elif geo_place is not None:
            for ip in distinct_ips[:3]:
                geolocation.append(_geo_entry(ip, geo_place, ident.isp.name, rng, exact=geo_exact))

        incident_type = rng.choices(
            [t for t, _ in ref.INCIDENT_TYPES], weights=[w for _, w in ref.INCIDENT_TYPES]
        )[0]
        slug = ident.platform.slug
        info: dict[str, Any] = {
            "reportingEsp": {
                "espName": ident.platform.name,
                "firstName": _maybe("Trust", rng, 0.3, 0.2),
                "lastName": _maybe("Safety", rng, 0.3, 0.2),
            },
            "incidentSummary": {
                "incidentType": incident_type,
                "incidentDateTime": _fmt_time(incident, rng) if rng.random() < 0.95 else "",
                "incidentDateTimeDescription": rng.choice(
                    [
                        "Time of upload",
                        "Date/time of the most recent upload",
                        "Approximate time of incident",
                        "Time the content was detected",
                        "",
                    ]
                ),
            },
            "incidentDetails": {
                "webpageIncident": [
                    {
                        "url": [
                            f"https://{slug}.example/{rng.choice(['p', 'media', 'post', 'v'])}/"
                            f"{rng.getrandbits(48):012x}"
                            for _ in range(rng.randint(1, 2))
                        ]
                    }
                ]
            },
            "reportedPeople": {"reportedPersons": [person]},
        }
        if incident_type != ref.INCIDENT_TYPES[0][0] or rng.random() < 0.08:
            info["intendedRecipients"] = {
                "intendedRecipients": [self.recipient(rng, slug) for _ in range(rng.randint(1, 2))]
            }
        info["uploadedFiles"] = {"uploadedFiles": uploaded}
        info["additionalInformations"] = [
            {"value": v} for v in rng.sample(ref.ADDITIONAL_INFO, rng.randint(0, 2))
        ]

        priority = rng.choices(["3", "2", "1", ""], weights=[85, 12.5, 2, 0.5])[0]
        notes = rng.sample(ref.NCMEC_NOTES, rng.randint(1, 2))
        if geolocation and geolocation[0]["city"]:
            g = geolocation[0]
            notes.append(f"Upload IP geolocated to {g['city']}, {g['region'] or g['country']}.")
        notes.append("(Synthetic demo record generated by Tipline; not a real report.)")
        report: dict[str, Any] = {
            "reportId": report_id,
            "dateReceived": _fmt_time(received, rng),
            "priorityLevel": priority,
            "reportType": "Referral" if rng.random() < 0.7 else "Informational",
            "reportedInformation": info,
        }
        if geolocation or rng.random() < 0.5:
            report["ncmecGeolocation"] = geolocation
        report["ncmecNotes"] = " ".join(notes)
        self.sprinkle_lists(report, rng)

        json_bytes = json.dumps(report, ensure_ascii=False).encode("utf-8")
        pdf_bytes = self.pdf(report, received)
        truth = (
            report_id,
            slot.state,
            slot.district,
            slot.kind,
            slot.area,
            decoy_state,
            truth_from,
            true_place.pin if true_place else "",
            true_place.city if true_place else "",
        )
        return Built(report_id, json_bytes, pdf_bytes, files, received, truth)

    def person(
        self,
        ident: Identity,
        rng: random.Random,
        ip_times: list,
        place: Place | None,
        *,
        recurring: bool,
    ) -> dict[str, Any]:
        # a recurring suspect keeps at least one shared identifier in every report
        keep = {"email", "phone", "screen"}
        if recurring and rng.random() < 0.3:
            keep.discard(rng.choice(sorted(keep)))
        person: dict[str, Any] = {
            "firstName": _maybe(ident.first, rng, 0.08, 0.05),
            "lastName": _maybe(ident.last, rng, 0.08, 0.08),
        }
        if ident.dob:
            person["dateOfBirth"] = ident.dob
        if ident.age:
            person["approximateAge"] = ident.age
        if "screen" in keep or rng.random() < 0.5:
            person["screenName"] = {"value": ident.screen_name}
        person["espUserId"] = ident.esp_user_id
        person["espService"] = ident.service
        if "email" in keep and rng.random() < (1.0 if recurring else 0.85):
            emails = [{"value": ident.email, "verified": rng.choice(["true", "false", ""])}]
            if rng.random() < 0.08:
                emails.append(
                    {
                        "value": f"alt.{ident.screen_name.replace('_', '.')}"
                        f"@{rng.choice(ref.EMAIL_DOMAINS)}",
                        "verified": "false",
                    }
                )
            person["emails"] = {"emails": emails}
        if "phone" in keep and rng.random() < (1.0 if recurring else 0.75):
            phones = [
                {
                    "value": _phone_format(ident.phone, rng),
                    "verified": rng.choice(["true", "false"]),
                }
            ]
            if rng.random() < 0.05:
                phones.append(
                    {"value": _phone_format(_phone_digits(rng), rng), "verified": "false"}
                )
            person["phones"] = {"phones": phones}
        if place is not None:
            person["addresses"] = {"addresses": [_address(place, rng)]}
        elif rng.random() < 0.2:
            person["addresses"] = {"addresses": []}
        captures: list[dict[str, Any]] = [
            {
                "captureType": "IP Address",
                "value": ip,
                "dateTime": _utc(when, rng),
                "eventName": event,
                "port": str(port) if rng.random() < 0.85 else "",
            }
            for ip, when, event, port in ip_times
        ]
        if rng.random() < 0.6:
            captures.append(
                {
                    "captureType": "Profile URL",
                    "value": f"https://{ident.platform.slug}.example/u/{ident.esp_user_id}",
                }
            )
        person["sourceInformation"] = {"sourceCaptures": captures}
        return person

    def recipient(self, rng: random.Random, slug: str) -> dict[str, Any]:
        handle = f"user{rng.randint(1000, 999999)}"
        return {
            "firstName": "",
            "lastName": "",
            "approximateAge": rng.choice(["", "", "14", "15", "16", "N/A"]),
            "screenName": {"value": handle},
            "espUserId": str(rng.randint(10_000_000, 999_999_999)),
            "sourceInformation": {
                "sourceCaptures": [
                    {"captureType": "Profile URL", "value": f"https://{slug}.example/u/{handle}"}
                ]
            },
        }

    @staticmethod
    def original_name(image: PoolImage, when: datetime, rng: random.Random) -> str:
        stamp = when.strftime("%Y%m%d")
        return rng.choice(
            [
                f"IMG-{stamp}-WA{rng.randint(0, 9999):04d}.{image.ext}",
                f"IMG_{stamp}_{when.strftime('%H%M%S')}.{image.ext}",
                f"Screenshot_{stamp}-{when.strftime('%H%M%S')}.{image.ext}",
                f"photo_{rng.randint(1, 9999)}.{image.ext}",
                f"{rng.getrandbits(40):010x}.{image.ext}",
                "N/A",
            ]
        )

    @staticmethod
    def sprinkle_lists(report: dict[str, Any], rng: random.Random) -> None:
        """Now and then a list where one value was expected, as real exports do."""
        if rng.random() >= 0.03:
            return
        person = report["reportedInformation"]["reportedPeople"]["reportedPersons"][0]
        choice = rng.randrange(3)
        if choice == 0:
            person["espUserId"] = [person["espUserId"], str(rng.randint(10_000, 99_999_999))]
        elif choice == 1 and "screenName" in person:
            value = person["screenName"]["value"]
            person["screenName"] = [{"value": value}, {"value": value.upper()}]
        else:
            summary = report["reportedInformation"]["incidentSummary"]
            summary["incidentType"] = [summary["incidentType"]]

    # ------------------------------------------------------------------ the PDF

    @staticmethod
    def pdf(report: dict[str, Any], received: datetime) -> bytes:
        rid = report["reportId"]
        info = report["reportedInformation"]
        summary = info["incidentSummary"]
        files = info["uploadedFiles"]["uploadedFiles"]
        lines: list[Line] = [
            ("t", f"CyberTipline Report {rid}"),
            ("b", "SYNTHETIC DEMO DATA - generated by Tipline, not a real report."),
            ("", ""),
            ("b", f"Date received: {report['dateReceived']}"),
            (
                "b",
                f"Priority level: {report['priorityLevel'] or 'not set'}    "
                f"Report type: {report['reportType']}",
            ),
            ("h", "Executive summary"),
            ("b", f"Incident type: {_text(summary['incidentType'])}"),
            ("b", f"Uploaded files: {len(files)}"),
            ("", ""),
            ("h", "Section A: Reported by the electronic service provider"),
            ("b", f"Reporting ESP: {info['reportingEsp']['espName']}"),
            (
                "b",
                f"Incident time: {summary['incidentDateTime'] or 'not given'} "
                f"({summary['incidentDateTimeDescription'] or 'no description'})",
            ),
        ]
        for url in info["incidentDetails"]["webpageIncident"][0]["url"]:
            lines.append(("b", f"URL: {url}"))
        for person in info["reportedPeople"]["reportedPersons"]:
            lines.append(("h", "Suspect"))
            name = f"{_text(person.get('firstName'))} {_text(person.get('lastName'))}".strip()
            lines.append(("b", f"Name: {name or 'not given'}"))
            if "screenName" in person:
                lines.append(("b", f"Screen name: {_text(person['screenName'])}"))
            lines.append(
                (
                    "b",
                    f"ESP user id: {_text(person['espUserId'])}    Service: {person['espService']}",
                )
            )
            for email in person.get("emails", {}).get("emails", []):
                lines.append(
                    ("b", f"Email: {email['value']} (verified: {email['verified'] or 'unknown'})")
                )
            for phone in person.get("phones", {}).get("phones", []):
                lines.append(("b", f"Phone: {phone['value']}"))
            for a in person.get("addresses", {}).get("addresses", []):
                lines.append(
                    (
                        "b",
                        f"Address: {a['street1']}, {a['city']}, {a['state']} "
                        f"{a['postalCode']} {a['country']}",
                    )
                )
            for c in person["sourceInformation"]["sourceCaptures"]:
                if c["captureType"] == "IP Address":
                    lines.append(
                        (
                            "m",
                            f"IP {c['value']}  port {c['port'] or '-'}  "
                            f"{c['eventName']}  {c['dateTime']}",
                        )
                    )
                else:
                    lines.append(("b", f"{c['captureType']}: {c['value']}"))
        lines.append(("h", "Uploaded files"))
        for f in files:
            cap = f["sourceInformation"]["sourceCaptures"][0]
            lines.append(("b", f"{f['filename']}  (original: {f['originalFilename']})"))
            lines.append(
                (
                    "m",
                    f"  MD5 {f['verificationHash']}  viewed by ESP: "
                    f"{f['viewedByEsp']}  publicly available: "
                    f"{f['publiclyAvailable']}  "
                    f"{f.get('industryClassification', '')}",
                )
            )
            lines.append(
                ("m", f"  upload IP {cap['value']} port {cap['port'] or '-'} {cap['dateTime']}")
            )
        lines.append(("", ""))
        lines.append(("h", "Section B: Automated information added by NCMEC systems"))
        geo = report.get("ncmecGeolocation") or []
        if not geo:
            lines.append(("b", "No geolocation information available."))
        for g in geo:
            lines.append(
                (
                    "m",
                    f"{g['ipAddress']}  {g['country']} / {g['region'] or '-'} / "
                    f"{g['city'] or '-'} {g['postalCode']}  "
                    f"({g['latitude']}, {g['longitude']})  {g['isp']}",
                )
            )
        lines.append(("", ""))
        lines.append(("h", "Section C: Additional information provided by NCMEC"))
        lines.append(("b", report["ncmecNotes"]))
        lines.append(("", ""))
        lines.append(("h", "Section D: Law enforcement contact information"))
        lines.append(
            (
                "b",
                "Made available to: National Crime Records Bureau (NCRB), New Delhi, India (demo)",
            )
        )
        return text_pdf(
            lines,
            title=f"CyberTipline Report {rid}",
            footer=f"CyberTipline Report {rid} - synthetic demo data - "
            f"received {received.strftime('%Y-%m-%d')}",
        )


def _text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return _text(value.get("value"))
    return "" if value is None else str(value)


# --------------------------------------------------------------------------- the export


def _zinfo(name: str, when: datetime, *, deflate: bool) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    return info


def generate_export(
    *,
    out_zip: Path,
    ground_truth_csv: Path,
    reports: int = 25000,
    seed: int = 7,
    progress: Progress | None = None,
) -> GenerationSummary:
    """Write the synthetic export to `out_zip` and its ground truth to `ground_truth_csv`."""
    if reports < 1:
        raise ValueError("reports must be at least 1")
    started = time.monotonic()
    out_zip = Path(out_zip)
    ground_truth_csv = Path(ground_truth_csv)
    out_zip.parent.mkdir(parents=True, exist_ok=True)
    ground_truth_csv.parent.mkdir(parents=True, exist_ok=True)
    gen = _Generator(reports, seed)
    summary = GenerationSummary(out_zip, ground_truth_csv, reports, seed)
    by_state: Counter[str] = Counter()
    by_kind: Counter[str] = Counter()
    images_used: set[str] = set()
    tmp_zip = out_zip.with_name(out_zip.name + ".part")
    tmp_csv = ground_truth_csv.with_name(ground_truth_csv.name + ".part")
    with (
        zipfile.ZipFile(tmp_zip, "w", allowZip64=True) as zf,
        tmp_csv.open("w", encoding="utf-8", newline="") as fh,
    ):
        zf.comment = (
            f"Tipline synthetic demo export: {reports} reports, seed {seed}, generator "
            f"v{GENERATOR_VERSION}. Not real data."
        ).encode()
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(GROUND_TRUTH_HEADER)
        for index in range(reports):
            built = gen.build(index)
            rid = built.report_id
            for suffix, data in ((".json", built.json_bytes), (".pdf", built.pdf_bytes)):
                zf.writestr(
                    _zinfo(f"{rid}/{rid}{suffix}", built.received, deflate=True),
                    data,
                    compresslevel=ZIP_LEVEL,
                )
            for filename, image in built.files:
                zf.writestr(
                    _zinfo(f"{rid}/files/{filename}", built.received, deflate=False), image.data
                )
                images_used.add(image.md5)
            summary.files += len(built.files)
            writer.writerow(built.truth)
            by_state[built.truth[1] or "foreign"] += 1
            by_kind[built.truth[3]] += 1
            if progress is not None and (index % 250 == 0 or index == reports - 1):
                progress.update(done=index + 1, total=reports)
    tmp_zip.replace(out_zip)
    tmp_csv.replace(ground_truth_csv)
    summary.distinct_images = len(images_used)
    summary.zip_bytes = out_zip.stat().st_size
    summary.by_state = dict(by_state.most_common())
    summary.by_kind = {k: by_kind.get(k, 0) for k in KINDS}
    summary.recurring_suspect_reports = sum(1 for s in gen.slots if s.group >= 0)
    summary.seconds = time.monotonic() - started
    return summary


def build_report(*, index: int, reports: int = 25000, seed: int = 7) -> dict[str, Any]:
    """One report's JSON (as a dict) without writing an export; for tests and exploring."""
    built = _Generator(reports, seed).build(index)
    return json.loads(built.json_bytes)


def read_ground_truth(path: Path) -> list[dict[str, str]]:
    with Path(path).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))
