"""The blind indexes of intake's encrypted values: what linking, search and hash matching
compare instead of the values (core.fields.index_of, a keyed HMAC).

Each kind of value has its own purpose, so an email's index never equals a phone's. Values
are indexed as the importers normalise them (emails lower case, phones E.164, IPs as
`ipaddress` writes them, hashes lower-case hex); a lookup normalises the same way.
"""

from __future__ import annotations

import ipaddress

from tipline.core.fields import index_of


def identifier_index(kind: str, value: str) -> str:
    """The index of an Identifier's value (`kind` one of Identifier.Kind)."""
    return index_of(value, purpose=f"identifier.{kind}")


def ip_index(ip: str) -> str:
    """The index of an IP address (IpEvent.ip_index); "" for none."""
    if not ip:
        return ""
    try:
        ip = str(ipaddress.ip_address(ip.strip()))
    except ValueError:
        ip = ip.strip().lower()
    return index_of(ip, purpose="ip")


def file_hash_index(algorithm: str, digest: str) -> str:
    """The index of a file's md5, sha1 or sha256 hex digest (ReportFile.*_index)."""
    return index_of(digest.strip().lower(), purpose=f"file.{algorithm}") if digest else ""
