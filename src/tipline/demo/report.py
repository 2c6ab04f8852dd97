"""One report of the demo export: its suspect, the location clues that point at its true place
(or mislead), IP events, uploaded files, NCMEC's geolocation and notes, as NCMEC's JSON, its
PDF and its ground-truth row. `ReportBuilder.build(index)` depends only on the seed, the
number of reports and the index, so any report can be built alone."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tipline.demo import data as ref
from tipline.demo.images import PoolImage, make_pool
from tipline.demo.people import (
    Identity,
    IpEvent,
    identity,
    pick_ip,
    recipient_json,
    suspect_json,
)
from tipline.demo.places import Place, foreign_geo_entry, geo_entry, place_in
from tipline.demo.plan import Slot, area_of, plan
from tipline.demo.report_pdf import report_pdf
from tipline.demo.values import END, START, ip_in, maybe, time_text, utc_text

FIRST_REPORT_ID = 54_000_000
ID_STRIDE = 40
IMAGE_POOL = 300


@dataclass
class Built:
    """One report, ready to write: its JSON and PDF bytes, files and ground-truth row."""

    report_id: str
    json_bytes: bytes
    pdf_bytes: bytes
    files: list[tuple[str, PoolImage]]
    received: datetime
    truth: tuple[str, ...]


@dataclass
class Clues:
    """Where a report's address and geolocation point, and which of them tells the truth."""

    true_place: Place | None = None
    address_place: Place | None = None
    geo_place: Place | None = None
    geo_exact: bool = True
    foreign: ref.ForeignPlace | None = None
    truth_from: str = "none"  # address | geolocation | none
    decoy_state: str = ""  # a contradictory report's misleading state

    def truth_row(self, report_id: str, slot: Slot) -> tuple[str, ...]:
        """The report's ground-truth row (generator.GROUND_TRUTH_HEADER)."""
        place = self.true_place
        return (
            report_id,
            slot.state,
            slot.district,
            slot.kind,
            slot.area,
            self.decoy_state,
            self.truth_from,
            place.pin if place else "",
            place.city if place else "",
        )


class ReportBuilder:
    """Builds the reports of one export (`reports` reports, `seed`), one at a time."""

    def __init__(self, reports: int, seed: int) -> None:
        self.reports = reports
        self.seed = seed
        self.slots = plan(reports, seed)
        self.pool = make_pool(IMAGE_POOL, seed)
        weights = [1.0 / (rank + 1) ** 0.8 for rank in range(len(self.pool))]
        self._cum: list[float] = []
        acc = 0.0
        for w in weights:
            acc += w
            self._cum.append(acc)
        self._groups: dict[int, Identity] = {}

    def pick_image(self, rng: random.Random) -> int:
        """An image of the pool, the first ones far more often (Zipf-like)."""
        return rng.choices(range(len(self.pool)), cum_weights=self._cum)[0]

    def group_identity(self, group: int, slot: Slot) -> Identity:
        """The recurring suspect of `group`: the same in each of the group's reports."""
        if group not in self._groups:
            rng = random.Random(f"demo-group:{self.seed}:{group}")
            self._groups[group] = identity(slot.state, rng, self.pick_image)
        return self._groups[group]

    def build(self, index: int) -> Built:
        """The report at `index` (report order is date order)."""
        slot = self.slots[index]
        rng = random.Random(f"demo-report:{self.seed}:{self.reports}:{index}")
        report_id = str(FIRST_REPORT_ID + index * ID_STRIDE + rng.randrange(ID_STRIDE))
        span = (END - START).total_seconds()
        received = START + timedelta(seconds=int(span * (index + rng.random()) / self.reports))
        incident = received - timedelta(seconds=rng.randint(3600, 20 * 86400))
        recurring = slot.group >= 0
        if recurring:
            ident = self.group_identity(slot.group, slot)
        else:
            ident = identity(slot.state or rng.choice(["DL", "MH"]), rng, self.pick_image)

        clues = _clues(slot, ident, rng)
        ips, ip_events = _ip_events(ident, clues, incident, rng, recurring=recurring)
        person = suspect_json(ident, rng, ip_events, clues.address_place, recurring=recurring)
        files, uploaded = self._files(report_id, ident, incident, ips, rng, recurring=recurring)
        geolocation = _geolocation(ip_events, uploaded, clues, ident.isp.name, rng)
        info = _reported_information(ident, person, uploaded, incident, rng)
        report = _report(report_id, received, info, geolocation, rng)
        json_bytes = json.dumps(report, ensure_ascii=False).encode("utf-8")
        pdf_bytes = report_pdf(report, received)
        truth = clues.truth_row(report_id, slot)
        return Built(report_id, json_bytes, pdf_bytes, files, received, truth)

    def _files(
        self,
        report_id: str,
        ident: Identity,
        incident: datetime,
        ips: list[str],
        rng: random.Random,
        *,
        recurring: bool,
    ) -> tuple[list[tuple[str, PoolImage]], list[dict[str, Any]]]:
        """The uploaded files (1-3; a recurring suspect's own first): (name, image) pairs
        and their entries in the JSON."""
        n_files = rng.choices([1, 2, 3], weights=[55, 30, 15])[0]
        chosen: list[int] = []
        candidates = list(ident.images) if recurring else []
        while len(chosen) < n_files:
            pick = candidates.pop(0) if candidates else self.pick_image(rng)
            if pick not in chosen:
                chosen.append(pick)
        uploaded = []
        files: list[tuple[str, PoolImage]] = []
        for k, pick in enumerate(chosen, start=1):
            image = self.pool[pick]
            submittal = str(rng.randint(10_000_000, 99_999_999))
            filename = f"{report_id}-{k}-{submittal}.{image.ext}"
            files.append((filename, image))
            uploaded.append(_file_entry(filename, submittal, image, incident, ips, rng))
        return files, uploaded


def _clues(slot: Slot, ident: Identity, rng: random.Random) -> Clues:
    """The report's true place and where its address and geolocation point."""
    if slot.kind == "foreign":
        return Clues(foreign=rng.choice(ref.FOREIGN))
    true_place = place_in(slot.state, slot.district, slot.area, rng)
    if slot.kind == "consistent":
        r = rng.random()
        if r < 0.55:
            exact = rng.random() < 0.75
            return Clues(true_place, true_place, true_place, exact, truth_from="address")
        if r < 0.9:
            return Clues(true_place, geo_place=true_place, truth_from="geolocation")
        return Clues(true_place, address_place=true_place, truth_from="address")
    if slot.kind == "contradictory":
        return _contradictory(slot, true_place, ident, rng)
    return Clues(true_place)


def _contradictory(slot: Slot, true_place: Place, ident: Identity, rng: random.Random) -> Clues:
    """An address in one state and a geolocation in another: one of them is right."""
    if rng.random() < 0.7:
        # the address is right; the IP geolocates to the carrier's gateway city
        hubs = [h for h in ident.isp.hubs if h[0] != slot.state]
        hub_state, hub_district = rng.choice(hubs)
        geo_place = place_in(hub_state, hub_district, area_of(hub_state, hub_district), rng)
        return Clues(true_place, true_place, geo_place, truth_from="address",
                     decoy_state=hub_state)
    # the IP is right; the address is an old one in another state
    other = rng.choices(
        [s for s in ref.STATES if s.code != slot.state],
        weights=[max(s.weight, 300) for s in ref.STATES if s.code != slot.state],
    )[0]
    d = rng.choice(ref.districts()[other.code])
    address_place = place_in(other.code, d.name, area_of(other.code, d.name), rng)
    return Clues(true_place, address_place, true_place, truth_from="geolocation",
                 decoy_state=other.code)


def _ip_events(
    ident: Identity, clues: Clues, incident: datetime, rng: random.Random, *, recurring: bool
) -> tuple[list[str], list[IpEvent]]:
    """The suspect's IPs in this report and their events (logins...) before the incident."""
    ips = list(ident.ips)
    if clues.foreign is not None:
        ips = [ip_in(clues.foreign.network, rng) for _ in range(rng.randint(1, 2))]
    elif (not recurring or rng.random() < 0.4) and rng.random() < 0.3:
        ips.append(pick_ip(ident.isp, rng))
    events: list[IpEvent] = []
    for ip in ips:
        for _ in range(rng.randint(1, 2)):
            when = incident - timedelta(seconds=rng.randint(0, 10 * 86400))
            event = rng.choices(
                ["Login", "Registration", "Other", "Unknown", "Purchase"],
                weights=[70, 10, 10, 8, 2],
            )[0]
            events.append((ip, when, event, rng.randint(1024, 65535)))
    events.sort(key=lambda x: x[1])
    return ips, events


def _file_entry(
    filename: str,
    submittal: str,
    image: PoolImage,
    incident: datetime,
    ips: list[str],
    rng: random.Random,
) -> dict[str, Any]:
    """One uploaded file as the JSON lists it, uploaded within the hour of the incident."""
    when = incident + timedelta(seconds=rng.randint(0, 3600))
    upload_ip = rng.choice(ips)
    entry: dict[str, Any] = {
        "filename": filename,
        "originalFilename": _original_name(image, when, rng),
        "submittalId": submittal,
        "verificationHash": image.md5,
        "viewedByEsp": "true" if rng.random() < 0.7 else "false",
        "publiclyAvailable": "true" if rng.random() < 0.15 else "false",
        "fileRelevance": "Reported" if rng.random() < 0.95 else "Supplemental Reported",
        "sourceInformation": {
            "sourceCaptures": [
                {
                    "captureType": "IP Address",
                    "value": upload_ip,
                    "dateTime": utc_text(when, rng),
                    "eventName": "Upload",
                    "port": str(rng.randint(1024, 65535)) if rng.random() < 0.85 else "",
                }
            ]
        },
    }
    if entry["fileRelevance"] == "Reported":
        entry["industryClassification"] = rng.choices(
            ["A1", "A2", "B1", "B2"], weights=[70, 15, 10, 5]
        )[0]
    if rng.random() < 0.2:
        entry["additionalInformations"] = [{"value": "File was hash-matched."}]
    return entry


def _original_name(image: PoolImage, when: datetime, rng: random.Random) -> str:
    """The file's name on the suspect's device, as a phone or app would have named it."""
    stamp = when.strftime("%Y%m%d")
    return rng.choice(
        [
            f"IMG-{stamp}-WA{rng.randint(0, 9999):04d}.{image.ext}",
            f"IMG_{stamp}_{when.strftime('%H%M%S')}.{image.ext}",
            f"Screenshot_{stamp}-{when.strftime('%H%M%S')}.{image.ext}",
            f"photo_{rng.randint(1, 9999)}.{image.ext}",
            f"{rng.getrandbits(40):010x}.{image.ext}",
            "N/A",
        ]
    )


def _geolocation(
    ip_events: list[IpEvent],
    uploaded: list[dict[str, Any]],
    clues: Clues,
    isp: str,
    rng: random.Random,
) -> list[dict[str, Any]]:
    """NCMEC's geolocation of the report's first three distinct IPs (none when missing)."""
    distinct_ips = list(
        dict.fromkeys(
            [ip for ip, *_ in ip_events]
            + [f["sourceInformation"]["sourceCaptures"][0]["value"] for f in uploaded]
        )
    )
    if clues.foreign is not None:
        return [foreign_geo_entry(ip, clues.foreign, rng) for ip in distinct_ips[:3]]
    if clues.geo_place is not None:
        place = clues.geo_place
        return [geo_entry(ip, place, isp, rng, exact=clues.geo_exact) for ip in distinct_ips[:3]]
    return []


def _reported_information(
    ident: Identity,
    person: dict[str, Any],
    uploaded: list[dict[str, Any]],
    incident: datetime,
    rng: random.Random,
) -> dict[str, Any]:
    """The report's `reportedInformation`: provider, incident, suspect, recipients, files."""
    incident_type = rng.choices(
        [t for t, _ in ref.INCIDENT_TYPES], weights=[w for _, w in ref.INCIDENT_TYPES]
    )[0]
    slug = ident.platform.slug
    info: dict[str, Any] = {
        "reportingEsp": {
            "espName": ident.platform.name,
            "firstName": maybe("Trust", rng, 0.3, 0.2),
            "lastName": maybe("Safety", rng, 0.3, 0.2),
        },
        "incidentSummary": _incident_summary(incident_type, incident, rng),
        "incidentDetails": {
            "webpageIncident": [
                {
                    "url": [
                        f"https://{slug}.example/{rng.choice(['p', 'media', 'post', 'v'])}/"
                        f"{rng.getrandbits(48):012x}"
                        for _ in range(rng.randint(1, 2))
                    ]
                }
            ]
        },
        "reportedPeople": {"reportedPersons": [person]},
    }
    if incident_type != ref.INCIDENT_TYPES[0][0] or rng.random() < 0.08:
        info["intendedRecipients"] = {
            "intendedRecipients": [recipient_json(rng, slug) for _ in range(rng.randint(1, 2))]
        }
    info["uploadedFiles"] = {"uploadedFiles": uploaded}
    info["additionalInformations"] = [
        {"value": v} for v in rng.sample(ref.ADDITIONAL_INFO, rng.randint(0, 2))
    ]
    return info


def _incident_summary(incident_type: str, incident: datetime, rng: random.Random) -> dict:
    return {
        "incidentType": incident_type,
        "incidentDateTime": time_text(incident, rng) if rng.random() < 0.95 else "",
        "incidentDateTimeDescription": rng.choice(
            [
                "Time of upload",
                "Date/time of the most recent upload",
                "Approximate time of incident",
                "Time the content was detected",
                "",
            ]
        ),
    }


def _report(
    report_id: str,
    received: datetime,
    info: dict[str, Any],
    geolocation: list[dict[str, Any]],
    rng: random.Random,
) -> dict[str, Any]:
    """The whole report: its header, the reported information, NCMEC's geolocation and notes."""
    priority = rng.choices(["3", "2", "1", ""], weights=[85, 12.5, 2, 0.5])[0]
    notes = rng.sample(ref.NCMEC_NOTES, rng.randint(1, 2))
    if geolocation and geolocation[0]["city"]:
        g = geolocation[0]
        notes.append(f"Upload IP geolocated to {g['city']}, {g['region'] or g['country']}.")
    notes.append("(Synthetic demo record generated by Tipline; not a real report.)")
    report: dict[str, Any] = {
        "reportId": report_id,
        "dateReceived": time_text(received, rng),
        "priorityLevel": priority,
        "reportType": "Referral" if rng.random() < 0.7 else "Informational",
        "reportedInformation": info,
    }
    if geolocation or rng.random() < 0.5:
        report["ncmecGeolocation"] = geolocation
    report["ncmecNotes"] = " ".join(notes)
    _sprinkle_lists(report, rng)
    return report


def _sprinkle_lists(report: dict[str, Any], rng: random.Random) -> None:
    """Now and then a list where one value was expected, as real exports do."""
    if rng.random() >= 0.03:
        return
    person = report["reportedInformation"]["reportedPeople"]["reportedPersons"][0]
    choice = rng.randrange(3)
    if choice == 0:
        person["espUserId"] = [person["espUserId"], str(rng.randint(10_000, 99_999_999))]
    elif choice == 1 and "screenName" in person:
        value = person["screenName"]["value"]
        person["screenName"] = [{"value": value}, {"value": value.upper()}]
    else:
        summary = report["reportedInformation"]["incidentSummary"]
        summary["incidentType"] = [summary["incidentType"]]
