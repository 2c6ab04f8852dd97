"""The JSON API's shapes (pydantic, through django-ninja): what each endpoint takes and gives.

They are the OpenAPI document's schemas too (/api/schema/). Choices are read from the models
and the web forms, so the API offers exactly what the web pages do.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Annotated, Any, Literal

from ninja import Field, Schema

from tipline.cases.models import Case
from tipline.intake.models import Report, Source
from tipline.intake.selectors import PRIORITIES, SORT_LABELS
from tipline.intake.values import INCIDENT_TYPES


def _choices(values: Sequence[Any], about: str) -> Any:
    """A query parameter that must be one of `values` (checked by the web form)."""
    return Field(None, description=about, json_schema_extra={"enum": list(values)})


#: the largest id a path may name (the databases' 64-bit integers)
MAX_ID = 2**62
#: a record's id in a path
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


# --- errors ----------------------------------------------------------------------------------


class Error(Schema):
    """What went wrong, in words."""

    detail: str


class FieldError(Schema):
    """One refused field: where it is (`["query", "state"]`) and why."""

    loc: list[str | int]
    msg: str
    type: str


class ValidationErrors(Schema):
    """Every refused field of a request."""

    detail: list[FieldError]


# --- shared ----------------------------------------------------------------------------------


class Place(Schema):
    """A node of the jurisdiction tree: IN, IN-MH, IN-MH-BEED..."""

    code: str
    name: str


# --- reports ---------------------------------------------------------------------------------


class ReportQuery(Schema):
    """The report list's filters: the web list's (intake.forms.ReportFilterForm), by name."""

    q: str | None = Field(
        None, max_length=200,
        description="a report number, email, phone, screen name, user id, device id, profile "
                    "URL, file hash or IP address, exactly")
    received_from: date | None = Field(None, description="received on or after (IST day)")
    received_to: date | None = Field(None, description="received on or before (IST day)")
    state: int | None = Field(None, description="a state/UT's id: reports placed there or below")
    source: Source | None = Field(None, description="where the report came from")
    priority: int | None = _choices(list(PRIORITIES), "NCMEC priority")
    incident_type: str | None = _choices(INCIDENT_TYPES, "incident type")
    status: Report.Status | None = Field(None, description="status")
    versions: bool = Field(False, description="include versions a later one replaced")
    sort: str | None = _choices(list(SORT_LABELS), "order (default newest)")
    cursor: str | None = Field(None, max_length=500,
                               description="next_cursor or previous_cursor of a page")
    limit: int = Field(25, ge=1, le=100, description="reports per page")


class ReportRow(Schema):
    """A report as the list shows it."""

    id: int
    reference: str
    source: str
    external_id: str
    version: int
    is_current: bool
    received_at: datetime | None
    incident_type: str
    platform: str
    ncmec_priority: int | None
    status: str
    file_count: int
    jurisdiction: Place


class ReportPage(Schema):
    """One page of reports, and the cursors of the pages either side (null: none)."""

    items: list[ReportRow]
    next_cursor: str | None
    previous_cursor: str | None
    sort: str


class Dossier(Schema):
    """A report's whole record, as `tipline reports show --json` prints it: its fields, the
    people, places, IP events, files (metadata only) and identifiers it carries, then each
    later step's part (location, routing, matches, review, case)."""

    report: dict[str, Any]
    subjects: list[dict[str, Any]]
    places: list[dict[str, Any]]
    ip_events: list[dict[str, Any]]
    files: list[dict[str, Any]]
    identifiers: list[dict[str, Any]]
    location: dict[str, Any] | None = None
    routing: dict[str, Any] | None = None
    matches: list[dict[str, Any]] | None = None
    review: list[dict[str, Any]] | None = None
    case: dict[str, Any] | None = None


class Location(Schema):
    """Where resolution placed a report, why, and every candidate it weighed."""

    report: str
    country: str
    state: str
    district: str
    pin: str
    city: str
    unit: Place | None
    confidence: float
    conflict: bool
    explanation: str
    candidates: list[Any]
    resolved_at: datetime


# --- clusters --------------------------------------------------------------------------------


class ClusterMember(Schema):
    reference: str
    status: str
    jurisdiction: Place


class Cluster(Schema):
    """Reports linked by what they share. `size` counts every member; `members` lists those
    the caller may see."""

    id: int
    size: int
    lead: Place | None
    members: list[ClusterMember]


class ClusterPage(Schema):
    items: list[Cluster]
    next_after: int | None = Field(description="pass as `after` for the next page; null: last")


# --- cases -----------------------------------------------------------------------------------


class CaseQuery(Schema):
    unit: str | None = Field(None, max_length=64,
                             description="a node's code (IN-MH-BEED): its cases and below")
    status: Case.Status | None = Field(None, description="case status")
    page: int = Field(1, ge=1, le=100_000)
    limit: int = Field(50, ge=1, le=200)


class CaseRow(Schema):
    id: int
    reference: str
    report: str
    unit: Place
    status: str
    opened_at: datetime
    updated_at: datetime
    acknowledged_at: datetime | None
    closed_at: datetime | None
    closure_reason: str
    fir_number: str | None


class CasePage(Schema):
    items: list[CaseRow]
    count: int
    page: int
    pages: int


class Fir(Schema):
    number: str
    registered_on: date
    police_station: str
    sections: list[str]


class CaseDetail(CaseRow):
    dispatched_at: datetime | None
    enquiry_at: datetime | None
    chargesheet_number: str
    chargesheet_on: date | None
    closure_note: str
    duplicate_of: str | None
    fir: Fir | None
    arrests: int
    seizures: int
    notices: int
    can_update: bool = Field(description="may the caller change this case (case.update)")


class CaseStatusChange(Schema):
    """A move of the case, as on the case page: acknowledge (received -> acknowledged),
    enquiry (start enquiring), or close (with a reason; a duplicate names the other case)."""

    action: Literal["acknowledge", "enquiry", "close"]
    reason: Case.Closure | None = Field(None, description="closure reason (close only)")
    note: str = Field("", max_length=2000, description="closure note (close only)")
    duplicate_of: str = Field("", max_length=40, description="TLC-00000123 (duplicate only)")


# --- packets, units, funnel ------------------------------------------------------------------


class PacketQuery(Schema):
    box: Literal["received", "sent"] | None = Field(
        None, description="packets received (packet.receive) or sent (packet.create); "
                          "default: received when the caller may receive any")
    limit: int = Field(50, ge=1, le=200)


class Packet(Schema):
    """A packet's metadata (never its contents)."""

    id: int
    reference: str
    target: Place
    version: int
    created_at: datetime
    report_count: int
    sha256: str
    size: int
    ack_due_at: datetime
    downloaded_at: datetime | None
    download_count: int
    acknowledged_at: datetime | None
    superseded: bool
    overdue: bool
    since: date | None
    note: str
    correction_reason: str


class PacketDetail(Packet):
    reports: list[str] = Field(description="the references of the reports it carries")


class UnitQuery(Schema):
    state: str | None = Field(None, pattern=r"^[A-Za-z]{2}$", description="a state's code (MH)")


class Unit(Schema):
    """A row of the units directory: a police unit (or a state's or district's contact), the
    areas it declared, and whom to write to."""

    code: str
    name: str
    state: str
    kind: str
    districts: list[str]
    pins: list[str]
    cities: list[str]
    officer: str
    email: str
    phone: str


class FunnelQuery(Schema):
    state: str | None = Field(None, pattern=r"^[A-Za-z]{2}$",
                              description="one state's code (MH): its units")


class FunnelRow(Schema):
    code: str
    name: str
    kind: str
    reports: int
    dispatched: int
    acknowledged: int
    firs: int
    arrests: int
    chargesheets: int
    open: int
    not_pursued: dict[str, int]


class Funnel(Schema):
    """Reports -> dispatched -> acknowledged -> FIR -> arrests -> chargesheets, and the reports
    not pursued by reason: in total, per state and per unit (what the caller may see)."""

    total: FunnelRow
    states: list[FunnelRow]
    units: list[FunnelRow]
