"""The PIN locator on PINs whose districts were checked against indian-pincode 2.1.0."""

from __future__ import annotations

import pytest

from tipline.geo.locators import locators
from tipline.geo.locators.base import AddressClue, Clues
from tipline.geo.locators.pin import (
    PIN_CONFIDENCE,
    PinLocator,
    pin_candidates,
    pins_in,
)
from tipline.jurisdictions.data import zone_agrees


@pytest.mark.parametrize(
    ("pin", "state", "district"),
    [
        ("400020", "MH", "MUMBAI"), ("400601", "MH", "THANE"), ("411001", "MH", "PUNE"),
        ("431122", "MH", "BEED"), ("110001", "DL", "NEW DELHI"), ("160017", "CH", "CHANDIGARH"),
        ("605001", "PY", "PONDICHERRY"), ("400703", "MH", "THANE"),  # Vashi, Navi Mumbai
        ("122001", "HR", "GURUGRAM"), ("560001", "KA", "BENGALURU URBAN"),
    ],
)
def test_known_pins(pin: str, state: str, district: str) -> None:
    [c] = PinLocator().locate(Clues(pins=(pin,)))
    assert (c.method, c.country, c.state, c.district) == ("pin", "IN", state, district)
    assert c.precision == "pin"
    assert c.confidence == PIN_CONFIDENCE
    assert c.clue == f"PIN {pin}"
    assert c.latitude is not None and c.longitude is not None


def test_registered() -> None:
    assert isinstance(locators()["pin"], PinLocator)


def test_pin_spanning_districts_shares_the_confidence() -> None:
    candidates = pin_candidates("110003", "given")
    assert {(c.state, c.district) for c in candidates} == {
        ("DL", "NEW DELHI"), ("DL", "SOUTH"), ("DL", "SOUTH EAST"),
    }
    assert all(c.confidence == pytest.approx(PIN_CONFIDENCE / 3, abs=0.001) for c in candidates)
    assert all("spans 3 districts" in c.note for c in candidates)


def test_district_of_another_postal_zone_is_kept_but_doubted() -> None:
    # 110025 (Delhi) is also listed under Budaun, Uttar Pradesh: zone 1 has no UP
    by_district = {c.district: c for c in pin_candidates("110025", "given")}
    assert by_district["BUDAUN"].state == "UP"
    assert by_district["BUDAUN"].confidence < 0.15
    assert "postal zone" in by_district["BUDAUN"].note
    assert by_district["SOUTH"].confidence == pytest.approx(PIN_CONFIDENCE / 2)


def test_wrong_pin_in_the_directory() -> None:
    # 334002 is Bikaner, Rajasthan; the directory says Raipur, Chhattisgarh
    [c] = pin_candidates("334002", "given")
    assert (c.state, c.district) == ("CG", "RAIPUR")
    assert c.confidence < 0.3
    assert "starts with 3" in c.note and "may be wrong" in c.note


def test_zone_rule() -> None:
    assert zone_agrees("400020", "MH") and zone_agrees("160017", "CH")
    assert zone_agrees("737101", "SK") and zone_agrees("396230", "DH")
    assert not zone_agrees("400020", "KA")
    assert not zone_agrees("900056", "UP")  # Army Postal Service


def test_pin_without_a_district_takes_the_nearest_office() -> None:
    # 605012 (Pondicherry NDC) has no district in the directory
    [c] = pin_candidates("605012", "given")
    assert (c.state, c.district) == ("PY", "PONDICHERRY")
    assert c.confidence == 0.5
    assert "no district" in c.note


def test_unknown_pin() -> None:
    [c] = PinLocator().locate(Clues(pins=("123456",)))
    assert (c.country, c.state, c.precision) == ("IN", None, "country")
    assert c.confidence == 0.1
    assert "not in the India Post directory" in c.note
    # a number merely found in text is not taken for a PIN
    assert PinLocator().locate(Clues(addresses=(AddressClue(street="Room 123456"),))) == []
    assert pin_candidates("012345", "given") == []  # not well-formed


def test_pins_in_addresses() -> None:
    clues = Clues(
        pins=("400020",),
        addresses=(
            AddressClue(street="Flat 4, Sector 17, Vashi 400 703, ph 98200 12345"),
            AddressClue(street="Shivaji Nagar", postal_code="411 001"),
            AddressClue(postal_code="400020"),
        ),
    )
    assert pins_in(clues) == [
        ("400020", "given"), ("400703", "address text"), ("411001", "postal code"),
    ]
    found = PinLocator().locate(clues)
    assert [(c.district, c.clue) for c in found] == [
        ("MUMBAI", "PIN 400020"), ("THANE", "PIN 400703 (address text)"),
        ("PUNE", "PIN 411001 (postal code)"),
    ]


def test_no_pins() -> None:
    assert PinLocator().locate(Clues()) == []
