"""tipline locate: run geo-resolution on given clues and print the answer."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tipline.geo.locators import AddressClue, Clues, IpClue
from tipline.geo.resolution import resolve


def _latlon(text: str) -> tuple[float, float]:
    try:
        lat, lon = (float(x) for x in text.split(","))
    except ValueError:
        raise CommandError(f"--latlon takes LAT,LON, got {text!r}") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise CommandError(f"--latlon {text}: out of range")
    return lat, lon


class Command(BaseCommand):
    help = ("Resolve a location from clues (IP with port and time, PIN, coordinates, address "
            "text, phone) as the report pipeline does, and explain the answer.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--ip", action="append", default=[], help="IPv4 or IPv6 address")
        parser.add_argument("--port", type=int, help="source port of the IP event")
        parser.add_argument("--time", help="UTC time of the IP event, ISO 8601")
        parser.add_argument("--pin", action="append", default=[], help="6-digit PIN code")
        parser.add_argument("--latlon", action="append", default=[], help="LAT,LON")
        parser.add_argument("--address", action="append", default=[], help="address text")
        parser.add_argument("--phone", action="append", default=[], help="phone number")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **o: Any) -> None:
        at = None
        if o["time"]:
            try:
                at = datetime.fromisoformat(o["time"].replace("Z", "+00:00"))
            except ValueError:
                raise CommandError(f"--time {o['time']!r} is not an ISO 8601 time") from None
        clues = Clues(
            ips=tuple(IpClue(ip=ip, port=o["port"], at=at) for ip in o["ip"]),
            gps=tuple(_latlon(t) for t in o["latlon"]),
            pins=tuple(o["pin"]),
            addresses=tuple(AddressClue(street=a) for a in o["address"]),
            phones=tuple(o["phone"]),
        )
        if not any([clues.ips, clues.gps, clues.pins, clues.addresses, clues.phones]):
            raise CommandError("give at least one clue: --ip, --pin, --latlon, --address, --phone")
        result = resolve(clues)
        if o["json"]:
            self.stdout.write(json.dumps(result.as_json(), default=str, indent=2))
            return
        place = ", ".join(p for p in [result.unit, result.district, result.state,
                                      result.country] if p) or "unknown"
        self.stdout.write(f"{place}  (confidence {result.confidence:.2f}"
                          f"{', CONFLICT' if result.conflict else ''})")
        self.stdout.write(result.explanation)
