"""The IP locator on small MaxMind-format City databases built here with mmdb-writer."""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from mmdb_writer import MMDBWriter
from netaddr import IPSet

from tipline.geo.locators import Clues, IpClue, locators
from tipline.geo.locators.base import Candidate
from tipline.geo.locators.ip import (
    IpLocator,
    geoip_database_age_warning,
    geoip_reader_cache_clear,
    india_state,
    quote_clue,
)


def _place(
    city: str | None, sub: tuple[str, str] | None, country: str, lat: float, lon: float,
    traits: dict[str, Any] | None = None,
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "country": {"iso_code": country, "names": {"en": country}},
        "location": {"latitude": lat, "longitude": lon, "accuracy_radius": 20},
    }
    if city:
        record["city"] = {"names": {"en": city}}
    if sub:
        record["subdivisions"] = [{"iso_code": sub[0], "names": {"en": sub[1]}}]
    if traits:
        record["traits"] = traits
    return record


NETWORKS: dict[str, dict[str, Any]] = {
    "49.36.0.0/16": _place("Mumbai", ("MH", "Maharashtra"), "IN", 18.975, 72.8258),
    "103.10.0.0/16": _place(
        "Delhi", ("DL", "National Capital Territory of Delhi"), "IN", 28.6519, 77.2315
    ),
    "117.200.0.0/16": _place("Thane", ("MH", "Maharashtra"), "IN", 19.1972, 72.9722),
    "106.200.0.0/16": _place("Bhubaneswar", ("OR", "Orissa"), "IN", 20.2724, 85.8339),
    "14.139.0.0/16": _place(None, ("KA", "Karnataka"), "IN", 12.97, 77.59),
    "8.8.0.0/16": _place("Mountain View", ("CA", "California"), "US", 37.386, -122.0838),
    "49.40.0.0/16": _place(
        "Jaipur", ("RJ", "Rajasthan"), "IN", 26.9196, 75.7878,
        traits={"autonomous_system_number": 55836, "isp": "Reliance Jio Infocomm Limited"},
    ),
    "1.38.0.0/16": _place(
        "Kolkata", ("WB", "West Bengal"), "IN", 22.5697, 88.3697,
        traits={"isp": "Vodafone Idea Ltd", "organization": "Vodafone Idea"},
    ),
    "2405:201::/32": _place("Hyderabad", ("TG", "Telangana"), "IN", 17.3724, 78.4378),
    # two networks smaller than a /24 side by side, the rest of the /24 not in the database
    "1.39.5.0/28": _place("Pune", ("MH", "Maharashtra"), "IN", 18.52, 73.85),
    "1.39.5.16/28": _place("Nagpur", ("MH", "Maharashtra"), "IN", 21.15, 79.09),
}


class _Writer(MMDBWriter):
    """An MMDBWriter whose build date can be set (to test the age warning)."""

    def __init__(self, build_epoch: int) -> None:
        super().__init__(ip_version=6, ipv4_compatible=True, database_type="GeoLite2-City",
                         languages=["en"], description="Tipline test City database")
        self.build_epoch = build_epoch

    def _build_meta(self) -> dict[str, Any]:
        return {**super()._build_meta(), "build_epoch": self.build_epoch}


@pytest.fixture
def make_db(tmp_path: Path, settings: Any) -> Iterator[Callable[..., Path]]:
    """Build a City database, point GEOIP_CITY_DB at it; readers are forgotten around it."""
    geoip_reader_cache_clear()

    def make(*, built: datetime | None = None, name: str = "city.mmdb") -> Path:
        writer = _Writer(int((built or datetime.now(tz=UTC)).timestamp()))
        for network, record in NETWORKS.items():
            writer.insert_network(IPSet([network]), record)
        path = tmp_path / name
        writer.to_db_file(str(path))
        settings.GEOIP_CITY_DB = path
        return path

    yield make
    geoip_reader_cache_clear()


def locate(ip: str, **kw: Any) -> Candidate:
    (candidate,) = IpLocator().locate(Clues(ips=(IpClue(ip, **kw),)))
    return candidate


def test_registered() -> None:
    assert isinstance(locators()["ip"], IpLocator)


@pytest.mark.parametrize(
    ("ip", "country", "state", "city", "precision"),
    [
        ("49.36.10.20", "IN", "MH", "Mumbai", "city"),
        ("103.10.5.6", "IN", "DL", "Delhi", "city"),
        ("117.200.1.2", "IN", "MH", "Thane", "city"),
        ("2405:201:1234::1", "IN", "TS", "Hyderabad", "city"),  # old code TG -> TS
        ("106.200.3.4", "IN", "OD", "Bhubaneswar", "city"),  # Orissa/OR -> OD
        ("14.139.1.1", "IN", "KA", None, "state"),
        ("8.8.8.8", "US", None, "Mountain View", "city"),  # no Indian state abroad
        ("::ffff:49.36.10.20", "IN", "MH", "Mumbai", "city"),  # IPv4-mapped IPv6
    ],
)
def test_resolves(
    make_db: Callable[..., Path], ip: str, country: str, state: str | None, city: str | None,
    precision: str,
) -> None:
    make_db(built=datetime(2018, 7, 3, tzinfo=UTC))
    c = locate(ip)
    assert (c.method, c.country, c.state, c.city, c.precision) == (
        "ip", country, state, city, precision
    )
    assert c.latitude is not None and c.longitude is not None
    assert f"{precision}-level, DB of 2018-07" in c.note
    assert 0 < c.confidence <= 0.6


def test_state_only_is_less_sure_than_city(make_db: Callable[..., Path]) -> None:
    make_db()
    assert locate("14.139.1.1").confidence < locate("49.36.10.20").confidence


def test_clue_quotes_port_and_utc_time(make_db: Callable[..., Path]) -> None:
    make_db()
    at = datetime(2024, 3, 1, 14, 30, tzinfo=UTC).astimezone()
    clue = locate("49.36.10.20", port=4431, at=at).clue
    assert clue == "IP 49.36.10.20:4431 at 2024-03-01 14:30Z"
    assert quote_clue(IpClue("2405:201::1", port=80)) == "IP [2405:201::1]:80"


@pytest.mark.parametrize(
    ("ip", "why"),
    [
        ("10.1.2.3", "private address"),
        ("192.168.1.7", "private address"),
        ("172.20.0.1", "private address"),
        ("127.0.0.1", "loopback address"),
        ("169.254.3.3", "link-local address"),
        ("100.64.12.1", "carrier-grade NAT shared address"),
        ("100.127.255.254", "carrier-grade NAT shared address"),
        ("192.0.2.10", "documentation address"),
        ("203.0.113.9", "documentation address"),
        ("224.0.0.251", "multicast address"),
        ("240.1.1.1", "reserved address"),
        ("255.255.255.255", "reserved address"),
        ("0.1.2.3", "'this network' address"),
        ("fe80::1ff:fe23:4567:890a", "link-local address"),
        ("fd12:3456::1", "private address"),
        ("::1", "loopback address"),
        ("2001:db8::1", "documentation address"),
        ("ff02::1", "multicast address"),
        ("::ffff:192.168.0.1", "private address"),
    ],
)
def test_addresses_that_name_no_place(make_db: Callable[..., Path], ip: str, why: str) -> None:
    make_db()
    c = locate(ip)
    assert c.country is None and c.confidence == 0
    assert why in c.note and c.note.endswith("says nothing of place")


def test_private_note_wording(make_db: Callable[..., Path]) -> None:
    make_db()
    assert locate("10.0.0.1").note == "private address: says nothing of place"


def test_not_in_database(make_db: Callable[..., Path]) -> None:
    make_db()
    c = locate("5.5.5.5")
    assert (c.country, c.confidence, c.note) == (None, 0.0, "not in the IP database")


def test_not_an_address(make_db: Callable[..., Path]) -> None:
    make_db()
    c = locate("49.36.10")
    assert (c.country, c.confidence, c.note) == (None, 0.0, "not an IP address")


def test_possible_proxy_halves_confidence(make_db: Callable[..., Path]) -> None:
    make_db()
    plain, proxied = locate("103.10.5.6"), locate("103.10.5.6", possible_proxy=True)
    assert proxied.state == "DL"
    assert proxied.confidence == pytest.approx(plain.confidence * 0.5)
    assert "platform flagged a possible proxy" in proxied.note
    assert "proxy" not in plain.note


def test_cgnat_carrier_by_asn_lowers_confidence(make_db: Callable[..., Path]) -> None:
    make_db()
    jio, fixed = locate("49.40.1.1", port=5555), locate("49.36.10.20")
    assert jio.state == "RJ" and jio.city == "Jaipur"
    assert jio.confidence == pytest.approx(fixed.confidence * 0.6)
    assert "Reliance Jio" in jio.note and "IP + port + exact time needed" in jio.note


def test_cgnat_carrier_by_isp_name(make_db: Callable[..., Path]) -> None:
    make_db()
    vi = locate("1.38.2.2", possible_proxy=True)
    assert vi.confidence == pytest.approx(0.6 * 0.5 * 0.6)
    assert "Vodafone Idea" in vi.note and "IP + port + exact time needed" in vi.note


def test_age_warning(make_db: Callable[..., Path], settings: Any) -> None:
    make_db(built=datetime(2018, 7, 3, tzinfo=UTC), name="old.mmdb")
    settings.GEOIP_MAX_AGE_DAYS = 365
    warning = geoip_database_age_warning()
    assert warning is not None and "2018-07-03" in warning and "GEOIP_CITY_DB" in warning
    make_db(name="fresh.mmdb")
    assert geoip_database_age_warning() is None


def test_age_limit_is_a_setting(make_db: Callable[..., Path], settings: Any) -> None:
    make_db(built=datetime.fromtimestamp(time.time() - 40 * 86400, tz=UTC))
    settings.GEOIP_MAX_AGE_DAYS = 30
    assert geoip_database_age_warning() is not None
    settings.GEOIP_MAX_AGE_DAYS = 60
    assert geoip_database_age_warning() is None


def test_missing_database_degrades(settings: Any, tmp_path: Path) -> None:
    geoip_reader_cache_clear()
    settings.GEOIP_CITY_DB = tmp_path / "absent.mmdb"
    c = locate("49.36.10.20")
    assert (c.country, c.confidence) == (None, 0.0)
    geoip_reader_cache_clear()


def test_shipped_geolite2_database_answers() -> None:
    """The default database (GeoLite2-City of 2018, in maxminddb-geolite2) opens and answers;
    its places are stale, so only the shape of the answer is checked."""
    from django.conf import settings

    geoip_reader_cache_clear()
    assert Path(settings.GEOIP_CITY_DB).name == "GeoLite2-City.mmdb"
    c = locate("49.36.10.20")
    assert c.country is None or (len(c.country) == 2 and c.country.isupper())
    assert geoip_database_age_warning(now=datetime(2026, 1, 1, tzinfo=UTC)) is not None
    geoip_reader_cache_clear()


def test_registry_runs_ip_locator(make_db: Callable[..., Path]) -> None:
    make_db()
    found = locators()["ip"].locate(Clues(ips=(IpClue("117.200.9.9"), IpClue("10.0.0.1"))))
    assert [(c.state, c.city) for c in found] == [("MH", "Thane"), (None, None)]


@pytest.mark.parametrize(
    ("iso_code", "name", "expected"),
    [("TG", None, "TS"), ("OR", None, "OD"), ("CT", None, "CG"), ("UT", None, "UK"),
     ("MH", "Maharashtra", "MH"), (None, "Orissa", "OD"), ("XX", "Nowhere", None)],
)
def test_india_state(iso_code: str | None, name: str | None, expected: str | None) -> None:
    assert india_state(iso_code=iso_code, name=name) == expected


def test_stale_database_counts_for_less(make_db: Callable[..., Path], settings: Any) -> None:
    settings.GEOIP_MAX_AGE_DAYS = 365
    make_db(name="fresh.mmdb")
    fresh = locate("49.36.10.20")
    make_db(built=datetime(2018, 7, 3, tzinfo=UTC), name="stale.mmdb")
    stale = locate("49.36.10.20")
    assert stale.state == fresh.state == "MH"
    assert stale.confidence < fresh.confidence and "older than 365 days" in stale.note


def test_the_database_record_is_read_once_per_network(make_db: Callable[..., Path]) -> None:
    """Addresses of one network share one record: its place is worked out once, and each
    address still gets the place the database gives it."""
    from tipline.geo.locators.ip import _network_place

    make_db()
    first, second = locate("117.200.9.9"), locate("117.200.77.1")
    assert (first.state, first.city) == (second.state, second.city) == ("MH", "Thane")
    assert first.clue != second.clue
    assert _network_place.cache_info().misses == 1
    assert _network_place.cache_info().hits == 1
    assert locate("49.36.10.20").city != "Thane"
    assert _network_place.cache_info().misses == 2


def test_a_known_24_block_needs_no_lookup_but_smaller_networks_still_do(
    make_db: Callable[..., Path],
) -> None:
    """An address in a /24 that an earlier address's network covered whole is placed without
    a database lookup; networks smaller than a /24 are looked up address by address, so
    neighbours in one /24 keep their own places."""
    from tipline.geo.locators.ip import _V4_BLOCKS

    path = make_db()
    assert locate("49.36.10.20").city == "Mumbai"
    assert (str(path), int(ipaddress.ip_address("49.36.10.0")) >> 8) in _V4_BLOCKS
    assert locate("49.36.10.99").city == "Mumbai"
    assert [locate(ip).city for ip in ("1.39.5.1", "1.39.5.20", "1.39.5.2")] == [
        "Pune", "Nagpur", "Pune"]
    assert "not in the IP database" in locate("1.39.5.40").note
    assert (str(path), int(ipaddress.ip_address("1.39.5.0")) >> 8) not in _V4_BLOCKS


@pytest.mark.django_db
def test_the_pages_warn_without_naming_the_server_path(
        make_db: Callable[..., Path], settings: Any, tmp_path: Path, analyst: Any) -> None:
    """Regression: the stale or unreadable database warning named its path on the pages."""
    from django.test import Client

    client = Client()
    client.force_login(analyst)
    path = make_db(built=datetime(2018, 7, 3, tzinfo=UTC), name="old.mmdb")
    settings.GEOIP_MAX_AGE_DAYS = 365
    page = client.get("/routing/queue/").content.decode()
    assert "2018-07-03" in page and "IP locations may be wrong" in page
    assert str(tmp_path) not in page and path.name not in page
    settings.GEOIP_CITY_DB = tmp_path / "missing" / "city.mmdb"
    geoip_reader_cache_clear()
    page = client.get("/routing/queue/").content.decode()
    assert "The IP database cannot be read" in page
    assert str(tmp_path) not in page and "missing" not in page
