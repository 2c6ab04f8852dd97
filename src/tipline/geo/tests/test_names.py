"""Place-name normalisation: states, districts, cities, their old names and spellings."""

from __future__ import annotations

import indian_pincode
import pytest

from tipline.geo.names import (
    CITY_ALIASES,
    country_code,
    district_of,
    districts_named,
    find_places,
    pincode_state_name,
    state_code,
)
from tipline.jurisdictions.data import STATE_NAMES


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Maharashtra", "MH"), ("maharashtra", "MH"), ("MH", "MH"), ("IN-MH", "MH"),
        ("Orissa", "OD"), ("OR", "OD"), ("Odisha", "OD"), ("Pondicherry", "PY"),
        ("Uttaranchal", "UK"), ("UT", "UK"), ("NCT of Delhi", "DL"), ("Jammu & Kashmir", "JK"),
        ("J&K", "JK"), ("Tamil Nādu", "TN"), ("CT", "CG"), ("TG", "TS"), ("DN", "DH"),
        ("The Dadra and Nagar Haveli and Daman and Diu", "DH"), ("Ladakh", "LA"),
        ("Maharastra", "MH"), ("U.P.", "UP"), ("TAMILNADU", "TN"), ("DNH&DD", "DH"),
        ("A&N Islands", "AN"), ("Gujrat", "GJ"),
    ],
)
def test_state_code_names_codes_and_aliases(text: str, code: str) -> None:
    assert state_code(text) == code


def test_state_code_unknown() -> None:
    assert state_code("") is None
    assert state_code("Narnia") is None


def test_every_state_has_its_pincode_districts() -> None:
    names = sorted(pincode_state_name(c) for c in STATE_NAMES)
    assert names == sorted(indian_pincode.list_states())
    for code in STATE_NAMES:
        assert state_code(STATE_NAMES[code]) == code


def test_every_city_alias_points_at_a_real_district() -> None:
    for alias, (state, district) in CITY_ALIASES.items():
        assert district in indian_pincode.list_districts(pincode_state_name(state)), alias


@pytest.mark.parametrize(
    ("state", "text", "district"),
    [
        ("MH", "Bombay", "MUMBAI"), ("MH", "Mumbai", "MUMBAI"), ("HR", "Gurgaon", "GURUGRAM"),
        ("WB", "Calcutta", "KOLKATA"), ("TN", "Madras", "CHENNAI"),
        ("KA", "Bangalore", "BENGALURU URBAN"), ("KA", "Bengaluru", "BENGALURU URBAN"),
        ("MH", "Poona", "PUNE"), ("GJ", "Baroda", "VADODARA"), ("GJ", "Ahmedabad", "AHMADABAD"),
        ("KL", "Trivandrum", "THIRUVANANTHAPURAM"), ("MH", "Navi Mumbai", "THANE"),
        ("DL", "New Delhi", "NEW DELHI"), ("MH", "Pimpri-Chinchwad", "PUNE"),
        ("UP", "Allahabad", "PRAYAGRAJ"), ("MH", "Pune District", "PUNE"), ("MH", "beed", "BEED"),
        ("PY", "Pondicherry", "PONDICHERRY"), ("CH", "Chandigarh", "CHANDIGARH"),
        ("PB", "Mohali", "S.A.S NAGAR"), ("DL", "South Delhi", "SOUTH"),
        ("DL", "North West Delhi", "NORTH WEST"), ("SK", "East Sikkim", "EAST DISTRICT"),
    ],
)
def test_district_of(state: str, text: str, district: str) -> None:
    assert district_of(state, text) == district


def test_district_of_needs_the_right_state_or_a_unique_name() -> None:
    assert district_of("KA", "Bombay") is None
    assert district_of(None, "Beed") == "BEED"
    assert district_of(None, "Aurangabad") is None  # Bihar and Maharashtra
    assert set(districts_named("Aurangabad")) == {("BR", "AURANGABAD"), ("MH", "AURANGABAD")}
    assert district_of("BR", "Aurangabad") == "AURANGABAD"


@pytest.mark.parametrize(
    ("text", "places"),
    [
        ("Flat 4, Marine Drive, Bombay 400020", [("MH", "MUMBAI")]),
        ("Sector 17, Gurgaon, Haryana", [("HR", "GURUGRAM")]),
        ("Cuttack, Orissa", [("OD", "CUTTACK")]),
        ("12 Park Street, Calcutta", [("WB", "KOLKATA")]),
        ("Vashi, Navi Mumbai", [("MH", "THANE")]),
        ("White Town, Pondicherry", [("PY", "PONDICHERRY")]),
        ("House 2, Aurangabad, Bihar", [("BR", "AURANGABAD")]),
        ("Aurangabad", [("BR", "AURANGABAD"), ("MH", "AURANGABAD")]),
        ("Some street, Karnataka", [("KA", None)]),
        # ordinary words that are also district names are not trusted in free text
        ("Anand Vihar, South Extension, Delhi", [("DL", None)]),
        ("Ambedkar Nagar, Krishna Puram, Pune", [("MH", "PUNE")]),
        ("Lajpat Nagar, South East Delhi", [("DL", "SOUTH EAST")]),
        ("nothing here", []),
    ],
)
def test_find_places(text: str, places: list[tuple[str, str | None]]) -> None:
    assert find_places(text) == places


@pytest.mark.parametrize(
    ("text", "code"),
    [("IN", "IN"), ("IND", "IN"), ("India", "IN"), ("india", "IN"), ("US", "US"),
     ("United Kingdom", "GB"), ("Bangladesh", "BD"), ("", None), ("Narnia", None)],
)
def test_country_code(text: str, code: str | None) -> None:
    assert country_code(text) == code
