"""A host's network: its autonomous system number and organisation, from a local MaxMind
ASN database (GeoLite2-ASN or GeoIP2-ISP format, read with `geoip2`'s `Reader.asn`).

The database is TIPLINE_ASN_DB; nothing is looked up on the network. Without it a finding
has no ASN (the notices fall back to the host's own contact), and `tipline doctor` says so
once (`check_asn_database`). The file is reopened when it changes (a monthly update).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import geoip2.database
import geoip2.errors
from django.conf import settings

from tipline.core.doctor import Checkup, Finding, doctor_check_register


@dataclass(frozen=True)
class Network:
    """The autonomous system an address is announced from."""

    asn: int
    org: str


_LOCK = threading.Lock()
_READERS: dict[tuple[str, float], geoip2.database.Reader] = {}


def asn_database() -> Path | None:
    """The ASN database file, when TIPLINE_ASN_DB names one that exists."""
    name = str(settings.ASN_DB or "").strip()
    if not name:
        return None
    path = Path(name)
    return path if path.is_file() else None


def _reader(path: Path) -> geoip2.database.Reader:
    key = (str(path), path.stat().st_mtime)
    with _LOCK:
        reader = _READERS.get(key)
        if reader is None:
            for old in [k for k in _READERS if k[0] == key[0]]:
                _READERS.pop(old).close()
            reader = _READERS[key] = geoip2.database.Reader(str(path))
        return reader


def asn_reader_cache_clear() -> None:
    """Close the open databases (tests, after replacing the file)."""
    with _LOCK:
        for reader in _READERS.values():
            reader.close()
        _READERS.clear()


def asn_lookup(ip: str) -> Network | None:
    """The network `ip` belongs to; None without a database, for an address it does not
    hold, or for something that is not an address."""
    path = asn_database()
    if path is None or not ip:
        return None
    try:
        found = _reader(path).asn(ip)
    except (geoip2.errors.AddressNotFoundError, ValueError, OSError):
        return None
    if found.autonomous_system_number is None:
        return None
    return Network(int(found.autonomous_system_number),
                   str(found.autonomous_system_organization or "")[:300])


def check_asn_database(checkup: Checkup) -> list[Finding]:
    """Without an ASN database the trawler's findings name no hosting network."""
    name = str(settings.ASN_DB or "").strip()
    if not name:
        return [Finding("no ASN database: the trawler's findings and notices name no hosting "
                        "network (set TIPLINE_ASN_DB to a GeoLite2-ASN .mmdb file)",
                        unsafe=False)]
    if asn_database() is None:
        return [Finding(f"the ASN database {name} (TIPLINE_ASN_DB) is missing: the trawler's "
                        "findings name no hosting network", unsafe=False)]
    try:
        _reader(Path(name))
    except (OSError, ValueError, RuntimeError) as exc:  # RuntimeError: not a MaxMind file
        return [Finding(f"the ASN database {name} cannot be read: {exc}", unsafe=False)]
    return []


doctor_check_register("asn database", check_asn_database)
