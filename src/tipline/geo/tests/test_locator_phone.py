"""The phone locator: landlines name a city, mobiles and foreign numbers only a country."""

from __future__ import annotations

import pytest

from tipline.geo.locators import Clues, locators
from tipline.geo.locators.base import Candidate
from tipline.geo.locators.phone import MOBILE_NOTE, PhoneLocator, landline_place


def locate(*phones: str) -> list[Candidate]:
    return PhoneLocator().locate(Clues(phones=phones))


def test_registered() -> None:
    assert isinstance(locators()["phone"], PhoneLocator)


@pytest.mark.parametrize("number", ["+91 22 2345 6789", "022-23456789", "+912223456789"])
def test_mumbai_landline(number: str) -> None:
    (c,) = locate(number)
    assert (c.method, c.country, c.state, c.city, c.precision) == (
        "phone", "IN", "MH", "Mumbai", "city"
    )
    assert c.district is None  # 022 also serves Thane and Navi Mumbai
    assert c.confidence == pytest.approx(0.5)
    assert c.clue == "phone +91 22 2345 6789"
    assert "area code 022" in c.note


@pytest.mark.parametrize("number", ["011 2345 6789", "+91-11-23456789"])
def test_delhi_landline(number: str) -> None:
    (c,) = locate(number)
    assert (c.country, c.state, c.city, c.precision) == ("IN", "DL", "Delhi", "city")


def test_landline_in_a_district() -> None:
    (beed,) = locate("+91 2442 234567")  # the geocoder still says "Bhir"
    assert (beed.state, beed.district, beed.precision) == ("MH", "BEED", "city")
    (pune,) = locate("020 2512 3456")
    assert (pune.state, pune.district, pune.city) == ("MH", "PUNE", "Pune")


def test_landline_state_fixed_where_the_geocoder_is_stale() -> None:
    # phonenumbers names Hyderabad's state Andhra Pradesh and Chandigarh's Punjab
    (hyd,) = locate("040 2345 6789")
    assert (hyd.state, hyd.city) == ("TS", "Hyderabad")
    (chd,) = locate("0172 234 5678")
    assert (chd.state, chd.district) == ("CH", "CHANDIGARH")


def test_unsure_state_gives_city_only() -> None:
    state, district, city, caveat = landline_place("Nowhereville, Andhra Pradesh")
    assert (state, district, city) == (None, None, "Nowhereville")
    assert "not certain" in caveat
    assert landline_place("Nowhereville, Maharashtra")[:3] == ("MH", None, "Nowhereville")


def test_town_that_is_not_a_district() -> None:
    assert landline_place("Kalyan, Maharashtra")[:3] == ("MH", "THANE", "Kalyan")
    assert landline_place("Dhanbad, Bihar")[:2] == ("JH", "DHANBAD")  # Jharkhand since 2000


@pytest.mark.parametrize("number", ["+91 98123 45678", "9876543210", "+91 70123 45678"])
def test_mobile_gives_country_only(number: str) -> None:
    (c,) = locate(number)
    assert (c.country, c.state, c.district, c.city, c.precision) == (
        "IN", None, None, None, "country"
    )
    assert c.note == MOBILE_NOTE
    assert c.confidence < 0.5


def test_foreign_number() -> None:
    (us,) = locate("+1 202-555-0123")
    assert (us.country, us.state, us.precision) == ("US", None, "country")
    (uk,) = locate("+44 20 7946 0958")
    assert uk.country == "GB"


@pytest.mark.parametrize("garbage", ["", "not a number", "12", "+91 1", "++++", "0000000000"])
def test_garbage_gives_nothing(garbage: str) -> None:
    assert locate(garbage) == []


def test_several_numbers_through_the_registry() -> None:
    found = locators()["phone"].locate(Clues(phones=("022 2345 6789", "junk", "+1 202 555 0123")))
    assert [(c.country, c.state) for c in found] == [("IN", "MH"), ("US", None)]


def test_a_foreign_code_on_an_unassigned_number_still_names_the_country() -> None:
    """+1 222 333 4444 is not a valid US number (222 is no area code), but it was written with
    the United States' calling code: it points abroad, weakly, and never at India."""
    [c] = locate("+12223334444")
    assert (c.country, c.state, c.precision) == ("US", None, "country")
    assert c.confidence < 0.3 and "+1" in c.note and "not a valid number" in c.note
    assert locate("+91 12345") == []  # an invalid Indian number says nothing
    assert locate("12345") == []  # nor does one without a code
