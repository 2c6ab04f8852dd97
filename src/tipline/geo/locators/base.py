"""Locators: each turns one kind of location clue into candidate places.

A locator never decides: it says what its clue suggests, how precisely and how surely
(`Candidate`), and resolution (a later module) fuses the candidates into one answer with
its conflicts. Add a kind of clue by subclassing `Locator` and decorating it with
`@register`; `locate_all(clues)` runs every registered locator.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from tipline.core.places import Address, Geolocation
from tipline.core.registry import Registry

#: how precise a candidate is, from coarse to fine
PRECISIONS = ("country", "state", "district", "city", "pin", "point")


@dataclass(frozen=True)
class Candidate:
    """A place a clue points at."""

    method: str  # the locator's name: "ip", "gps", "pin", "address", "phone", ...
    clue: str  # the clue as a person would quote it: "IP 49.36.10.20:4431 at 2024-03-01 09:00Z"
    country: str | None  # ISO 3166-1 alpha-2, e.g. "IN"; None when unknown
    state: str | None = None  # ISO 3166-2:IN code without "IN-", e.g. "MH"
    district: str | None = None  # district name as indian-pincode spells it, e.g. "BEED"
    city: str | None = None
    pin: str | None = None  # the PIN code the candidate rests on (given, or the nearest office)
    latitude: float | None = None
    longitude: float | None = None
    precision: str = "country"  # one of PRECISIONS
    confidence: float = 0.5  # 0..1: how far this method's answer can be trusted here
    note: str = ""  # what a person checking it should know ("city-level, DB of 2018-07")


@dataclass(frozen=True)
class IpClue:
    ip: str
    port: int | None = None
    at: datetime | None = None
    possible_proxy: bool | None = None


#: an address a report states (a subject's, an incident's)
AddressClue = Address


@dataclass(frozen=True, kw_only=True)
class EstimateClue(Geolocation):
    """A place someone else already estimated: the platform's, or NCMEC's geolocation."""

    source: str  # "platform" or "ncmec"
    country: str = ""
    region: str = ""
    city: str = ""
    postal_code: str = ""


@dataclass(frozen=True)
class Clues:
    """Everything a report (or `tipline locate`) says about where it happened."""

    ips: tuple[IpClue, ...] = ()
    gps: tuple[tuple[float, float], ...] = ()
    pins: tuple[str, ...] = ()
    addresses: tuple[AddressClue, ...] = ()
    phones: tuple[str, ...] = ()
    estimates: tuple[EstimateClue, ...] = field(default_factory=tuple)
    #: where a number written without its country code is read (a platform's report from
    #: anywhere: None, not read at all; NCMEC's referrals to India and `tipline locate`: IN)
    phone_region: str | None = "IN"


class Locator(ABC):
    #: unique name, also the candidates' `method`
    name: ClassVar[str]

    @abstractmethod
    def locate(self, clues: Clues) -> list[Candidate]:
        """Candidates for the clues of this locator's kind; [] when there are none."""


_REGISTRY: Registry[Locator] = Registry("locator")
register = _REGISTRY.register
locators = _REGISTRY.all


def locate_all(clues: Clues) -> list[Candidate]:
    """Every registered locator's candidates, in registration order."""
    out: list[Candidate] = []
    for locator in _REGISTRY.values():
        out.extend(locator.locate(clues))
    return out
