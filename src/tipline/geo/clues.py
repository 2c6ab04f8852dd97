"""The location clues stored reports carry, read in bulk for resolution.

Routing reads every clue of every report, so the reads here are plain SQL over the model's
tables (a query per kind of clue and chunk), without the ORM's per-row conversion; what the
ORM would convert (times, booleans, JSON, sealed columns) is converted here, the same way:
the sealed ones (core.fields) through their own field.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from django.db import connection

from tipline.geo.locators import AddressClue, Clues, EstimateClue, IpClue
from tipline.intake.models import IpEvent, Place, Report, Source, Subject

_ADDRESS_KINDS = (Place.Kind.ADDRESS.value, Place.Kind.INCIDENT.value)
_ESTIMATE_KINDS = (Place.Kind.ESTIMATED.value, Place.Kind.NCMEC_GEO.value)


def _rows(model: Any, columns: str, report_ids: Sequence[int],
          time_column: str = "") -> list[tuple[Any, ...]]:
    """`columns` of the model's rows for these reports (a time column is read as text on
    SQLite, parsed by `_time`)."""
    table = connection.ops.quote_name(model._meta.db_table)
    if time_column and connection.vendor == "sqlite":
        columns = columns.replace(time_column, f"CAST({time_column} AS TEXT)")
    marks = ", ".join(["%s"] * len(report_ids))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT report_id, {columns} FROM {table} "  # noqa: S608
                       f"WHERE report_id IN ({marks})", list(report_ids))
        return cursor.fetchall()


def _time(value: Any) -> datetime | None:
    """A stored time as the ORM returns it: aware, UTC (SQLite keeps naive UTC text)."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def _opener(model: Any, name: str) -> Callable[[Any], Any]:
    """What the ORM does to a sealed column's value: open it (core.fields)."""
    field = model._meta.get_field(name)
    return lambda value: field.from_db_value(value, None, connection)


def _flag(value: Any) -> bool | None:
    return None if value is None else bool(value)


def report_clues(*, report_ids: Sequence[int]) -> dict[int, Clues]:
    """Clues per report id: IP events, GPS, addresses, phones, platform and NCMEC estimates."""
    ips: dict[int, list[IpClue]] = defaultdict(list)
    gps: dict[int, list[tuple[float, float]]] = defaultdict(list)
    addresses: dict[int, list[AddressClue]] = defaultdict(list)
    estimates: dict[int, list[EstimateClue]] = defaultdict(list)
    phones: dict[int, list[str]] = defaultdict(list)
    ids = list(report_ids)
    event_ip = _opener(IpEvent, "ip")
    for rid, ip, port, at, proxy in _rows(
            IpEvent, "ip, port, occurred_at, possible_proxy", ids, "occurred_at"):
        ips[rid].append(IpClue(ip=event_ip(ip), port=port, at=_time(at),
                               possible_proxy=_flag(proxy)))
    street_of, lat_of, lon_of, ip_of = (_opener(Place, name) for name in
                                        ("street", "latitude", "longitude", "ip"))
    for (rid, kind, street, city, district, state, postal_code, country, latitude, longitude,
         ip, isp) in _rows(Place, "kind, street, city, district, state, postal_code, country, "
                                  "latitude, longitude, ip, isp", ids):
        street, latitude, longitude = street_of(street), lat_of(latitude), lon_of(longitude)
        ip = ip_of(ip)
        if kind == Place.Kind.GPS and latitude is not None and longitude is not None:
            gps[rid].append((latitude, longitude))
        elif kind in _ADDRESS_KINDS:
            addresses[rid].append(AddressClue(
                street=street, city=city, district=district, state=state,
                postal_code=postal_code, country=country))
        elif kind in _ESTIMATE_KINDS:
            estimates[rid].append(EstimateClue(
                source="ncmec" if kind == Place.Kind.NCMEC_GEO else "platform",
                country=country, region=state, city=city, postal_code=postal_code,
                latitude=latitude, longitude=longitude, ip=ip, isp=isp))
    # a platform reports from anywhere: its numbers without a country code are not Indian
    # (the importer already read as Indian those its report places in India); the report's
    # source comes with its subjects' phones, in the same query
    reports = connection.ops.quote_name(Report._meta.db_table)
    worldwide: set[int] = set()
    phones_of = _opener(Subject, "phones")
    for rid, numbers, source in _rows(
            Subject, f"phones, (SELECT source FROM {reports} WHERE id = report_id)",  # noqa: S608
            ids):
        phones[rid].extend(phones_of(numbers) or [])
        if source == Source.PLATFORM:
            worldwide.add(rid)
    return {
        rid: Clues(ips=tuple(ips[rid]), gps=tuple(gps[rid]), addresses=tuple(addresses[rid]),
                   phones=tuple(dict.fromkeys(phones[rid])), estimates=tuple(estimates[rid]),
                   phone_region=None if rid in worldwide else "IN")
        for rid in report_ids
    }
