"""The shapes of a place as reports and clues state it, shared by intake and geo.

Intake stores the places a report states (`intake.records.PlaceRec`); geo reads them back as
clues (`geo.locators.AddressClue`, `EstimateClue`). Both build on these two shapes, so a field
added to one side is there on the other. Values are as the sender wrote them: free text, any
part may be empty; nothing here checks or resolves them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class Address:
    """A postal address as written."""

    street: str = ""
    city: str = ""
    district: str = ""
    state: str = ""  # a state or UT, by name or ISO 3166-2 code, as written
    postal_code: str = ""  # in India a PIN code
    country: str = ""


@dataclass(frozen=True, kw_only=True)
class Geolocation:
    """Where a place was located: a point, and for an IP geolocation the address and its ISP."""

    latitude: float | None = None
    longitude: float | None = None
    ip: str | None = None
    isp: str = ""
