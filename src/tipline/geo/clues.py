"""The location clues stored reports carry, read in bulk for resolution."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from tipline.geo.locators import AddressClue, Clues, EstimateClue, IpClue
from tipline.intake.models import IpEvent, Place, Subject


def report_clues(*, report_ids: Sequence[int]) -> dict[int, Clues]:
    """Clues per report id: IP events, GPS, addresses, phones, platform and NCMEC estimates."""
    ips: dict[int, list[IpClue]] = defaultdict(list)
    gps: dict[int, list[tuple[float, float]]] = defaultdict(list)
    addresses: dict[int, list[AddressClue]] = defaultdict(list)
    estimates: dict[int, list[EstimateClue]] = defaultdict(list)
    phones: dict[int, list[str]] = defaultdict(list)
    for rid, ip, port, at, proxy in IpEvent.objects.filter(report_id__in=report_ids).values_list(
            "report_id", "ip", "port", "occurred_at", "possible_proxy"):
        ips[rid].append(IpClue(ip=ip, port=port, at=at, possible_proxy=proxy))
    for p in Place.objects.filter(report_id__in=report_ids).values(
            "report_id", "kind", "street", "city", "district", "state", "postal_code", "country",
            "latitude", "longitude", "ip", "isp"):
        rid, kind = p["report_id"], p["kind"]
        if kind == Place.Kind.GPS and p["latitude"] is not None and p["longitude"] is not None:
            gps[rid].append((p["latitude"], p["longitude"]))
        elif kind in (Place.Kind.ADDRESS, Place.Kind.INCIDENT):
            addresses[rid].append(AddressClue(
                street=p["street"], city=p["city"], district=p["district"], state=p["state"],
                postal_code=p["postal_code"], country=p["country"]))
        elif kind in (Place.Kind.ESTIMATED, Place.Kind.NCMEC_GEO):
            estimates[rid].append(EstimateClue(
                source="ncmec" if kind == Place.Kind.NCMEC_GEO else "platform",
                country=p["country"], region=p["state"], city=p["city"],
                postal_code=p["postal_code"], latitude=p["latitude"], longitude=p["longitude"],
                ip=p["ip"], isp=p["isp"]))
    for rid, numbers in Subject.objects.filter(report_id__in=report_ids).values_list(
            "report_id", "phones"):
        phones[rid].extend(numbers or [])
    return {
        rid: Clues(ips=tuple(ips[rid]), gps=tuple(gps[rid]), addresses=tuple(addresses[rid]),
                   phones=tuple(dict.fromkeys(phones[rid])), estimates=tuple(estimates[rid]))
        for rid in report_ids
    }
