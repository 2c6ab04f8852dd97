"""The address locator: names, aliases, foreign addresses and inconsistent fields."""

from __future__ import annotations

from tipline.geo.locators import locators
from tipline.geo.locators.address import AddressLocator, address_candidates
from tipline.geo.locators.base import AddressClue, Clues


def one(**fields: str) -> tuple[str | None, str | None, str | None, str, float]:
    [c] = address_candidates(AddressClue(**fields))
    assert c.method == "address"
    return c.country, c.state, c.district, c.precision, c.confidence


def test_registered() -> None:
    assert isinstance(locators()["address"], AddressLocator)


def test_district_from_city_alias_and_state() -> None:
    assert one(street="12 Marine Drive", city="Bombay", state="Maharashtra", country="India") == (
        "IN", "MH", "MUMBAI", "district", 0.6)
    assert one(city="Navi Mumbai", state="MH") == ("IN", "MH", "THANE", "district", 0.6)
    assert one(city="Calcutta") == ("IN", "WB", "KOLKATA", "district", 0.6)
    assert one(city="Pondicherry", country="IND") == ("IN", "PY", "PONDICHERRY", "district", 0.6)
    assert one(district="Beed", state="Maharashtra") == ("IN", "MH", "BEED", "district", 0.6)


def test_district_found_in_the_text() -> None:
    assert one(street="Sector 14, Gurgaon") == ("IN", "HR", "GURUGRAM", "district", 0.6)
    assert one(street="Flat 3, Laxmi Nagar, Beed, Maharashtra 431122") == (
        "IN", "MH", "BEED", "district", 0.6)


def test_city_in_the_state_field() -> None:
    assert one(street="12 Hill Road", state="Mumbai") == ("IN", "MH", "MUMBAI", "district", 0.6)


def test_state_only() -> None:
    assert one(state="Orissa") == ("IN", "OD", None, "state", 0.4)
    assert one(street="Some street, Karnataka") == ("IN", "KA", None, "state", 0.4)


def test_district_in_several_states() -> None:
    candidates = address_candidates(AddressClue(city="Aurangabad"))
    assert {(c.state, c.district) for c in candidates} == {
        ("BR", "AURANGABAD"), ("MH", "AURANGABAD")}
    assert all(c.confidence == 0.3 for c in candidates)
    assert one(city="Aurangabad", state="Bihar") == ("IN", "BR", "AURANGABAD", "district", 0.6)


def test_state_and_district_disagree() -> None:
    state_field, other = address_candidates(AddressClue(city="Gurgaon", state="Maharashtra"))
    assert (state_field.state, state_field.district, state_field.confidence) == ("MH", None, 0.4)
    assert (other.state, other.district, other.confidence) == ("HR", "GURUGRAM", 0.3)
    assert "names a district of HR" in state_field.note == other.note


def test_prefers_the_district_consistent_with_the_state() -> None:
    # the district field says Gurgaon (Haryana); the street and the state say Beed
    found = address_candidates(
        AddressClue(street="Beed bypass road", district="Gurgaon", state="Maharashtra"))
    assert [(c.state, c.district, c.confidence) for c in found] == [("MH", "BEED", 0.6)]
    assert found[0].note == "the address also names GURUGRAM (HR)"
    found = address_candidates(AddressClue(street="Kalyan", district="Thane", state="MH"))
    assert [(c.state, c.district, c.note) for c in found] == [("MH", "THANE", "")]


def test_state_an_old_address_still_names() -> None:
    [c] = address_candidates(AddressClue(city="Leh", state="Jammu & Kashmir"))
    assert (c.state, c.district, c.confidence) == ("LA", "LEH LADAKH", 0.6)
    assert c.note == "LEH LADAKH is in LA, part of JK until 2019"
    [c] = address_candidates(AddressClue(city="Secunderabad", state="Andhra Pradesh"))
    assert (c.state, c.district) == ("TS", "HYDERABAD")


def test_common_spellings_of_states() -> None:
    assert one(city="Beed", state="Maharastra")[1:3] == ("MH", "BEED")
    assert one(city="Lucknow", state="U.P.")[1:3] == ("UP", "LUCKNOW")
    assert one(city="Chennai", state="TAMILNADU")[1:3] == ("TN", "CHENNAI")
    # initials are not trusted in free text ("12 A P Road")
    assert address_candidates(AddressClue(street="12 A P Road")) == []


def test_foreign_address() -> None:
    assert one(street="1600 Pennsylvania Ave", city="Washington", state="DC", country="US") == (
        "US", None, None, "country", 0.6)
    assert one(city="London", country="United Kingdom")[0] == "GB"
    country, *_, confidence = one(country="Narnia")
    assert country is None and confidence == 0.1


def test_nothing_recognisable() -> None:
    assert address_candidates(AddressClue(street="nowhere")) == []
    assert one(street="somewhere", country="India") == ("IN", None, None, "country", 0.2)
    assert AddressLocator().locate(Clues()) == []


def test_the_addresss_own_pin_settles_a_city_that_spans_districts() -> None:
    # Hyderabad's PIN 500102 is in Ranga Reddy (Cyberabad), Vijayawada's 521107 in Krishna
    assert one(street="Indira Colony", city="Hyderabad", state="Telangana",
               postal_code="500102")[:3] == ("IN", "TS", "RANGA REDDY")
    [c] = address_candidates(AddressClue(city="Vijayawada", state="Andhra Pradesh",
                                         postal_code="521107"))
    assert c.district == "KRISHNA" and "PIN 521107 places the address in Krishna" in c.note
    # a PIN of the city's own district changes nothing; an explicit district field wins
    assert one(city="Hyderabad", state="Telangana", postal_code="500001")[2] == "HYDERABAD"
    assert one(city="Hyderabad", district="Hyderabad", state="Telangana",
               postal_code="500102")[2] == "HYDERABAD"
