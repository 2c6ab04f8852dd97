"""What a packet renderer is given (plain data, no ORM objects) and the registry of renderers.

A renderer turns reports into files of the packet. It is fed the reports a chunk at a time
(`add`) and may hand back files at once (one PDF per report) or at the end (`finish`: the
workbook, the SOP). It never reads the database and never sees media, only hashes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Protocol

from tipline.core.registry import Registry

IST = timezone(timedelta(hours=5, minutes=30), "IST")


def in_ist(value: datetime | None) -> str:
    return value.astimezone(IST).strftime("%Y-%m-%d %H:%M:%S IST") if value else ""


def in_utc(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if value else ""


@dataclass(frozen=True)
class SuspectData:
    name: str
    screen_name: str
    esp_user_id: str
    service: str
    emails: tuple[str, ...]
    phones: tuple[str, ...]
    devices: tuple[str, ...]

    def identifiers(self) -> list[str]:
        """Each identifier as a person would quote it."""
        out = [f"name {self.name}"] if self.name else []
        on = f" on {self.service}" if self.service else ""
        if self.screen_name:
            out.append(f"screen name {self.screen_name}{on}")
        if self.esp_user_id:
            out.append(f"user id {self.esp_user_id}{on}")
        out += [f"email {e}" for e in self.emails]
        out += [f"phone {p}" for p in self.phones]
        out += [f"device {d}" for d in self.devices]
        return out


@dataclass(frozen=True)
class IpEventData:
    ip: str
    port: int | None
    occurred_at: datetime | None
    event: str
    location: str


@dataclass(frozen=True)
class FileData:
    name: str
    size: int | None
    md5: str
    sha1: str
    sha256: str
    pdq: str = ""  # filled once the media app computes PDQ


@dataclass(frozen=True)
class LocationData:
    place: str  # "Beed, Maharashtra, IN"
    unit: str  # name of the node resolution pointed at
    methods: str  # "pin, ip"
    confidence: float
    conflict: bool
    explanation: str


@dataclass(frozen=True)
class ReportData:
    """Everything a packet says about one report."""

    id: int
    reference: str
    external_id: str
    source: str
    version: int
    received_at: datetime | None
    incident_at: datetime | None
    incident_at_text: str
    incident_type: str
    platform: str
    priority: int | None
    referral: str
    escalated: bool
    escalation_note: str
    annotations: tuple[str, ...]
    urls: tuple[str, ...]
    additional_info: str
    ncmec_notes: str
    jurisdiction: str
    file_count: int
    routed_because: str = ""  # when it is not where its own location points
    suspects: tuple[SuspectData, ...] = ()
    location: LocationData | None = None
    linked: tuple[str, ...] = ()
    ip_events: tuple[IpEventData, ...] = ()
    #: values the sender wrote that have no field of their own: (place in the report, value)
    details: tuple[tuple[str, str], ...] = ()
    files: tuple[FileData, ...] = ()


@dataclass(frozen=True)
class PacketInfo:
    """The packet the files belong to, as its cover and manifest state it."""

    id: int
    reference: str
    version: int
    target_code: str
    target_name: str
    created_by: str
    created_at: datetime
    ack_due_at: datetime
    report_count: int
    supersedes: str = ""
    correction_reason: str = ""
    note: str = ""
    language: str = "en"  # of the headings: the receiving node's (Jurisdiction.language)


@dataclass(frozen=True)
class SopData:
    version: int
    title: str
    body: str


@dataclass
class PacketFile:
    """A file of the packet: its name inside the ZIP and either bytes or a file on disk."""

    name: str
    data: bytes | None = None
    path: Path | None = None
    meta: dict[str, str] = field(default_factory=dict)


class Session(Protocol):
    def add(self, reports: Sequence[ReportData]) -> Iterable[PacketFile]: ...

    def finish(self) -> Iterable[PacketFile]: ...

    def close(self) -> None:
        """Release what the session holds (worker processes); called even after an error."""


class PacketRenderer(Protocol):
    """A kind of file in every packet. `name` is unique; `start` begins one packet."""

    @property
    def name(self) -> str: ...

    def start(self, *, packet: PacketInfo, sop: SopData, workdir: Path) -> Session: ...


renderers: Registry[PacketRenderer] = Registry("packet renderer")
