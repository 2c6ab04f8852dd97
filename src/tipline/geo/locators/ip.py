"""IP addresses -> places, from a MaxMind-format City database read with `geoip2`.

The database is `settings.GEOIP_CITY_DB` (by default the 2018 GeoLite2-City that
`maxminddb-geolite2` ships: fine for demos, stale for real use). What an address says is
weak evidence: addresses that name no place (private, reserved, bogon) get confidence 0,
a platform's "possible proxy" flag halves the confidence, and Indian mobile carriers that
share one address among many subscribers (CGNAT) lower it further, since only the carrier,
given the address, the port and the exact time, can name the subscriber.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

import geoip2.database
from django.conf import settings
from django.utils.translation import gettext

from tipline.geo.locators.base import Candidate, Clues, IpClue, Locator, register
from tipline.geo.locators.carriers import cgnat_carrier
from tipline.jurisdictions.data import STATE_ALIASES, STATE_NAMES, fold

log = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

#: confidence by the precision the database gives
CONFIDENCE = {"city": 0.6, "state": 0.45, "country": 0.3}
PROXY_FACTOR = 0.5
#: a City database older than GEOIP_MAX_AGE_DAYS: its answers count for less
STALE_FACTOR = 0.4
CGNAT_FACTOR = 0.6

#: networks that name no place, most specific first, with what they are
_NOWHERE: list[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, str]] = [
    (ipaddress.ip_network(net), what)
    for net, what in [
        ("0.0.0.0/8", "'this network' address"),
        ("10.0.0.0/8", "private address"),
        ("100.64.0.0/10", "carrier-grade NAT shared address (100.64.0.0/10)"),
        ("127.0.0.0/8", "loopback address"),
        ("169.254.0.0/16", "link-local address"),
        ("172.16.0.0/12", "private address"),
        ("192.0.0.0/24", "reserved address (IETF protocol assignments)"),
        ("192.0.2.0/24", "documentation address"),
        ("192.88.99.0/24", "reserved address (6to4 relay)"),
        ("192.168.0.0/16", "private address"),
        ("198.18.0.0/15", "benchmarking address"),
        ("198.51.100.0/24", "documentation address"),
        ("203.0.113.0/24", "documentation address"),
        ("224.0.0.0/4", "multicast address"),
        ("240.0.0.0/4", "reserved address"),
        ("::/128", "unspecified address"),
        ("::1/128", "loopback address"),
        ("100::/64", "discard-only address"),
        ("2001:db8::/32", "documentation address"),
        ("2001::/23", "reserved address (IETF protocol assignments, Teredo)"),
        ("3fff::/20", "documentation address"),
        ("fc00::/7", "private address (unique local)"),
        ("fe80::/10", "link-local address"),
        ("fec0::/10", "site-local address (deprecated)"),
        ("ff00::/8", "multicast address"),
    ]
]


#: the same as integer ranges, per IP version, for a fast scan
_NOWHERE_RANGES: dict[int, list[tuple[int, int, str]]] = {
    version: [
        (int(net.network_address), int(net.broadcast_address), what)
        for net, what in _NOWHERE if net.version == version
    ]
    for version in (4, 6)
}
_GLOBAL_UNICAST_V6 = ipaddress.ip_network("2000::/3")


def nowhere_reason(address: IPAddress) -> str | None:
    """Why an address names no place ("private address"), or None for a public address."""
    value = int(address)
    for low, high, what in _NOWHERE_RANGES[address.version]:
        if low <= value <= high:
            return what
    if address.version == 6 and (address not in _GLOBAL_UNICAST_V6 or not address.is_global):
        return "reserved address"
    return None


def _ipv4(text: str) -> ipaddress.IPv4Address | None:
    """An IPv4 address written the usual way ("49.36.10.20"), read without `ipaddress`'s
    parser (the C library's, checked by writing it back: `ipaddress` reads exactly that
    form); None for anything else, which `ipaddress` then reads or rejects."""
    try:
        packed = socket.inet_pton(socket.AF_INET, text)
    except OSError:
        return None
    if socket.inet_ntop(socket.AF_INET, packed) != text:
        return None
    return ipaddress.IPv4Address(packed)


def _embedded_ipv4(address: IPAddress) -> IPAddress:
    """The IPv4 address an IPv4-mapped, NAT64 or 6to4 IPv6 address carries, else itself."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address.sixtofour is not None:
            return address.sixtofour
        if address in ipaddress.ip_network("64:ff9b::/96"):
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address


_READERS: dict[str, geoip2.database.Reader] = {}
_READERS_LOCK = threading.Lock()


def geoip_reader() -> geoip2.database.Reader:
    """The City database reader for settings.GEOIP_CITY_DB, opened once per process."""
    path = str(settings.GEOIP_CITY_DB)
    reader = _READERS.get(path)
    if reader is None:
        with _READERS_LOCK:
            reader = _READERS.get(path)
            if reader is None:
                reader = _READERS[path] = geoip2.database.Reader(path)
    return reader


def geoip_reader_cache_clear() -> None:
    """Close and forget open readers (tests, or after the database file is replaced)."""
    with _READERS_LOCK:
        for reader in _READERS.values():
            reader.close()
        _READERS.clear()
    _ip_place.cache_clear()
    _ip_fields.cache_clear()
    _network_place.cache_clear()
    _stale.cache_clear()
    _built.cache_clear()
    _V4_BLOCKS.clear()


@lru_cache(maxsize=8)
def _stale(path: str, max_age_days: int) -> bool:
    """Is the database older than the limit? Asked once per database, not per IP event."""
    return geoip_database_age_warning() is not None


def geoip_database_built() -> datetime:
    """When the City database was built (its metadata's build epoch), UTC."""
    return datetime.fromtimestamp(geoip_reader().metadata().build_epoch, tz=UTC)


def geoip_database_age_warning(*, now: datetime | None = None) -> str | None:
    """A warning when the City database is older than GEOIP_MAX_AGE_DAYS, else None."""
    built = geoip_database_built()
    age = (now or datetime.now(tz=UTC)) - built
    if age <= timedelta(days=settings.GEOIP_MAX_AGE_DAYS):
        return None
    return gettext(
        "The IP database was built on %(built)s, %(days)s days ago (limit %(limit)s): IP "
        "locations may be wrong; the operator should point GEOIP_CITY_DB at a current City "
        "database."
    ) % {"built": f"{built:%Y-%m-%d}", "days": age.days, "limit": settings.GEOIP_MAX_AGE_DAYS}


def _state_lookup() -> dict[str, str]:
    out: dict[str, str] = {}
    for code, name in STATE_NAMES.items():
        out[fold(name)] = code
        out[code] = code
    for code, aliases in STATE_ALIASES.items():
        for alias in aliases:
            out.setdefault(fold(alias), code)
    return out


_STATES = _state_lookup()


def india_state(*, iso_code: str | None, name: str | None) -> str | None:
    """The ISO 3166-2:IN code (no "IN-") for a database subdivision: "TG" -> "TS"."""
    for key in (name, iso_code):
        if key and (code := _STATES.get(fold(key))):
            return code
    return None


def quote_clue(clue: IpClue) -> str:
    """The clue as a person quotes it: "IP 49.36.10.20:4431 at 2024-03-01 09:00Z"."""
    host = clue.ip
    if clue.port is not None:
        host = f"[{host}]:{clue.port}" if ":" in host else f"{host}:{clue.port}"
    text = f"IP {host}"
    if clue.at is not None:
        at = clue.at if clue.at.tzinfo is UTC else clue.at.astimezone(UTC)
        if at.year < 1000:  # strftime does not pad such years
            text += f" at {at:%Y-%m-%d %H:%M:%S}Z" if at.second else f" at {at:%Y-%m-%d %H:%M}Z"
        else:
            text += (f" at {at.year}-{at.month:02}-{at.day:02} {at.hour:02}:{at.minute:02}"
                     + (f":{at.second:02}Z" if at.second else "Z"))
    return text


def _nothing(clue: str, note: str) -> Candidate:
    return Candidate(method="ip", clue=clue, country=None, precision="country", confidence=0.0,
                     note=note)


@register
class IpLocator(Locator):
    """IP addresses -> country, state, city from the City database."""

    name = "ip"

    def locate(self, clues: Clues) -> list[Candidate]:
        if not clues.ips:
            return []
        path, max_age = str(settings.GEOIP_CITY_DB), settings.GEOIP_MAX_AGE_DAYS
        return [self._locate(clue, path, max_age) for clue in clues.ips]

    def locate_one(self, clue: IpClue) -> Candidate:
        return self._locate(clue, str(settings.GEOIP_CITY_DB), settings.GEOIP_MAX_AGE_DAYS)

    def _locate(self, clue: IpClue, path: str, max_age: int) -> Candidate:
        quoted = quote_clue(clue)
        try:
            fields = _ip_fields(path, clue.ip.strip(), bool(clue.possible_proxy), max_age)
        except (OSError, ValueError) as exc:
            log.warning("IP database %s unusable: %s", path, exc)
            return _nothing(quoted, "IP database unavailable")
        if isinstance(fields, str):
            return _nothing(quoted, fields)
        return Candidate("ip", quoted, *fields)


#: what a candidate for an address says besides its clue: Candidate's fields from country on
IpFields = tuple[str, str | None, None, str | None, None, float | None, float | None, str,
                 float, str]


@lru_cache(maxsize=8192)
def _ip_fields(path: str, text: str, proxy: bool, max_age: int) -> IpFields | str:
    """The candidate an address gives (with the platform's proxy flag), but for its clue
    text, or why it gives none; worked out once per address, not per event."""
    place = _ip_place(path, text)
    if isinstance(place, str):
        return place
    confidence = CONFIDENCE[place.precision]
    notes = [f"{place.precision}-level, DB of {place.built}"]
    if _stale(path, max_age):
        # a stale database may still name the country, but must not outvote an address
        confidence *= STALE_FACTOR
        notes.append(f"database older than {max_age} days")
    if proxy:
        confidence *= PROXY_FACTOR
        notes.append("platform flagged a possible proxy")
    if place.carrier is not None:
        confidence *= CGNAT_FACTOR
        notes.append(
            f"{place.carrier} shares addresses among subscribers (CGNAT): "
            "IP + port + exact time needed"
        )
    return (place.country, place.state, None, place.city, None, place.latitude,
            place.longitude, place.precision, round(confidence, 3), "; ".join(notes))


@dataclass(frozen=True)
class IpPlace:
    """What the City database says of one public address."""

    country: str
    state: str | None  # ISO 3166-2:IN code, Indian addresses only
    city: str | None
    latitude: float | None
    longitude: float | None
    precision: str  # "city", "state" or "country"
    carrier: str | None  # the CGNAT mobile carrier the address belongs to, if known
    built: str  # the database's build month, "2018-07"


@lru_cache(maxsize=8192)
def _ip_place(path: str, text: str) -> IpPlace | str:
    """The place the database at `path` gives an address, or why there is none (a note).

    Cached per address: reports often repeat one. The database answers a whole network
    with one record, so what that record says is worked out once per network
    (`_network_place`). Raises OSError/ValueError when the database itself cannot be read
    (not cached, so a fixed file is picked up).
    """
    address: IPAddress
    if (v4 := _ipv4(text)) is not None:
        address = v4
    else:
        try:
            address = _embedded_ipv4(ipaddress.ip_address(text))
        except ValueError:
            return "not an IP address"
        text = str(address)
    reason = nowhere_reason(address)
    if reason is not None:
        return f"{reason}: says nothing of place"
    value = int(address)
    block = (path, value >> 8) if address.version == 4 else None
    if block is not None and (network := _V4_BLOCKS.get(block)) is not None:
        return _network_place(path, 4, *network)
    # geoip2's Reader keeps its maxminddb reader private; the raw lookup (record and the
    # length of the network it covers) is what lets the place be cached per network
    record, prefix = geoip_reader()._db_reader.get_with_prefix_len(text)
    if record is None:
        return "not in the IP database"
    shift = address.max_prefixlen - prefix
    first = value >> shift << shift
    if block is not None and prefix <= 24:  # the record covers the whole /24
        if len(_V4_BLOCKS) >= 65536:
            _V4_BLOCKS.clear()
        _V4_BLOCKS[block] = (first, prefix)
    return _network_place(path, address.version, first, prefix)


#: (database path, IPv4 address >> 8) -> the network (first address, prefix length) of the
#: record that covers that whole /24, learnt from earlier lookups: the rest of the block
#: needs no lookup
_V4_BLOCKS: dict[tuple[str, int], tuple[int, int]] = {}


@lru_cache(maxsize=16384)
def _network_place(path: str, version: int, first: int, prefix: int) -> IpPlace | str:
    """What the database at `path` says of every address in the network of IP `version`
    starting at the address whose integer value is `first`, `prefix` bits long (one record).

    The record is read raw (as `geoip2`'s City model would read it, names in English), not
    through the model: routing asks this for every network its reports' addresses are in."""
    reader = geoip_reader()
    address = ipaddress.IPv4Address(first) if version == 4 else ipaddress.IPv6Address(first)
    found = reader._db_reader.get(str(address))
    record: dict[str, Any] = found if isinstance(found, dict) else {}
    country = _get(record, "country", "iso_code")
    if country is None:
        return "not in the IP database"
    subdivisions = record.get("subdivisions") or ()
    state = None
    if country == "IN" and subdivisions:
        sub = subdivisions[-1]  # the most specific
        state = india_state(iso_code=sub.get("iso_code"), name=_name(sub))
    city = _name(record.get("city") or {})
    traits = record.get("traits") or {}
    carrier = cgnat_carrier(
        asn=traits.get("autonomous_system_number"),
        names=(traits.get("isp"), traits.get("organization"),
               traits.get("autonomous_system_organization")),
    )
    if carrier is None and country == "IN" and traits.get("connection_type") == "Cellular":
        carrier = "an Indian mobile network"
    location = record.get("location") or {}
    return IpPlace(
        country=country, state=state, city=city,
        latitude=location.get("latitude"), longitude=location.get("longitude"),
        precision="city" if city else ("state" if subdivisions else "country"),
        carrier=carrier, built=_built(path),
    )


def _get(record: Any, *keys: str) -> Any:
    """record[k1][k2]..., or None where a level is missing."""
    for key in keys:
        if not isinstance(record, dict):
            return None
        record = record.get(key)
    return record


def _name(place: dict[str, Any]) -> str | None:
    """A place's English name (geoip2's default locale)."""
    return (place.get("names") or {}).get("en")


@lru_cache(maxsize=8)
def _built(path: str) -> str:
    """The month the database at `path` was built: "2018-07"."""
    built = datetime.fromtimestamp(geoip_reader().metadata().build_epoch, tz=UTC)
    return f"{built:%Y-%m}"
