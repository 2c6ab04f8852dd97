"""Small invented values of the demo export: its time window and NCMEC's time formats, phone
numbers, IP addresses, and the "N/A" or empty value a field sometimes has instead."""

from __future__ import annotations

import ipaddress
import random
from datetime import UTC, datetime, timedelta
from typing import Any

from tipline.demo import data as ref

#: the export's window: India's first five months (reports are received in it)
START = datetime(2019, 8, 23, 0, 0, 0, tzinfo=UTC)
END = datetime(2020, 1, 23, 23, 59, 59, tzinfo=UTC)
#: US Eastern daylight time ended on this instant in 2019 (NCMEC is in Virginia).
DST_END = datetime(2019, 11, 3, 6, 0, 0, tzinfo=UTC)


def iso_eastern(t: datetime) -> str:
    """`t` in ISO 8601 at US Eastern time, with its offset (as NCMEC writes most times)."""
    offset = timedelta(hours=-4 if t < DST_END else -5)
    local = (t + offset).replace(tzinfo=None)
    sign = "-04:00" if t < DST_END else "-05:00"
    return local.strftime("%Y-%m-%dT%H:%M:%S") + sign


def time_text(t: datetime, rng: random.Random, *, us_share: float = 0.2) -> str:
    """`t` in one of the export's three time formats (US, ISO UTC, ISO Eastern)."""
    r = rng.random()
    if r < us_share:
        return t.strftime("%m-%d-%Y %H:%M:%S UTC")
    if r < us_share + 0.15:
        return t.strftime("%Y-%m-%dT%H:%M:%SZ")
    return iso_eastern(t)


def utc_text(t: datetime, rng: random.Random) -> str:
    """`t` in UTC, as an IP capture's time: ISO mostly, now and then the US format."""
    if rng.random() < 0.1:
        return t.strftime("%m-%d-%Y %H:%M:%S UTC")
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def phone_digits(rng: random.Random) -> str:
    """An invented ten-digit Indian mobile number (98xxxxxxxx)."""
    return "98" + "".join(str(rng.randint(0, 9)) for _ in range(8))


def phone_format(digits: str, rng: random.Random) -> str:
    """The number as a platform's form may have stored it (+91, dashes, a leading 0...)."""
    r = rng.random()
    if r < 0.6:
        return "+91" + digits
    if r < 0.7:
        return f"+91-{digits[:5]}-{digits[5:]}"
    if r < 0.8:
        return "0" + digits
    if r < 0.9:
        return digits
    return f"+91 {digits[:5]} {digits[5:]}"


def ip_in(cidr: str, rng: random.Random) -> str:
    """An address inside the block `cidr` (IPv4: never the .0 or .255 of its /24)."""
    first, count, version = ref.network(cidr)
    if version == 4:
        offset = rng.randrange(1, count - 1)
        value = first + offset
        if value & 0xFF in (0, 255):
            value = (value & ~0xFF) | rng.randint(1, 254)
        return str(ipaddress.IPv4Address(value))
    return str(ipaddress.IPv6Address(first + rng.randrange(1, count)))


def maybe(value: Any, rng: random.Random, p_na: float = 0.04, p_empty: float = 0.04) -> Any:
    """`value`, or now and then "N/A" or "" in its place, as real exports have."""
    r = rng.random()
    if r < p_na:
        return "N/A"
    if r < p_na + p_empty:
        return ""
    return value
