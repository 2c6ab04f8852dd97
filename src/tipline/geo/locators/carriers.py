"""Indian mobile carriers that put many subscribers behind one address (carrier-grade NAT).

An address of theirs names a subscriber only together with the source port and the exact
time, which is what the hub must ask the carrier for; its place is the carrier's gateway,
often in another city or state. The IP locator lowers its confidence for these.
"""

from __future__ import annotations

from tipline.jurisdictions.data import fold

#: autonomous system number -> carrier
CGNAT_CARRIER_ASNS: dict[int, str] = {
    55836: "Reliance Jio", 64049: "Reliance Jio",
    24560: "Bharti Airtel", 45609: "Bharti Airtel", 9498: "Bharti Airtel",
    55410: "Vodafone Idea", 38266: "Vodafone Idea", 45271: "Vodafone Idea",
    9829: "BSNL",
}

#: folded word sequences found in an ISP or organisation name -> carrier
CGNAT_CARRIER_NAMES: dict[str, str] = {
    "RELIANCE JIO": "Reliance Jio", "JIO": "Reliance Jio",
    "BHARTI AIRTEL": "Bharti Airtel", "AIRTEL": "Bharti Airtel",
    "VODAFONE IDEA": "Vodafone Idea", "VODAFONE": "Vodafone Idea",
    "IDEA CELLULAR": "Vodafone Idea",
    "BSNL": "BSNL", "BHARAT SANCHAR NIGAM": "BSNL",
}


def cgnat_carrier(*, asn: int | None, names: tuple[str | None, ...] = ()) -> str | None:
    """The CGNAT carrier an address belongs to, by ASN or by ISP/organisation name."""
    if asn is not None and asn in CGNAT_CARRIER_ASNS:
        return CGNAT_CARRIER_ASNS[asn]
    for name in names:
        if not name:
            continue
        padded = f" {fold(name)} "
        for words, carrier in CGNAT_CARRIER_NAMES.items():
            if f" {words} " in padded:
                return carrier
    return None
