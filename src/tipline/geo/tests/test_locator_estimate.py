"""The platform's estimatedLocation and NCMEC's geolocation."""

from __future__ import annotations

from tipline.geo.locators import locators
from tipline.geo.locators.base import Clues, EstimateClue
from tipline.geo.locators.estimate import (
    NcmecEstimateLocator,
    PlatformEstimateLocator,
    estimate_candidates,
)


def test_registered() -> None:
    assert isinstance(locators()["platform"], PlatformEstimateLocator)
    assert isinstance(locators()["ncmec"], NcmecEstimateLocator)


def test_platform_city_region_country() -> None:
    clue = EstimateClue(source="platform", city="Mumbai", region="MH", country="IN")
    [c] = PlatformEstimateLocator().locate(Clues(estimates=(clue,)))
    assert (c.method, c.country, c.state, c.district, c.city) == (
        "platform", "IN", "MH", "MUMBAI", "Mumbai")
    assert (c.precision, c.confidence) == ("district", 0.5)
    assert c.clue == "platform estimate: Mumbai, MH, IN"
    assert NcmecEstimateLocator().locate(Clues(estimates=(clue,))) == []


def test_platform_region_only_and_old_names() -> None:
    [c] = estimate_candidates(EstimateClue(source="platform", region="Orissa", country="IN"))
    assert (c.state, c.district, c.precision, c.confidence) == ("OD", None, "state", 0.4)
    [c] = estimate_candidates(EstimateClue(source="platform", city="Bangalore", country="IN"))
    assert (c.state, c.district) == ("KA", "BENGALURU URBAN")


def test_ncmec_geolocation() -> None:
    clue = EstimateClue(
        source="ncmec", country="India", region="Maharashtra", city="Thane",
        postal_code="400601", latitude=19.19, longitude=72.97, ip="49.36.10.20",
        isp="Reliance Jio",
    )
    [c] = NcmecEstimateLocator().locate(Clues(estimates=(clue,)))
    assert (c.method, c.country, c.state, c.district) == ("ncmec", "IN", "MH", "THANE")
    assert (c.precision, c.confidence) == ("district", 0.6)
    assert "derived from the IP by NCMEC" in c.note and "Reliance Jio" in c.note
    assert (c.latitude, c.longitude) == (19.19, 72.97)
    assert "49.36.10.20" in c.clue


def test_ncmec_postal_code_when_the_city_is_unknown() -> None:
    clue = EstimateClue(source="ncmec", country="IN", city="Vashi", postal_code="400703")
    [c] = estimate_candidates(clue)
    assert (c.state, c.district, c.precision) == ("MH", "THANE", "district")


def test_country_only_and_abroad() -> None:
    [c] = estimate_candidates(EstimateClue(source="ncmec", country="IN"))
    assert (c.country, c.state, c.precision, c.confidence) == ("IN", None, "country", 0.3)
    [c] = estimate_candidates(EstimateClue(source="platform", city="Dhaka", country="BD"))
    assert (c.country, c.state, c.precision) == ("BD", None, "country")
    assert estimate_candidates(EstimateClue(source="platform")) == []


def test_region_of_the_state_a_ut_was_carved_from() -> None:
    clue = EstimateClue(source="ncmec", country="IN", region="Jammu and Kashmir", city="Leh")
    [c] = estimate_candidates(clue)
    assert (c.state, c.district) == ("LA", "LEH LADAKH")
