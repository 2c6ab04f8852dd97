"""Location clue -> candidate places. Importing this package registers every locator.

Each locator module registers itself with `@register`; list it here so it is loaded.
"""

from tipline.geo.locators import address, estimate, gps, ip, phone, pin  # noqa: F401
from tipline.geo.locators.base import (
    AddressClue,
    Candidate,
    Clues,
    EstimateClue,
    IpClue,
    Locator,
    locate_all,
    locators,
    register,
)

__all__ = [
    "AddressClue", "Candidate", "Clues", "EstimateClue", "IpClue", "Locator", "locate_all",
    "locators", "register",
]
