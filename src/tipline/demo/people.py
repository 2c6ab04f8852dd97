"""People in the demo export: an invented suspect's identity (names, handles, e-mail, phone,
platform account, ISP and IPs, the files they upload), how a report describes a suspect, and
the intended recipients."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tipline.demo import data as ref
from tipline.demo.places import Place, address
from tipline.demo.values import ip_in, maybe, phone_digits, phone_format, utc_text

#: (ip, when, event name, port) of one IP capture
IpEvent = tuple[str, datetime, str, int]


@dataclass
class Identity:
    """One invented suspect, the same in every report that names them."""

    first: str
    last: str
    email: str
    phone: str  # 10 digits
    screen_name: str
    platform: ref.Platform
    esp_user_id: str
    service: str
    isp: ref.Isp
    ips: list[str]
    images: list[int]  # indexes into the pool
    dob: str | None
    age: str | None


def _name(state: str, rng: random.Random) -> tuple[str, str]:
    pool = "any" if rng.random() < 0.15 else ref.STATE_BY_CODE[state].names if state else "north"
    firsts, lasts = ref.NAMES[pool]
    return rng.choice(firsts), rng.choice(lasts)


def _handle(first: str, last: str, rng: random.Random) -> str:
    return rng.choice(
        [
            f"{first.lower()}{last.lower()}{rng.randint(1, 9999)}",
            f"{first.lower()}_{rng.randint(10, 99)}",
            f"{first[0].lower()}{last.lower()}.{rng.randint(1, 999)}",
            f"the_{last.lower()}_{rng.randint(100, 9999)}",
        ]
    ).replace("'", "")


def _esp_user_id(platform: ref.Platform, phone: str, handle: str, rng: random.Random) -> str:
    """The account id in the platform's own style (long or short number, phone, hex, handle)."""
    if platform.id_style == "long":
        return str(rng.randint(100_000_000_000_000, 100_099_999_999_999))
    if platform.id_style == "short":
        return str(rng.randint(10_000_000, 999_999_999))
    if platform.id_style == "phone":
        return "91" + phone
    if platform.id_style == "hex":
        return f"{rng.getrandbits(64):016x}"
    return handle


def _birth(rng: random.Random) -> tuple[str | None, str | None]:
    """A date of birth (in one of two formats) or an approximate age, or neither."""
    if rng.random() < 0.3:
        dob_t = datetime(1975, 1, 1) + timedelta(days=rng.randint(0, 365 * 26))
        dob = dob_t.strftime("%Y-%m-%d") if rng.random() < 0.7 else dob_t.strftime("%m-%d-%Y")
        return dob, None
    if rng.random() < 0.25:
        return None, str(rng.randint(18, 45))
    return None, None


def identity(state: str, rng: random.Random, pool_pick: Callable[[random.Random], int]) -> Identity:
    """An invented suspect from `state` (names from its region); `pool_pick` picks an image."""
    first, last = _name(state, rng)
    platform = rng.choices(ref.PLATFORMS, weights=[p.weight for p in ref.PLATFORMS])[0]
    phone = phone_digits(rng)
    handle = _handle(first, last, rng)
    email = f"{handle.replace('_', '.')}@{rng.choice(ref.EMAIL_DOMAINS)}"
    user_id = _esp_user_id(platform, phone, handle, rng)
    isp = rng.choices(ref.ISPS, weights=[i.weight for i in ref.ISPS])[0]
    ips = [pick_ip(isp, rng) for _ in range(rng.randint(1, 2))]
    dob, age = _birth(rng)
    service = rng.choice(platform.services)
    images = [pool_pick(rng) for _ in range(rng.randint(1, 3))]
    return Identity(
        first, last, email, phone, handle, platform, user_id, service, isp, ips, images, dob, age
    )


def pick_ip(isp: ref.Isp, rng: random.Random) -> str:
    """An address of the ISP's (IPv6 now and then, when it has any)."""
    if isp.v6 and rng.random() < 0.18:
        return ip_in(rng.choice(isp.v6), rng)
    return ip_in(rng.choice(isp.v4), rng)


def suspect_json(
    ident: Identity,
    rng: random.Random,
    ip_events: list[IpEvent],
    place: Place | None,
    *,
    recurring: bool,
) -> dict[str, Any]:
    """The suspect as one report describes them (a recurring suspect keeps at least one shared
    identifier in every report)."""
    keep = {"email", "phone", "screen"}
    if recurring and rng.random() < 0.3:
        keep.discard(rng.choice(sorted(keep)))
    person: dict[str, Any] = {
        "firstName": maybe(ident.first, rng, 0.08, 0.05),
        "lastName": maybe(ident.last, rng, 0.08, 0.08),
    }
    if ident.dob:
        person["dateOfBirth"] = ident.dob
    if ident.age:
        person["approximateAge"] = ident.age
    if "screen" in keep or rng.random() < 0.5:
        person["screenName"] = {"value": ident.screen_name}
    person["espUserId"] = ident.esp_user_id
    person["espService"] = ident.service
    if "email" in keep and rng.random() < (1.0 if recurring else 0.85):
        person["emails"] = {"emails": _emails(ident, rng)}
    if "phone" in keep and rng.random() < (1.0 if recurring else 0.75):
        person["phones"] = {"phones": _phones(ident, rng)}
    if place is not None:
        person["addresses"] = {"addresses": [address(place, rng)]}
    elif rng.random() < 0.2:
        person["addresses"] = {"addresses": []}
    person["sourceInformation"] = {"sourceCaptures": _captures(ident, rng, ip_events)}
    return person


def _emails(ident: Identity, rng: random.Random) -> list[dict[str, str]]:
    emails = [{"value": ident.email, "verified": rng.choice(["true", "false", ""])}]
    if rng.random() < 0.08:
        emails.append(
            {
                "value": f"alt.{ident.screen_name.replace('_', '.')}"
                f"@{rng.choice(ref.EMAIL_DOMAINS)}",
                "verified": "false",
            }
        )
    return emails


def _phones(ident: Identity, rng: random.Random) -> list[dict[str, str]]:
    phones = [
        {
            "value": phone_format(ident.phone, rng),
            "verified": rng.choice(["true", "false"]),
        }
    ]
    if rng.random() < 0.05:
        phones.append({"value": phone_format(phone_digits(rng), rng), "verified": "false"})
    return phones


def _captures(
    ident: Identity, rng: random.Random, ip_events: list[IpEvent]
) -> list[dict[str, Any]]:
    """The suspect's IP captures (logins and such) and, often, their profile's URL."""
    captures: list[dict[str, Any]] = [
        {
            "captureType": "IP Address",
            "value": ip,
            "dateTime": utc_text(when, rng),
            "eventName": event,
            "port": str(port) if rng.random() < 0.85 else "",
        }
        for ip, when, event, port in ip_events
    ]
    if rng.random() < 0.6:
        captures.append(
            {
                "captureType": "Profile URL",
                "value": f"https://{ident.platform.slug}.example/u/{ident.esp_user_id}",
            }
        )
    return captures


def recipient_json(rng: random.Random, slug: str) -> dict[str, Any]:
    """An intended recipient: an account on the same platform, no name, often a minor's age."""
    handle = f"user{rng.randint(1000, 999999)}"
    return {
        "firstName": "",
        "lastName": "",
        "approximateAge": rng.choice(["", "", "14", "15", "16", "N/A"]),
        "screenName": {"value": handle},
        "espUserId": str(rng.randint(10_000_000, 999_999_999)),
        "sourceInformation": {
            "sourceCaptures": [
                {"captureType": "Profile URL", "value": f"https://{slug}.example/u/{handle}"}
            ]
        },
    }
