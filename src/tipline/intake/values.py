"""Parsing and normalising the loose values senders put in reports.

Everything here either returns a clean value or raises `BadValue` with a message a person
can act on; "N/A", empty strings and lists-where-one-value-was-expected are tolerated.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any, TypeVar

import phonenumbers
from django.conf import settings

from tipline.core.errors import RejectedInput

EMPTY = {"", "n/a", "na", "none", "null", "unknown", "-"}


class BadValue(RejectedInput):
    """A field's value can't be understood."""


_limits: dict[str, int] = {}


#: CyberTipline incident types, as NCMEC's schema names them (cyber_tipline.xsd).
INCIDENT_TYPES: tuple[str, ...] = (
    "Child Pornography (possession, manufacture, and distribution)",
    "Child Sex Trafficking",
    "Child Sex Tourism",
    "Child Sexual Molestation",
    "Misleading Domain Name",
    "Misleading Words or Digital Images on the Internet",
    "Online Enticement of Children for Sexual Acts",
    "Unsolicited Obscene Material Sent to a Child",
)
#: other spellings met in senders' data -> the schema's
_INCIDENT_SPELLINGS = {
    "Online Enticement of Children for Sexual Act": "Online Enticement of Children for Sexual Acts",
}


def incident_type(value: str) -> str:
    """An incident type in the schema's spelling (other known spellings folded into it);
    anything else as given, trimmed (the XML importer refuses what is not a type)."""
    value = value.strip()
    return _INCIDENT_SPELLINGS.get(value, value)


def _field_limit() -> int:
    if "max" not in _limits:
        _limits["max"] = int(settings.MAX_FIELD_CHARS)
    return _limits["max"]


def limits_reset() -> None:
    """Forget cached limits (tests that change settings call this)."""
    _limits.clear()


def text(value: Any, *, field: str, limit: int | None = None) -> str:
    """A clean string: lists collapse to their first item, 'N/A' to ''."""
    if type(value) is str:
        value = value.strip()
        if len(value) < 5 and value.lower() in EMPTY:
            return ""
        if len(value) > (limit or _field_limit()):
            raise BadValue(f"{field}: {len(value)} characters, more than the limit of "
                           f"{limit or _field_limit()}")
        if "\x00" in value:
            raise BadValue(f"{field}: contains a NUL character")
        return value
    for _ in range(2):  # [x], {"value": x}, {"value": [x]}, [{"value": x}]
        if isinstance(value, list):
            value = next((v for v in value if v not in (None, "")), "")
        if isinstance(value, dict):
            value = value.get("value", "")
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        value = str(value)
    if not isinstance(value, str):
        raise BadValue(f"{field}: expected text, got {type(value).__name__}")
    value = value.strip()
    if value.lower() in EMPTY:
        return ""
    maximum = limit or _field_limit()
    if len(value) > maximum:
        raise BadValue(f"{field}: {len(value)} characters, more than the limit of {maximum}")
    if "\x00" in value:
        raise BadValue(f"{field}: contains a NUL character")
    return value


def texts(value: Any, *, field: str) -> list[str]:
    """A list of clean strings from a string, a list, or {value} objects."""
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        cleaned = text(item, field=field)
        if cleaned and cleaned not in out:
            out.append(cleaned)
    return out


_US_FORMATS = ("%m-%d-%Y %H:%M:%S", "%m/%d/%Y %H:%M:%S", "%m-%d-%Y %H:%M", "%m/%d/%Y %H:%M",
               "%m-%d-%Y", "%m/%d/%Y")
_TZ_SUFFIX = re.compile(r"\s*(UTC|GMT|Z)$", re.IGNORECASE)


def when(value: Any, *, field: str) -> datetime | None:
    """An aware datetime from ISO 8601 (with or without offset: UTC assumed) or US month-first."""
    raw = text(value, field=field, limit=100)
    if not raw:
        return None
    candidate = _TZ_SUFFIX.sub("", raw) if not raw.endswith("Z") else raw[:-1] + "+00:00"
    parsed: datetime | None
    try:
        parsed = datetime.fromisoformat(candidate)
    except ValueError:
        parsed = None
        for fmt in _US_FORMATS:
            try:
                parsed = datetime.strptime(_TZ_SUFFIX.sub("", raw), fmt)
                break
            except ValueError:
                continue
        if parsed is None:
            raise BadValue(f"{field}: {raw[:60]!r} is not a date and time") from None
    assert parsed is not None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    if not 1970 <= parsed.year <= 2100:
        raise BadValue(f"{field}: year {parsed.year} is out of range")
    return parsed.astimezone(UTC)


def day(value: Any, *, field: str) -> date | None:
    moment = text(value, field=field, limit=40)
    if not moment:
        return None
    for fmt in ("%Y-%m-%d", "%m-%d-%Y", "%m/%d/%Y", "%d/%m/%Y"):
        try:
            parsed = datetime.strptime(moment[:10], fmt).date()
        except ValueError:
            continue
        if not 1900 <= parsed.year <= 2100:
            raise BadValue(f"{field}: year {parsed.year} is out of range")
        return parsed
    raise BadValue(f"{field}: {moment[:40]!r} is not a date")


N = TypeVar("N", int, float)


def _number(value: Any, *, field: str, limit: int, parse: Callable[[str], N], what: str,
            low: float, high: float) -> N | None:
    """A number read from text by `parse`, within low..high; None when not given."""
    raw = text(value, field=field, limit=limit)
    if not raw:
        return None
    try:
        number = parse(raw)
    except ValueError:
        raise BadValue(f"{field}: {raw!r} is not {what}") from None
    if not low <= number <= high:
        raise BadValue(f"{field}: {number} is outside {low}..{high}")
    return number


def _whole_number(raw: str) -> int:
    return int(float(raw)) if re.fullmatch(r"-?\d+(\.0+)?", raw) else int(raw)


def whole(value: Any, *, field: str, low: int = 0, high: int = 2**31 - 1) -> int | None:
    return _number(value, field=field, limit=20, parse=_whole_number, what="a whole number",
                   low=low, high=high)


def flag(value: Any, *, field: str) -> bool | None:
    if isinstance(value, bool):
        return value
    raw = text(value, field=field, limit=10).lower()
    if not raw:
        return None
    if raw in {"true", "yes", "y", "1"}:
        return True
    if raw in {"false", "no", "n", "0"}:
        return False
    raise BadValue(f"{field}: {raw!r} is not true or false")


def decimal(value: Any, *, field: str, low: float, high: float) -> float | None:
    return _number(value, field=field, limit=40, parse=float, what="a number", low=low, high=high)


def latitude(value: Any, *, field: str) -> float | None:
    return decimal(value, field=field, low=-90, high=90)


def longitude(value: Any, *, field: str) -> float | None:
    return decimal(value, field=field, low=-180, high=180)


def ip(value: Any, *, field: str) -> str | None:
    raw = text(value, field=field, limit=60)
    if not raw:
        return None
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        raise BadValue(f"{field}: {raw!r} is not an IP address") from None


def email(value: str) -> str:
    return value.strip().lower()


_INDIAN_MOBILE = re.compile(r"^(?:\+?91|0)?([6-9]\d{9})$")


def phone(value: str, *, region: str = "IN") -> str:
    """E.164 when the number parses as valid, else the digits as given."""
    compact = re.sub(r"[\s().-]", "", value)
    if region == "IN" and (match := _INDIAN_MOBILE.match(compact)):
        return f"+91{match.group(1)}"
    try:
        parsed = phonenumbers.parse(value, region)
        if phonenumbers.is_valid_number(parsed):
            return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    except phonenumbers.NumberParseException:
        pass
    return re.sub(r"[^\d+]", "", value) or value


def phone_e164(value: str, *, region: str = "IN") -> str | None:
    """E.164 if the number is a valid one (ten digits: an Indian number), else None: for
    a number someone types in to be reached at, where `phone`'s "digits as given" won't do."""
    found = phone(value, region=region)
    try:
        return found if phonenumbers.is_valid_number(phonenumbers.parse(found, None)) else None
    except phonenumbers.NumberParseException:
        return None


def strict_utf8(data: bytes, *, what: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RejectedInput(f"{what}: not valid UTF-8 (byte {exc.start})") from None
