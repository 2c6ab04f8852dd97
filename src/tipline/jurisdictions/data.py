"""Reference data for the jurisdiction tree, from packages that ship it (offline)."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

#: ISO 3166-2:IN code -> the name `indian-pincode` uses for the state.
STATE_NAMES: dict[str, str] = {
    "AN": "Andaman and Nicobar Islands", "AP": "Andhra Pradesh", "AR": "Arunachal Pradesh",
    "AS": "Assam", "BR": "Bihar", "CH": "Chandigarh", "CG": "Chhattisgarh",
    "DH": "Dadra and Nagar Haveli and Daman and Diu", "DL": "Delhi", "GA": "Goa",
    "GJ": "Gujarat", "HP": "Himachal Pradesh", "HR": "Haryana", "JH": "Jharkhand",
    "JK": "Jammu and Kashmir", "KA": "Karnataka", "KL": "Kerala", "LA": "Ladakh",
    "LD": "Lakshadweep", "MH": "Maharashtra", "ML": "Meghalaya", "MN": "Manipur",
    "MP": "Madhya Pradesh", "MZ": "Mizoram", "NL": "Nagaland", "OD": "Odisha", "PB": "Punjab",
    "PY": "Puducherry", "RJ": "Rajasthan", "SK": "Sikkim", "TN": "Tamil Nadu", "TR": "Tripura",
    "TS": "Telangana", "UK": "Uttarakhand", "UP": "Uttar Pradesh", "WB": "West Bengal",
}

#: Where `indian-pincode` names a state differently from STATE_NAMES (its list_states()).
PINCODE_STATE_NAMES: dict[str, str] = {
    "DH": "The Dadra and Nagar Haveli and Daman and Diu",
}

#: Old codes and names accepted for each state (ISO changes, pre-2019 names, common forms).
STATE_ALIASES: dict[str, list[str]] = {
    "CG": ["CT", "Chhatisgarh"], "TS": ["TG"], "OD": ["OR", "Orissa"], "UK": ["UT", "Uttaranchal"],
    "DH": ["DN", "DD", "Dadra and Nagar Haveli", "Daman and Diu"],
    "DL": ["NCT of Delhi", "New Delhi", "National Capital Territory of Delhi"],
    "JK": ["Jammu & Kashmir", "J&K"], "PY": ["Pondicherry"], "AN": ["Andaman & Nicobar"],
    "KA": ["Mysore"], "TN": ["Madras State"],
}

#: Common spellings and abbreviations seen in addresses, added to STATE_ALIASES.
for _code, _spellings in {
    "MH": ["Maharastra", "Maharashtra State"], "GJ": ["Gujrat"], "UP": ["U.P."],
    "WB": ["W.B.", "Bengal"], "TN": ["Tamilnadu"], "MP": ["M.P."], "AP": ["A.P."],
    "HP": ["H.P."], "DH": ["DNH&DD", "DNHDD"], "AN": ["A&N Islands", "Andaman"],
    "CG": ["Chattisgarh", "Chhattisgarh State"], "OD": ["Orrisa"], "TS": ["Telengana"],
    "PY": ["Pondichery", "Puduchery"], "UK": ["Uttarakhand State"],
}.items():
    STATE_ALIASES.setdefault(_code, []).extend(_spellings)


#: ASCII punctuation -> a space, "&" -> " AND " (the ASCII case of `fold`, without
#: decomposing: plain ASCII has no diacritics)
_ASCII_FOLD = {c: " " for c in range(128) if not chr(c).isalnum()} | {ord("&"): " AND "}


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Upper-case, without diacritics or punctuation: the form names are compared in."""
    if text.isascii():
        return " ".join(text.upper().translate(_ASCII_FOLD).split())
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = plain.replace("&", " AND ")
    kept = "".join(c if c.isalnum() else " " for c in plain.upper())
    return " ".join(kept.split())


#: First digit of a PIN -> the states and UTs of that postal zone (9 is the Army Postal
#: Service, which says nothing about where anyone lives).
PIN_ZONES: dict[str, frozenset[str]] = {
    "1": frozenset({"DL", "HR", "PB", "HP", "JK", "CH", "LA"}),
    "2": frozenset({"UP", "UK"}),
    "3": frozenset({"RJ", "GJ", "DH"}),
    "4": frozenset({"MH", "MP", "CG", "GA"}),
    "5": frozenset({"AP", "TS", "KA"}),
    "6": frozenset({"TN", "KL", "PY", "LD"}),
    "7": frozenset({"WB", "OD", "AR", "AS", "MN", "ML", "MZ", "NL", "TR", "AN", "SK"}),
    "8": frozenset({"BR", "JH"}),
    "9": frozenset(),
}


def zone_agrees(pin: str, state: str) -> bool:
    """Whether a state is in the postal zone the PIN's first digit names."""
    return state in PIN_ZONES.get(pin[:1], frozenset())
