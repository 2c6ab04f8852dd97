"""Place names -> jurisdictions: the states, districts and cities people write in addresses.

Names are compared folded (`data.fold`: upper-case, no diacritics or punctuation, "&" read
as "and"). States come from `data.STATE_NAMES` / `PINCODE_STATE_NAMES` / `STATE_ALIASES`;
districts from `indian_pincode.list_districts()` and are returned as that package spells
them (upper-case, e.g. "BENGALURU URBAN", "AHMADABAD"); `CITY_ALIASES` maps old names,
common spellings and cities that are not districts to their district (Bombay -> MUMBAI,
Navi Mumbai -> THANE, Gurgaon -> GURUGRAM).

Everything here is offline data, built once per process and cached.
"""

from __future__ import annotations

from functools import lru_cache

import indian_pincode
import pycountry

from tipline.jurisdictions.data import PINCODE_STATE_NAMES, STATE_ALIASES, STATE_NAMES, fold

#: City, old or common name -> (state code, district as indian-pincode spells it).
#: Only names that are not already a district of that state need to be here.
CITY_ALIASES: dict[str, tuple[str, str]] = {
    # Maharashtra
    "Bombay": ("MH", "MUMBAI"), "Mumbai City": ("MH", "MUMBAI"),
    "Greater Mumbai": ("MH", "MUMBAI"), "Navi Mumbai": ("MH", "THANE"),
    "New Bombay": ("MH", "THANE"), "Kalyan": ("MH", "THANE"), "Dombivli": ("MH", "THANE"),
    "Bhiwandi": ("MH", "THANE"), "Mira Bhayandar": ("MH", "THANE"),
    "Vasai": ("MH", "PALGHAR"), "Virar": ("MH", "PALGHAR"),
    "Poona": ("MH", "PUNE"), "Pimpri Chinchwad": ("MH", "PUNE"), "Pimpri": ("MH", "PUNE"),
    "Chinchwad": ("MH", "PUNE"), "Nasik": ("MH", "NASHIK"),
    "Chhatrapati Sambhajinagar": ("MH", "AURANGABAD"), "Sambhajinagar": ("MH", "AURANGABAD"),
    "Dharashiv": ("MH", "OSMANABAD"), "Ahilyanagar": ("MH", "AHMEDNAGAR"),
    "Ahmadnagar": ("MH", "AHMEDNAGAR"), "Bid": ("MH", "BEED"),
    # Delhi ("Delhi" alone names the state, not a district)
    "New Delhi": ("DL", "NEW DELHI"), "Central Delhi": ("DL", "CENTRAL"),
    "North Delhi": ("DL", "NORTH"), "South Delhi": ("DL", "SOUTH"), "East Delhi": ("DL", "EAST"),
    "West Delhi": ("DL", "WEST"), "North East Delhi": ("DL", "NORTH EAST"),
    "North West Delhi": ("DL", "NORTH WEST"), "South East Delhi": ("DL", "SOUTH EAST"),
    "South West Delhi": ("DL", "SOUTH WEST"),
    "East Sikkim": ("SK", "EAST DISTRICT"), "West Sikkim": ("SK", "WEST DISTRICT"),
    "North Sikkim": ("SK", "NORTH DISTRICT"), "South Sikkim": ("SK", "SOUTH DISTRICT"),
    # Haryana, Punjab, Chandigarh, Uttar Pradesh, Uttarakhand
    "Gurgaon": ("HR", "GURUGRAM"), "Mohali": ("PB", "S.A.S NAGAR"),
    "SAS Nagar": ("PB", "S.A.S NAGAR"), "Sahibzada Ajit Singh Nagar": ("PB", "S.A.S NAGAR"),
    "Noida": ("UP", "GAUTAM BUDDHA NAGAR"), "Greater Noida": ("UP", "GAUTAM BUDDHA NAGAR"),
    "Allahabad": ("UP", "PRAYAGRAJ"), "Benares": ("UP", "VARANASI"),
    "Banaras": ("UP", "VARANASI"), "Kanpur": ("UP", "KANPUR NAGAR"),
    "Cawnpore": ("UP", "KANPUR NAGAR"), "Faizabad": ("UP", "AYODHYA"),
    "Dehra Dun": ("UK", "DEHRADUN"), "Hardwar": ("UK", "HARIDWAR"),
    # West Bengal, Odisha, North East
    "Calcutta": ("WB", "KOLKATA"), "Barasat": ("WB", "24 PARAGANAS NORTH"),
    "North 24 Parganas": ("WB", "24 PARAGANAS NORTH"), "Alipore": ("WB", "24 PARAGANAS SOUTH"),
    "South 24 Parganas": ("WB", "24 PARAGANAS SOUTH"), "Jamshedpur": ("JH", "EAST SINGHBUM"),
    "East Singhbhum": ("JH", "EAST SINGHBUM"), "Imphal": ("MN", "IMPHAL WEST"),
    "Bhubaneswar": ("OD", "KHORDHA"),
    "Bhubaneshwar": ("OD", "KHORDHA"), "Khurda": ("OD", "KHORDHA"),
    "Guwahati": ("AS", "KAMRUP METRO"), "Gauhati": ("AS", "KAMRUP METRO"),
    "Dispur": ("AS", "KAMRUP METRO"), "Shillong": ("ML", "EAST KHASI HILLS"),
    "Agartala": ("TR", "WEST TRIPURA"), "Gangtok": ("SK", "EAST DISTRICT"),
    "Itanagar": ("AR", "PAPUM PARE"), "Port Blair": ("AN", "SOUTH ANDAMANS"),
    "Sri Vijaya Puram": ("AN", "SOUTH ANDAMANS"),
    # South
    "Madras": ("TN", "CHENNAI"), "Trichy": ("TN", "TIRUCHIRAPPALLI"),
    "Tiruchirappalli": ("TN", "TIRUCHIRAPPALLI"), "Coimbatore": ("TN", "COIMBATORE"),
    "Bangalore": ("KA", "BENGALURU URBAN"), "Bengaluru": ("KA", "BENGALURU URBAN"),
    "Bangalore Urban": ("KA", "BENGALURU URBAN"), "Bangalore Rural": ("KA", "BENGALURU RURAL"),
    "Mysore": ("KA", "MYSURU"), "Mangalore": ("KA", "DAKSHINA KANNADA"),
    "Mangaluru": ("KA", "DAKSHINA KANNADA"), "Belgaum": ("KA", "BELAGAVI"),
    "Gulbarga": ("KA", "KALABURAGI"), "Shimoga": ("KA", "SHIVAMOGGA"),
    "Hubli": ("KA", "DHARWAD"), "Hubballi": ("KA", "DHARWAD"),
    "Trivandrum": ("KL", "THIRUVANANTHAPURAM"), "Cochin": ("KL", "ERNAKULAM"),
    "Kochi": ("KL", "ERNAKULAM"), "Calicut": ("KL", "KOZHIKODE"),
    "Cyberabad": ("TS", "RANGA REDDY"), "Secunderabad": ("TS", "HYDERABAD"),
    "Rangareddy": ("TS", "RANGA REDDY"), "Vizag": ("AP", "VISAKHAPATANAM"),
    "Visakhapatnam": ("AP", "VISAKHAPATANAM"), "Vijayawada": ("AP", "NTR"),
    "Pondicherry": ("PY", "PONDICHERRY"), "Puducherry": ("PY", "PONDICHERRY"),
    "Kavaratti": ("LD", "LAKSHADWEEP DISTRICT"), "Lakshadweep": ("LD", "LAKSHADWEEP DISTRICT"),
    # West
    "Ahmedabad": ("GJ", "AHMADABAD"), "Baroda": ("GJ", "VADODARA"),
    "Silvassa": ("DH", "DADRA AND NAGAR HAVELI"), "Panaji": ("GA", "NORTH GOA"),
    "Panjim": ("GA", "NORTH GOA"), "Margao": ("GA", "SOUTH GOA"),
    "Leh": ("LA", "LEH LADAKH"), "Chandigarh": ("CH", "CHANDIGARH"),
}

#: States and UTs carved out of another, and when: an old address may still name the parent
#: ("Leh, Jammu and Kashmir"; "Hyderabad, Andhra Pradesh").
SPLIT_FROM: dict[str, tuple[str, int]] = {
    "LA": ("JK", 2019), "TS": ("AP", 2014), "UK": ("UP", 2000), "CG": ("MP", 2000),
    "JH": ("BR", 2000),
}

#: District names too common as ordinary words or directions to be trusted when they merely
#: appear in free text ("South Extension", "Anand Vihar"); they still resolve when given as
#: the district or city of an address.
AMBIGUOUS_IN_TEXT: frozenset[str] = frozenset({
    "EAST", "WEST", "NORTH", "SOUTH", "CENTRAL", "NORTH EAST", "NORTH WEST", "SOUTH EAST",
    "SOUTH WEST", "ANAND", "SAGAR", "MON", "UNA", "DHAR", "MAU", "NUH", "PALI", "NTR",
    "MANDI", "KOREA", "DANG", "GUNA", "PANNA", "BANDA", "NADIA", "BID", "DELHI",
    "KRISHNA", "AMBEDKAR NAGAR",
})

_SUFFIXES = (" DISTRICT", " DIST", " DT", " CITY", " ZILLA", " JILLA")
_PREFIXES = ("DISTRICT ", "DIST ", "DT ")
_MAX_WORDS = 6


@lru_cache(maxsize=1)
def _state_table() -> dict[str, str]:
    """Folded state name, code or alias -> ISO 3166-2:IN code without "IN-"."""
    table: dict[str, str] = {}
    for code, name in STATE_NAMES.items():
        table[fold(name)] = code
        table[code] = code
        table[f"IN {code}"] = code
    for code, name in PINCODE_STATE_NAMES.items():
        table[fold(name)] = code
    for code, aliases in STATE_ALIASES.items():
        for alias in aliases:
            table.setdefault(fold(alias), code)
            table.setdefault(f"IN {fold(alias)}", code)
    return table


def pincode_state_name(code: str) -> str:
    """The name `indian-pincode` gives a state (upper-case), e.g. "MAHARASHTRA"."""
    return PINCODE_STATE_NAMES.get(code, STATE_NAMES[code]).upper()


@lru_cache(maxsize=1)
def _district_table() -> dict[str, dict[str, str]]:
    """State code -> folded district name or alias -> district as indian-pincode spells it."""
    table: dict[str, dict[str, str]] = {}
    for code in STATE_NAMES:
        table[code] = {fold(d): d for d in indian_pincode.list_districts(pincode_state_name(code))}
    for alias, (code, district) in CITY_ALIASES.items():
        table[code].setdefault(fold(alias), district)
    return table


@lru_cache(maxsize=1)
def _district_index() -> dict[str, tuple[tuple[str, str], ...]]:
    """Folded district name or alias -> every (state, district) it can mean in India."""
    index: dict[str, list[tuple[str, str]]] = {}
    for code, names in _district_table().items():
        for folded, district in names.items():
            index.setdefault(folded, []).append((code, district))
    return {k: tuple(v) for k, v in index.items()}


def state_code(text: str) -> str | None:
    """The state or UT a name, code or alias means ("Orissa" -> "OD", "IN-MH" -> "MH")."""
    folded = fold(text or "")
    if not folded:
        return None
    return _state_table().get(folded)


#: Ways an address or a geolocation service writes India.
INDIA_NAMES: frozenset[str] = frozenset({"IN", "IND", "INDIA", "BHARAT", "REPUBLIC OF INDIA"})


@lru_cache(maxsize=1024)
def country_code(text: str) -> str | None:
    """ISO 3166-1 alpha-2 code of a country name or code ("India", "IND", "in" -> "IN");
    None when empty or unknown."""
    folded = fold(text or "")
    if not folded:
        return None
    if folded in INDIA_NAMES:
        return "IN"
    try:
        country = pycountry.countries.lookup(text.strip())
    except LookupError:
        try:
            country = pycountry.countries.search_fuzzy(text.strip())[0]
        except LookupError:
            return None
    return str(country.alpha_2)


def state_code_of_pincode_name(name: str | None) -> str | None:
    """ISO code of a state as `indian-pincode` names it ("THE DADRA AND ..." -> "DH")."""
    return state_code(name) if name else None


def _variants(folded: str) -> list[str]:
    """The name as written, then without "district"/"city" words around it."""
    out = [folded]
    for suffix in _SUFFIXES:
        if folded.endswith(suffix):
            out.append(folded[: -len(suffix)])
    for prefix in _PREFIXES:
        if folded.startswith(prefix):
            out.append(folded[len(prefix):])
    return out


def district_of(state: str | None, text: str) -> str | None:
    """The district a district or city name means within a state, as indian-pincode spells
    it ("Bombay" -> "MUMBAI"). With no state, only a name that means one district in India
    resolves ("Aurangabad" needs its state)."""
    for folded in _variants(fold(text or "")):
        if not folded:
            continue
        if state:
            found = _district_table().get(state, {}).get(folded)
            if found:
                return found
        else:
            places = _district_index().get(folded, ())
            if len(places) == 1:
                return places[0][1]
    return None


def districts_named(text: str) -> tuple[tuple[str, str], ...]:
    """Every (state, district) a district or city name can mean in India."""
    for folded in _variants(fold(text or "")):
        places = _district_index().get(folded)
        if places:
            return places
    return ()


def _initials(phrase: str) -> bool:
    """A code or initialism ("MH", "U P"): too easily a house number or initial in text."""
    return all(len(word) <= 2 for word in phrase.split())


@lru_cache(maxsize=1)
def _longest_from() -> dict[str, int]:
    """First word of a state or district name -> the most words (up to `_MAX_WORDS`) of a
    name that starts with it, for `find_places`."""
    longest: dict[str, int] = {}
    for name in (*_state_table(), *_district_index()):
        words = name.split()
        if words and len(words) <= _MAX_WORDS:
            longest[words[0]] = max(longest.get(words[0], 0), len(words))
    return longest


def find_places(text: str) -> list[tuple[str, str | None]]:
    """States and districts named in free text, in the order they appear.

    A district or city gives (state, district); a state named without any of its districts
    gives (state, None). A name that is a district in several states ("Aurangabad") gives one
    pair per state unless the text also names one of those states. Two-letter codes and
    district names that are ordinary words are not trusted in free text.
    """
    words = fold(text or "").split()
    states: list[str] = []
    districts: list[tuple[str, str]] = []
    state_table, district_index, longest = _state_table(), _district_index(), _longest_from()
    i = 0
    while i < len(words):
        # only phrases that start with the first word of some name can be one
        for n in range(min(longest.get(words[i], 0), len(words) - i), 0, -1):
            phrase = " ".join(words[i: i + n])
            code = state_table.get(phrase)
            if code and _initials(phrase):
                code = None
            places = district_index.get(phrase, ()) if phrase not in AMBIGUOUS_IN_TEXT else ()
            if code and code not in states:
                states.append(code)
            if places:
                districts.extend(p for p in places if p not in districts)
            if code or places:
                i += n
                break
        else:
            i += 1
    named = set(states)
    if named:
        # a district name shared by several states: keep those in a state the text names
        kept: list[tuple[str, str]] = []
        for place in districts:
            rivals = [p for p in districts if p[1] == place[1]]
            if len(rivals) > 1 and place[0] not in named and any(r[0] in named for r in rivals):
                continue
            kept.append(place)
        districts = kept
    out: list[tuple[str, str | None]] = list(districts)
    covered = {s for s, _ in districts}
    out.extend((s, None) for s in states if s not in covered)
    return out
