"""Phone numbers -> places, with `phonenumbers` (offline).

An Indian landline's area code names a city (its exchange area), which often also gives the
district and state. An Indian mobile number names only the country: numbers are ported and
carried between states, so the locator never pretends it gives a state. A foreign number
gives its country. A number that does not parse gives nothing.
"""

from __future__ import annotations

from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneNumberType, geocoder

from tipline.geo.locators.base import Candidate, Clues, Locator, register
from tipline.geo.locators.ip import india_state
from tipline.geo.names import districts_named
from tipline.jurisdictions.data import fold

LANDLINE_CONFIDENCE = 0.5
MOBILE_CONFIDENCE = 0.3
FOREIGN_CONFIDENCE = 0.3
#: a foreign country calling code on a number that is not valid there
CODE_ONLY_CONFIDENCE = 0.2

MOBILE_NOTE = "mobile number: gives the country only (numbers move between states)"

#: Area codes that cover a whole metropolitan area of several districts: the folded name
#: the geocoder gives -> (state, city). The district stays unknown.
METRO_AREAS: dict[str, tuple[str, str]] = {
    "MUMBAI": ("MH", "Mumbai"), "NEW DELHI": ("DL", "Delhi"), "DELHI": ("DL", "Delhi"),
    "KOLKATA": ("WB", "Kolkata"), "CHENNAI": ("TN", "Chennai"),
    "BANGALORE": ("KA", "Bengaluru"), "HYDERABAD": ("TS", "Hyderabad"),
}

#: Old or variant names in the geocoder's data -> the district as indian-pincode spells it.
RENAMED: dict[str, str] = {
    "BHIR": "BEED", "GURGAON": "GURUGRAM", "MYSORE": "MYSURU", "ALLAHABAD": "PRAYAGRAJ",
    "TRIVANDRUM": "THIRUVANANTHAPURAM", "AHMEDABAD": "AHMADABAD", "BARODA": "VADODARA",
    "VISAKHAPATNAM": "VISAKHAPATANAM", "BELGAUM": "BELAGAVI", "GULBARGA": "KALABURAGI",
    "SHIMOGA": "SHIVAMOGGA", "TUMKUR": "TUMAKURU", "BELLARY": "BALLARI",
    "CALICUT": "KOZHIKODE", "COCHIN": "ERNAKULAM", "TRICHUR": "THRISSUR", "QUILON": "KOLLAM",
    "TRICHY": "TIRUCHIRAPPALLI", "TIRUCHIRAPALLI": "TIRUCHIRAPPALLI",
}

#: States the geocoder's data names as they were before a split (Telangana, Chhattisgarh,
#: Jharkhand, Ladakh) or that it gives for Chandigarh: their name alone proves nothing.
SPLIT_STATES = frozenset({"AP", "MP", "BR", "PB", "UP", "JK"})


def landline_place(description: str) -> tuple[str | None, str | None, str, str]:
    """(state, district, city, note) for a geocoder description like "Pune, Maharashtra".

    The state is given only when it is sure: a district of that name in one state, or the
    geocoder's state when that state has not been split since its data was written.
    """
    city_part, _, state_part = description.partition(", ")
    city_part = city_part.removesuffix(" Local")
    folded_city = fold(city_part)
    if folded_city in METRO_AREAS:
        state, city = METRO_AREAS[folded_city]
        return state, None, city, "covers the metropolitan area (several districts)"
    named_state = india_state(iso_code=None, name=state_part) if state_part else None
    names = [fold(n) for n in city_part.split("/") if n.strip()]
    for name in names:
        found = districts_named(RENAMED.get(name, name))
        if len(found) > 1:
            found = tuple(f for f in found if f[0] == named_state)
        if len(found) == 1:
            state, district = found[0]
            return state, district, city_part, ""
    if named_state and named_state not in SPLIT_STATES:
        return named_state, None, city_part, ""
    return None, None, city_part, "state not certain"


@register
class PhoneLocator(Locator):
    """Phone numbers -> city (Indian landlines) or country (mobiles, foreign numbers)."""

    name = "phone"

    def locate(self, clues: Clues) -> list[Candidate]:
        out: list[Candidate] = []
        for raw in clues.phones:
            if clues.phone_region is None and not raw.strip().startswith("+"):
                out.append(_without_code(raw))
                continue
            candidate = phone_candidate(raw)
            if candidate is not None:
                out.append(candidate)
        return out


@lru_cache(maxsize=8192)
def phone_candidate(raw: str) -> Candidate | None:
    """The place one phone number points at, or None when it is not a valid number.

    Cached: numbers repeat across reports, and parsing is the costly part.
    """
    try:
        number = phonenumbers.parse(raw, "IN")
    except phonenumbers.NumberParseException:
        return None
    region = phonenumbers.region_code_for_number(number)
    if not region or region == "001":
        return _calling_code_only(raw, number)
    # the type is worked out once: UNKNOWN is exactly what is_valid_number rejects
    kind = phonenumbers.number_type(number)
    if kind == PhoneNumberType.UNKNOWN:
        return _calling_code_only(raw, number)
    clue = "phone " + phonenumbers.format_number(
        number, phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    if region != "IN":
        return Candidate(
            method="phone", clue=clue, country=region, precision="country",
            confidence=FOREIGN_CONFIDENCE,
            note=f"foreign number (+{number.country_code}): gives the country only",
        )
    # a fixed line is geographical and valid: description_for_number would say the same
    description = (geocoder.description_for_valid_number(number, "en")
                   if kind == PhoneNumberType.FIXED_LINE else "")
    if description and description != "India":
        state, district, city, caveat = landline_place(description)
        nsn = phonenumbers.national_significant_number(number)
        area = "0" + nsn[: phonenumbers.length_of_geographical_area_code(number)]
        note = f"landline, area code {area} ({description})"
        note += f": {caveat}" if caveat else ""
        return Candidate(
            method="phone", clue=clue, country="IN", state=state, district=district,
            city=city, precision="city", confidence=LANDLINE_CONFIDENCE, note=note,
        )
    note = MOBILE_NOTE if kind in (
        PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE
    ) else "Indian number: gives the country only"
    return Candidate(
        method="phone", clue=clue, country="IN", precision="country",
        confidence=MOBILE_CONFIDENCE, note=note,
    )


def _calling_code_only(raw: str, number: phonenumbers.PhoneNumber) -> Candidate | None:
    """A number that is not valid where its code says, written with a foreign country
    calling code (+1 222 333 4444): the code still names the country (its main one), weakly;
    an invalid number without a code, or with India's, says nothing."""
    code = number.country_code
    if not raw.strip().startswith("+") or code is None or code == 91:
        return None
    region = phonenumbers.region_code_for_country_code(code)
    if region in ("ZZ", "001"):
        return None
    return Candidate(
        method="phone", clue=f"phone +{code} {number.national_number}",
        country=region, precision="country", confidence=CODE_ONLY_CONFIDENCE,
        note=(f"country calling code +{code}, but not a valid number there: "
              "gives the country only"),
    )


@lru_cache(maxsize=1024)
def _without_code(raw: str) -> Candidate:
    """A number without its country code in a report from anywhere: not read as Indian."""
    return Candidate(method="phone", clue=f"phone {raw.strip()}", country=None,
                     precision="country", confidence=0.0,
                     note="no country code, and nothing else in the report places it in "
                          "India: not read as Indian")
