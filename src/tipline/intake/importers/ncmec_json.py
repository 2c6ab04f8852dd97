"""NCMEC's law-enforcement export: per report a folder holding `<id>.json`, a PDF and files.

The JSON keys are those police-side parsers read (shared/formats/ncmec-le-export.md), plus
`priorityLevel`, `reportType` (Referral / Informational), `ncmecGeolocation` (section B) and
`ncmecNotes` (section C). Values arrive as strings, often "N/A", empty, or a list where one
value was expected; all of that is tolerated. The JSON and PDF are kept byte-for-byte.
Uploaded files are looked up beside the JSON, or in its `files/` folder.
"""

from __future__ import annotations

import json
import mimetypes
import posixpath
from collections.abc import Iterator
from typing import Any

from tipline.core.errors import RejectedInput
from tipline.intake import values as v
from tipline.intake.importers import build
from tipline.intake.importers.base import Importer, Outcome, register
from tipline.intake.records import (
    ArtifactRec,
    FileRec,
    IpEventRec,
    PersonRec,
    PlaceRec,
    RejectedRec,
    ReportRec,
)
from tipline.intake.sources import Container, Entry, unsafe_member_reason


def _get(obj: Any, *keys: str) -> Any:
    """obj[k1][k2]...; missing keys, wrong types and lists of one dict are tolerated."""
    for key in keys:
        if isinstance(obj, list):
            obj = obj[0] if obj else None
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def _list(obj: Any) -> list[Any]:
    if obj is None or obj == "":
        return []
    return obj if isinstance(obj, list) else [obj]


def _captures(obj: Any, where: str) -> tuple[list[IpEventRec], list[str]]:
    """IP events and profile URLs from a `sourceInformation.sourceCaptures` list."""
    events: list[IpEventRec] = []
    urls: list[str] = []
    for i, cap in enumerate(_list(_get(obj, "sourceInformation", "sourceCaptures"))):
        if not isinstance(cap, dict):
            raise v.BadValue(f"{where}.sourceCaptures[{i}]: expected an object")
        kind = v.text(cap.get("captureType"), field=f"{where}.captureType").lower()
        w = f"{where}.sourceCaptures[{i}]"
        if kind == "ip address":
            if event := build.ip_event(cap.get, where=w, ip_key="value"):
                events.append(event)
        elif "url" in kind:
            url = v.text(cap.get("value"), field=f"{w}.value", limit=2083)
            if url:
                urls.append(url)
    return events, urls


def _person(p: Any, role: str, where: str) -> PersonRec:
    if not isinstance(p, dict):
        raise v.BadValue(f"{where}: expected an object")
    rec = PersonRec(
        role=role,
        first_name=v.text(p.get("firstName"), field=f"{where}.firstName"),
        middle_name=v.text(p.get("middleName"), field=f"{where}.middleName"),
        last_name=v.text(p.get("lastName"), field=f"{where}.lastName"),
        date_of_birth=v.day(p.get("dateOfBirth"), field=f"{where}.dateOfBirth"),
        age=v.whole(p.get("approximateAge"), field=f"{where}.approximateAge", high=130),
        esp_user_id=v.text(p.get("espUserId"), field=f"{where}.espUserId"),
        esp_service=v.text(p.get("espService"), field=f"{where}.espService"),
        screen_name=v.text(p.get("screenName"), field=f"{where}.screenName"),
        display_names=v.texts(_list(p.get("displayName")), field=f"{where}.displayName"),
    )
    rec.emails = [v.email(e) for e in v.texts(_list(_get(p, "emails", "emails")),
                                               field=f"{where}.emails")]
    rec.phones = [v.phone(x) for x in v.texts(_list(_get(p, "phones", "phones")),
                                               field=f"{where}.phones")]
    for i, a in enumerate(_list(_get(p, "addresses", "addresses"))):
        w = f"{where}.addresses[{i}]"
        if not isinstance(a, dict):
            raise v.BadValue(f"{w}: expected an object")
        street = ", ".join(x for x in [v.text(a.get("street1"), field=f"{w}.street1"),
                                       v.text(a.get("street2"), field=f"{w}.street2")] if x)
        rec.places.append(PlaceRec(
            kind="address", street=street,
            city=v.text(a.get("city"), field=f"{w}.city"),
            state=v.text(a.get("state"), field=f"{w}.state"),
            postal_code=v.text(a.get("postalCode"), field=f"{w}.postalCode"),
            country=v.text(a.get("country"), field=f"{w}.country"),
        ))
    rec.ip_events, rec.profile_urls = _captures(p, where)
    rec.profile_urls = v.texts(rec.profile_urls + _list(p.get("profileUrl")),
                               field=f"{where}.profileUrl")
    notes = [v.text(x, field=f"{where}.additionalInformations")
             for x in _list(p.get("additionalInformations"))]
    rec.notes = "\n".join(n for n in notes if n)
    return rec


def _geolocation(g: Any, i: int) -> PlaceRec:
    w = f"ncmecGeolocation[{i}]"
    if not isinstance(g, dict):
        raise v.BadValue(f"{w}: expected an object")
    return PlaceRec(
        kind="ncmec_geo",
        ip=v.ip(g.get("ipAddress"), field=f"{w}.ipAddress"),
        country=v.text(g.get("country"), field=f"{w}.country"),
        state=v.text(g.get("region"), field=f"{w}.region"),
        city=v.text(g.get("city"), field=f"{w}.city"),
        postal_code=v.text(g.get("postalCode"), field=f"{w}.postalCode"),
        latitude=v.latitude(g.get("latitude"), field=f"{w}.latitude"),
        longitude=v.longitude(g.get("longitude"), field=f"{w}.longitude"),
        isp=v.text(g.get("isp"), field=f"{w}.isp"),
    )


def _referral(value: str) -> str:
    lowered = value.lower()
    if lowered.startswith("referral"):
        return "referral"
    if lowered.startswith("informational"):
        return "informational"
    return ""


def report_from_json(doc: Any, *, raw: bytes, position: str, relpath: str) -> ReportRec:
    """Map one report's JSON (`raw`, at `relpath` in its folder or ZIP) to a ReportRec."""
    if not isinstance(doc, dict):
        raise RejectedInput("the JSON is not an object")
    report_id = v.text(doc.get("reportId"), field="reportId", limit=100)
    if not report_id:
        raise RejectedInput("reportId is missing")
    info = doc.get("reportedInformation") or {}
    if not isinstance(info, dict):
        raise RejectedInput("reportedInformation must be an object")
    summary = info.get("incidentSummary") or {}
    rec = build.report(source="ncmec", external_id=report_id, raw=raw, raw_kind="json",
                       position=position, raw_name=relpath)
    rec.received_at = v.when(doc.get("dateReceived"), field="dateReceived")
    rec.incident_at = v.when(_get(summary, "incidentDateTime"), field="incidentDateTime")
    rec.incident_at_text = v.text(_get(summary, "incidentDateTimeDescription"),
                                  field="incidentDateTimeDescription")
    rec.incident_type = v.incident_type(
        v.text(_get(summary, "incidentType"), field="incidentType", limit=120))
    rec.platform = v.text(_get(info, "reportingEsp", "espName"), field="espName", limit=200)
    rec.ncmec_priority = v.whole(doc.get("priorityLevel"), field="priorityLevel", low=1, high=9)
    rec.referral = _referral(v.text(doc.get("reportType"), field="reportType"))
    rec.ncmec_notes = v.text(doc.get("ncmecNotes"), field="ncmecNotes")
    extra = [v.text(x, field="additionalInformations")
             for x in _list(info.get("additionalInformations"))]
    rec.additional_info = "\n".join(x for x in extra if x)
    esp = info.get("reportingEsp")
    if isinstance(esp, dict):
        rec.reporter = {k: v.text(val, field=f"reportingEsp.{k}") for k, val in esp.items()
                        if isinstance(val, str | int | float)}
    for web in _list(_get(info, "incidentDetails", "webpageIncident")):
        rec.urls += v.texts(_list(_get(web, "url")), field="webpageIncident.url")
    for i, p in enumerate(_list(_get(info, "reportedPeople", "reportedPersons"))):
        rec.subjects.append(_person(p, "suspect", f"reportedPersons[{i}]"))
    for i, p in enumerate(_list(_get(info, "intendedRecipients", "intendedRecipients"))):
        rec.subjects.append(_person(p, "recipient", f"intendedRecipients[{i}]"))
    for i, p in enumerate(_list(_get(info, "victims", "victims"))):
        rec.subjects.append(_person(p, "victim", f"victims[{i}]"))
    for i, g in enumerate(_list(doc.get("ncmecGeolocation"))):
        rec.places.append(_geolocation(g, i))
    for i, f in enumerate(_list(_get(info, "uploadedFiles", "uploadedFiles"))):
        rec.files.append(_file(f, f"uploadedFiles[{i}]"))
    return rec


def _file(f: Any, where: str) -> FileRec:
    if not isinstance(f, dict):
        raise v.BadValue(f"{where}: expected an object")
    name = v.text(f.get("filename"), field=f"{where}.filename", limit=1000)
    rec = FileRec(
        filename=name,
        original_filename=v.text(f.get("originalFilename"), field=f"{where}.originalFilename",
                                 limit=2056),
        esp_file_id=v.text(f.get("submittalId"), field=f"{where}.submittalId"),
        viewed_by_esp=v.flag(f.get("viewedByEsp"), field=f"{where}.viewedByEsp"),
        publicly_available=v.flag(f.get("publiclyAvailable"), field=f"{where}.publiclyAvailable"),
        relevance=v.text(f.get("fileRelevance"), field=f"{where}.fileRelevance"),
        classification=v.text(f.get("industryClassification"),
                              field=f"{where}.industryClassification", limit=10),
        mime=mimetypes.guess_type(name)[0] or "" if name else "",
    )
    declared = v.text(f.get("verificationHash"), field=f"{where}.verificationHash", limit=128)
    if declared:
        rec.declared_hashes["md5" if len(declared) == 32 else "unknown"] = declared.lower()
    for group in _list(_get(f, "ncmecTags", "groups")):
        rec.annotations += v.texts([t.get("value") for t in _list(_get(group, "tags"))
                                    if isinstance(t, dict)], field=f"{where}.ncmecTags")
    for meta in _list(_get(f, "espMetadata", "metadatas")):
        if isinstance(meta, dict):
            key = v.text(meta.get("name"), field=f"{where}.espMetadata.name")
            if key:
                rec.esp_metadata[key] = v.text(meta.get("value"),
                                               field=f"{where}.espMetadata.value")
    rec.ip_events, _ = _captures(f, where)
    return rec


@register
class NcmecExportImporter(Importer):
    name = "ncmec-export"
    suffixes = (".json",)
    one_report_per_file = True
    reads_siblings = True

    def records(self, entry: Entry, container: Container) -> Iterator[Outcome]:
        try:
            raw = entry.read()
            doc = json.loads(v.strict_utf8(raw, what="JSON"))
            rec = report_from_json(doc, raw=raw, position=entry.name, relpath=entry.relpath)
        except RejectedInput as exc:
            yield RejectedRec(entry.name, "record", str(exc))
            return
        except (json.JSONDecodeError, RecursionError) as exc:
            yield RejectedRec(entry.name, "record", f"malformed JSON: {exc}")
            return
        folder = posixpath.dirname(entry.relpath)
        for pdf in container.in_folder(folder):
            if pdf.suffix == ".pdf":
                rec.artifacts.append(ArtifactRec(kind="pdf", name=pdf.relpath,
                                                 content=pdf.chunks()))
        for f in rec.files:
            if not f.filename:
                continue
            if bad := unsafe_member_reason(f.filename):
                yield RejectedRec(entry.name, f.filename[:200], bad)
                return
            found = container.get(posixpath.join(folder, "files", f.filename)) or container.get(
                posixpath.join(folder, f.filename))
            if found is not None:
                f.content = found.chunks()
        yield rec
