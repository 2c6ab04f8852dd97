"""Routed reports carrying what a packet shows: a suspect, IP events, files, a location, links."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from tipline.geo.models import ReportLocation
from tipline.intake.models import IpEvent, Place, Report, ReportFile, Subject
from tipline.jurisdictions.models import Jurisdiction
from tipline.routing.models import ReportCluster

T0 = datetime(2024, 3, 1, 6, 30, tzinfo=UTC)  # 12:00 IST


def routed(make_report: Callable[..., Report], node: str, n: int, *, files: int = 2,
           events: int = 2, status: str = Report.Status.ROUTED) -> Report:
    """A report routed to `node` with a suspect, `events` IP events and `files` files."""
    r = make_report(node, external_id=f"{9000000 + n}", received_at=T0 + timedelta(hours=n),
                    incident_at=T0 - timedelta(days=1, minutes=n), ncmec_priority=1 + n % 3,
                    platform="ExampleChat", status=status, file_count=files,
                    ncmec_notes=f"analyst note {n}",
                    details=[["lawEnforcement/agencyName", f"Cyber Cell {n}"]])
    Subject.objects.create(report=r, role=Subject.Role.SUSPECT, first_name="Test",
                           last_name=f"Person{n}", screen_name=f"user_{n}", esp_service="Chat",
                           emails=[f"u{n}@example.in"], phones=["+919812345678"])
    for k in range(events):
        IpEvent.objects.create(report=r, ip=f"49.36.{n % 250}.{k + 1}", port=40000 + k,
                               event="Login", occurred_at=T0 + timedelta(minutes=k, seconds=n))
    Place.objects.create(report=r, kind=Place.Kind.NCMEC_GEO, ip=f"49.36.{n % 250}.1",
                         city="Beed", state="Maharashtra", country="IN", isp="ExampleNet")
    for k in range(files):
        ReportFile.objects.create(report=r, filename=f"file_{n}_{k}.jpg", size=1000 + k,
                                  md5=f"{n:016x}{k:016x}", sha1=f"{n:020x}{k:020x}",
                                  sha256=f"{n:032x}{k:032x}")
    unit = Jurisdiction.objects.get(code=node)
    ReportLocation.objects.create(
        report=r, country="IN", state="MH", district=node.rsplit("-", 1)[-1], unit=unit,
        confidence=0.9, explanation=f"PIN 431122 and IP agree on {unit.name}",
        candidates=[{"method": "pin", "clue": "PIN 431122", "country": "IN", "state": "MH",
                     "district": node.rsplit("-", 1)[-1], "precision": "district"}],
        resolved_at=T0)
    return r


def link(*reports: Report) -> None:
    cluster = min(r.pk for r in reports)
    for r in reports:
        ReportCluster.objects.create(report=r, cluster=cluster)


def zip_names(path: Any) -> list[str]:
    import pyzipper

    with pyzipper.AESZipFile(path) as zf:
        return zf.namelist()
