"""What an importer hands to the writer: one normalised report, independent of its format.

Importers only parse and validate; they never touch the database. The writer
(`intake.writer`) turns these into rows, deduplicates and versions them, in bulk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from tipline.core.places import Address, Geolocation


@dataclass
class IpEventRec:
    ip: str
    port: int | None = None
    event: str = ""
    occurred_at: datetime | None = None
    possible_proxy: bool | None = None


@dataclass(frozen=True, kw_only=True)
class PlaceRec(Geolocation, Address):
    """A place the report states: an address, a GPS point, or someone's estimate of it."""

    kind: str  # intake.models.Place.Kind value
    verified: bool | None = None


@dataclass
class PersonRec:
    role: str  # intake.models.Subject.Role value
    first_name: str = ""
    middle_name: str = ""
    last_name: str = ""
    date_of_birth: date | None = None
    age: int | None = None
    esp_user_id: str = ""
    esp_service: str = ""
    screen_name: str = ""
    display_names: list[str] = field(default_factory=list)
    profile_urls: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    device_ids: list[dict[str, str]] = field(default_factory=list)
    places: list[PlaceRec] = field(default_factory=list)
    ip_events: list[IpEventRec] = field(default_factory=list)
    notes: str = ""
    #: numbers the sender gave without a country calling code, as written (an importer
    #: decides, from the whole report, whether to read them as Indian; not stored as such)
    phones_without_code: list[str] = field(default_factory=list)


#: Opens a file's content as a stream of byte chunks (from disk, a ZIP member, memory).
Opener = Callable[[], Iterator[bytes]]


@dataclass
class FileRec:
    filename: str = ""
    original_filename: str = ""
    esp_file_id: str = ""
    location_url: str = ""
    viewed_by_esp: bool | None = None
    publicly_available: bool | None = None
    relevance: str = ""
    classification: str = ""
    annotations: list[str] = field(default_factory=list)
    esp_metadata: dict[str, Any] = field(default_factory=dict)
    declared_hashes: dict[str, str] = field(default_factory=dict)  # {"md5": "...", ...}
    ip_events: list[IpEventRec] = field(default_factory=list)
    mime: str = ""
    content: Opener | None = None  # None: the sender did not include the bytes


@dataclass
class ArtifactRec:
    kind: str  # intake.models.Artifact.Kind value
    name: str
    data: bytes | None = None
    content: Opener | None = None  # for large artifacts (PDFs)
    #: set by `writer.prepare`: (sha256, size, encrypted bytes) of a small artifact
    sealed: tuple[str, int, bytes] | None = None


@dataclass
class ReportRec:
    """One report as an importer understood it. `content_sha256` identifies the exact record
    (the raw bytes it came from) so an identical re-send is a duplicate."""

    source: str
    external_id: str
    content_sha256: str
    position: str  # where it came from, for messages: "file.xml#3", "export.zip:123/123.json"
    received_at: datetime | None = None
    incident_at: datetime | None = None
    incident_at_text: str = ""
    incident_type: str = ""
    platform: str = ""
    annotations: list[str] = field(default_factory=list)
    ncmec_priority: int | None = None
    referral: str = ""
    escalated: bool = False
    escalation_note: str = ""
    additional_info: str = ""
    ncmec_notes: str = ""
    reporter: dict[str, Any] = field(default_factory=dict)
    urls: list[str] = field(default_factory=list)
    subjects: list[PersonRec] = field(default_factory=list)
    places: list[PlaceRec] = field(default_factory=list)
    ip_events: list[IpEventRec] = field(default_factory=list)
    files: list[FileRec] = field(default_factory=list)
    artifacts: list[ArtifactRec] = field(default_factory=list)
    #: what the importer could not use (an optional value that does not read), as sent
    warnings: list[str] = field(default_factory=list)
    #: values the sender wrote that map to no field, as [path, value] (nothing is dropped)
    details: list[list[str]] = field(default_factory=list)


@dataclass
class RejectedRec:
    """A record (or a whole file) an importer refused."""

    file: str
    position: str
    reason: str
