"""CyberTipline XML `<report>` documents (the platform format), one or many per file.

A file holds one `<report>` root, or any root with many `<report>` children. Parsed as a
stream: memory stays flat whatever the file size. DTDs and entities are refused outright.
Tipline reads an optional `id` attribute on `<report>` as the sender's report id (so a
changed re-send becomes a new version); without it the record's hash identifies it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from lxml import etree

from tipline.core.errors import RejectedInput
from tipline.intake import values as v
from tipline.intake.importers import build
from tipline.intake.importers.base import Outcome, StreamImporter, register
from tipline.intake.importers.cybertip_schema import (  # noqa: F401 - the importer's mapping
    ANNOTATIONS,
    EXTENSIONS,
    FILE_ANNOTATIONS,
    KEPT_RAW,
    MAPPED,
    REQUIRED,
    kept_raw,
)
from tipline.intake.records import FileRec, IpEventRec, PersonRec, PlaceRec, RejectedRec, ReportRec
from tipline.jurisdictions.data import PINCODE_STATE_NAMES, STATE_ALIASES, STATE_NAMES, fold


def _missing_required(report: Any) -> str | None:
    """The first element or attribute the schema requires that the report lacks, by its path
    ("reporter/reportingPerson"), or None."""
    def walk(el: Any, path: str) -> str | None:
        children = {_local(c.tag) for c in el if isinstance(c.tag, str)}
        for need in REQUIRED.get(path, ()):
            present = el.get(need[1:]) is not None if need.startswith("@") else need in children
            if not present:
                return f"{path}/{need}".lstrip("/") if not need.startswith("@") \
                    else f"{path}{need}"
        for child in el:
            if isinstance(child.tag, str):
                found = walk(child, f"{path}/{_local(child.tag)}".lstrip("/"))
                if found:
                    return found
        return None

    return walk(report, "")


def _details(report: Any) -> list[list[str]]:
    """Every value under `report` (an element's own text, an attribute) whose path is not in
    `MAPPED`, as [path, value] in document order: kept on the report as labelled details."""
    out: list[list[str]] = []

    def walk(el: Any, path: str) -> None:
        for name, value in el.attrib.items():
            where = f"{path}@{_local(name)}"
            if where not in MAPPED and str(value).strip():
                out.append([where.lstrip("/"), str(value).strip()[:2000]])
        for child in el:
            if not isinstance(child.tag, str):
                continue  # comments, processing instructions
            where = f"{path}/{_local(child.tag)}".lstrip("/")
            text = (child.text or "").strip()
            if text and where not in MAPPED:
                out.append([where, text[:2000]])
            walk(child, where)

    walk(report, "")
    return out[:500]


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


class K:
    """An element with its children indexed once by local tag name (find() is much slower)."""

    __slots__ = ("el", "by_tag")

    def __init__(self, el: Any) -> None:
        self.el = el
        index: dict[str, list[Any]] = {}
        for child in el:
            tag = child.tag
            if tag.__class__ is not str:
                continue  # comments, processing instructions
            if "}" in tag:
                tag = tag.rsplit("}", 1)[1]
            found = index.get(tag)
            if found is None:
                index[tag] = [child]
            else:
                found.append(child)
        self.by_tag = index

    @property
    def tag(self) -> str:
        return _local(self.el.tag)

    @property
    def text(self) -> str | None:
        return self.el.text

    def find(self, tag: str) -> K | None:
        found = self.by_tag.get(tag)
        return K(found[0]) if found else None

    def findall(self, tag: str) -> list[K]:
        return [K(x) for x in self.by_tag.get(tag, ())]

    def get(self, attr: str) -> Any:
        return self.el.get(attr)

    def __iter__(self) -> Any:
        return (K(child) for children in self.by_tag.values() for child in children)


def _text_of(el: Any) -> str:
    if isinstance(el, K):
        el = el.el
    return (el.text or "") if len(el) == 0 else "".join(el.itertext())


def _t(k: K, tag: str, field: str) -> str:
    found = k.by_tag.get(tag)
    if not found:
        return ""
    el = found[0]
    value = el.text if len(el) == 0 else "".join(el.itertext())
    return v.text(value, field=field) if value else ""


def _all(k: K, tag: str, field: str) -> list[str]:
    return v.texts([_text_of(x) for x in k.by_tag.get(tag, [])], field=field)


def _reader(k: K, where: str) -> build.Read:
    """The text of `k`'s child by tag, checked as `<where>.<tag>`."""
    return lambda tag: _t(k, tag, f"{where}.{tag}")


def _ip_events(k: K, where: str) -> list[IpEventRec]:
    """`k`'s `<ipCaptureEvent>`s that name an address."""
    events = []
    for i, el in enumerate(k.findall("ipCaptureEvent")):
        w = f"{where}.ipCaptureEvent[{i}]"
        if event := build.ip_event(_reader(el, w), where=w):
            events.append(event)
    return events


def _optional(warnings: list[str] | None, read: Any, value: Any, field: str,
              **limits: Any) -> Any:
    """An optional value read with `read`; one that does not read is kept, as sent, in
    `warnings` (the report's) instead of refusing the whole report, and is not used. Without
    a list to warn in, it refuses as `read` does."""
    try:
        return read(value, field=field, **limits)
    except v.BadValue as exc:
        if warnings is None:
            raise
        warnings.append(f"{exc}: kept as sent ({str(value)[:200]!r}), not used")
        return None


def _estimated(el: Any, where: str, warnings: list[str] | None = None) -> PlaceRec | None:
    est = el.find("estimatedLocation")
    if est is None:
        return None
    return PlaceRec(
        kind="estimated",
        city=_t(est, "city", f"{where}.city"),
        state=_t(est, "region", f"{where}.region"),
        country=_t(est, "countryCode", f"{where}.countryCode"),
        verified=_optional(warnings, v.flag, est.get("verified"), f"{where}.verified"),
    )


def _address(addr: K, kind: str, where: str, *, name: str = "") -> PlaceRec:
    """The schema's `address` type (street, city, zipCode, state or nonUsaState, country); a
    place `name` (an incident's locationName) goes before the street."""
    street = ", ".join(x for x in (name, _t(addr, "address", where)) if x)
    return PlaceRec(
        kind=kind, street=street,
        city=_t(addr, "city", f"{where}.city"),
        postal_code=_t(addr, "zipCode", f"{where}.zipCode"),
        state=(_t(addr, "nonUsaState", f"{where}.nonUsaState")
               or _t(addr, "state", f"{where}.state")),
        country=_t(addr, "country", f"{where}.country"),
    )


def _incident_places(incident: K, where: str) -> list[PlaceRec]:
    """`nonInternetIncident`: each `incidentAddress` (the address type; plain text from older
    senders is read as the street), named by the `locationName`."""
    name = _t(incident, "locationName", f"{where}.locationName")
    places = []
    for i, addr in enumerate(incident.findall("incidentAddress")):
        if any(True for _ in addr):
            places.append(_address(addr, "incident", f"{where}.incidentAddress[{i}]", name=name))
        elif text := v.text(addr.text or "", field=f"{where}.incidentAddress[{i}]"):
            places.append(PlaceRec(kind="incident", street=", ".join(x for x in (name, text) if x)))
    if name and not places:
        places.append(PlaceRec(kind="incident", street=name))
    return places


def person(block: Any, role: str, person_tag: str, where: str,
           warnings: list[str] | None = None) -> PersonRec:
    rec = PersonRec(role=role)
    p = block.find(person_tag)
    if p is not None:
        rec.first_name = _t(p, "firstName", f"{where}.firstName")
        rec.last_name = _t(p, "lastName", f"{where}.lastName")
        rec.age = _optional(warnings, v.whole, _t(p, "age", f"{where}.age"), f"{where}.age",
                            high=130)
        rec.date_of_birth = _optional(warnings, v.day, _t(p, "dateOfBirth", f"{where}.dob"),
                                      f"{where}.dob")
        rec.emails = [v.email(e) for e in _all(p, "email", f"{where}.email")]
        for ph in p.findall("phone"):
            number = v.text(ph.text or "", field=f"{where}.phone")
            # the schema's attribute; a child element of that name was this importer's
            # reading once, and is still accepted
            code = v.text(ph.get("countryCallingCode") or "",
                          field=f"{where}.phone@countryCallingCode", limit=8) \
                or _t(ph, "countryCallingCode", f"{where}.phone.countryCallingCode")
            if number and (code or number.lstrip().startswith("+")):
                full = f"+{code.lstrip('+')}{number}" if code else number
                rec.phones.append(v.phone(full))
            elif number:  # no country: read as Indian only if the report says India
                rec.phones_without_code.append(number)
        for addr in p.findall("address"):
            rec.places.append(_address(addr, "address", f"{where}.address"))
    rec.esp_user_id = _t(block, "espIdentifier", f"{where}.espIdentifier")
    rec.esp_service = _t(block, "espService", f"{where}.espService")
    rec.screen_name = _t(block, "screenName", f"{where}.screenName")
    rec.display_names = _all(block, "displayName", f"{where}.displayName")
    rec.profile_urls = _all(block, "profileUrl", f"{where}.profileUrl")
    rec.notes = _t(block, "additionalInfo", f"{where}.additionalInfo")
    rec.ip_events = _ip_events(block, where)
    for dev in block.findall("deviceId"):
        value = _t(dev, "idValue", f"{where}.deviceId")
        if value:
            rec.device_ids.append({"type": _t(dev, "idType", f"{where}.deviceId.idType"),
                                   "value": value})
    est = _estimated(block, f"{where}.estimatedLocation", warnings)
    if est:
        rec.places.append(est)
    return rec


def file_details(el: Any, where: str, warnings: list[str] | None = None) -> FileRec:
    """A `<fileDetails>` element (inside a report as a Tipline extension, or via the API)."""
    if not isinstance(el, K):
        el = K(el)
    rec = FileRec(
        filename=_t(el, "fileName", f"{where}.fileName"),
        original_filename=v.text(_t(el, "originalFileName", f"{where}.originalFileName"),
                                 field=f"{where}.originalFileName", limit=2056),
        esp_file_id=_t(el, "fileId", f"{where}.fileId"),
        location_url=v.text(_t(el, "locationOfFile", f"{where}.locationOfFile"),
                            field=f"{where}.locationOfFile", limit=2083),
        viewed_by_esp=_optional(warnings, v.flag, _t(el, "fileViewedByEsp", f"{where}.viewed"),
                                f"{where}.viewed"),
        publicly_available=_optional(warnings, v.flag,
                                     _t(el, "publiclyAvailable", f"{where}.public"),
                                     f"{where}.public"),
        relevance=_t(el, "fileRelevance", f"{where}.fileRelevance"),
        classification=_t(el, "industryClassification", f"{where}.industryClassification"),
    )
    ann = el.find("fileAnnotations")
    if ann is not None:
        rec.annotations = [_local(c.tag) for c in ann if _local(c.tag) in FILE_ANNOTATIONS]
    for h in el.findall("originalFileHash"):
        kind = (h.get("hashType") or "").lower().replace("-", "")
        if kind and h.text:
            rec.declared_hashes[kind] = v.text(h.text, field=f"{where}.originalFileHash").lower()
    for d in el.findall("details"):
        for pair in d.findall("nameValuePair"):
            name = _t(pair, "name", f"{where}.details.name")
            if name:
                rec.esp_metadata[f"{d.get('type') or 'details'}:{name}"] = _t(
                    pair, "value", f"{where}.details.value")
    rec.ip_events = _ip_events(el, where)
    return rec




def report_from_element(el: Any, *, raw: bytes, position: str) -> ReportRec:
    """Map one `<report>` element to a ReportRec; raises BadValue/RejectedInput."""
    if missing := _missing_required(el):
        raise RejectedInput(f"{missing} is required (cyber_tipline.xsd)")
    el = K(el)
    summary = el.find("incidentSummary")
    if summary is None:
        raise RejectedInput("incidentSummary is required")
    incident_type = _t(summary, "incidentType", "incidentType")
    if not incident_type:
        raise RejectedInput("incidentSummary/incidentType is required")
    incident_type = v.incident_type(incident_type)
    if incident_type not in v.INCIDENT_TYPES:
        raise RejectedInput(f"incidentType {incident_type[:80]!r} is not a CyberTipline type")
    incident_at = v.when(_t(summary, "incidentDateTime", "incidentDateTime"),
                         field="incidentDateTime")
    if incident_at is None:
        raise RejectedInput("incidentSummary/incidentDateTime is required")
    reporter_el = el.find("reporter")
    if reporter_el is None:
        raise RejectedInput("reporter is required")
    rec = build.report(source="platform", raw=raw, raw_kind="xml", position=position,
                       external_id=v.text(el.get("id"), field="report/@id", limit=100))
    rec.incident_at = incident_at
    rec.incident_at_text = _t(summary, "incidentDateTimeDescription",
                              "incidentDateTimeDescription")
    rec.incident_type = incident_type
    rec.platform = _t(summary, "platform", "platform")
    ann = summary.find("reportAnnotations")
    if ann is not None:
        rec.annotations = [_local(c.tag) for c in ann if _local(c.tag) in ANNOTATIONS]
    rec.escalated = summary.find("escalateToHighPriority") is not None
    rec.escalation_note = _t(summary, "escalateToHighPriority", "escalateToHighPriority")
    rec.additional_info = _t(el, "additionalInfo", "additionalInfo")
    rp = reporter_el.find("reportingPerson")
    rec.reporter = {
        "name": " ".join(x for x in [_t(rp, "firstName", "reporter.firstName"),
                                     _t(rp, "lastName", "reporter.lastName")] if x)
        if rp is not None else "",
        "email": _t(rp, "email", "reporter.email") if rp is not None else "",
        # boilerplate the company adds to every report (legal process, retention), not the
        # platform's name
        "company template": _t(reporter_el, "companyTemplate", "reporter.companyTemplate"),
    }
    for i, details in enumerate(el.findall("internetDetails")):
        where = f"internetDetails[{i}]"
        for child in details:
            kind = _local(child.tag)
            if kind == "webPageIncident":
                rec.urls += _all(child, "url", f"{where}.url")
            elif kind == "cellPhoneIncident":
                lat = _optional(rec.warnings, v.latitude,
                                _t(child, "latitude", f"{where}.latitude"), f"{where}.latitude")
                lon = _optional(rec.warnings, v.longitude,
                                _t(child, "longitude", f"{where}.longitude"),
                                f"{where}.longitude")
                if lat is not None and lon is not None:
                    rec.places.append(PlaceRec(kind="gps", latitude=lat, longitude=lon))
            elif kind == "nonInternetIncident":
                rec.places += _incident_places(child, f"{where}.nonInternetIncident")
            elif kind == "peer2peerIncident":
                rec.ip_events += _ip_events(child, where)
    suspect = el.find("personOrUserReported")
    if suspect is not None:
        rec.subjects.append(person(suspect, "suspect", "personOrUserReportedPerson", "suspect",
                                   rec.warnings))
    for i, block in enumerate(el.findall("intendedRecipient")):
        rec.subjects.append(
            person(block, "recipient", "intendedRecipientPerson", f"intendedRecipient[{i}]",
                   rec.warnings))
    for i, block in enumerate(el.findall("victim")):
        rec.subjects.append(person(block, "victim", "victimPerson", f"victim[{i}]",
                                   rec.warnings))
    for i, fd in enumerate(el.findall("fileDetails")):
        rec.files.append(file_details(fd, f"fileDetails[{i}]", rec.warnings))
    rec.details = _details(el.el)
    _phones_without_code(rec)
    return rec


_INDIA = frozenset({"IN", "IND", "INDIA", "BHARAT", "REPUBLIC OF INDIA"})


@lru_cache(maxsize=1)
def _indian_states() -> frozenset[str]:
    names = {*STATE_NAMES.values(), *PINCODE_STATE_NAMES.values(),
             *(a for aliases in STATE_ALIASES.values() for a in aliases)}
    return frozenset(fold(n) for n in names)


def _india_evidence(rec: ReportRec) -> str:
    """What in the report places it in India (an address or estimate in India or in an
    Indian state), or ""."""
    places = [*rec.places, *(p for s in rec.subjects for p in s.places)]
    for place in places:
        if fold(place.country) in _INDIA:
            return f"the report's {place.kind} is in India ({place.country})"
        if place.state and fold(place.state) in _indian_states():
            return f"the report's {place.kind} is in {place.state}"
    return ""


def _phones_without_code(rec: ReportRec) -> None:
    """Numbers the sender gave without a countryCallingCode: read as Indian (+91) only when
    something else in the report places it in India; otherwise kept as written, not placed.
    Either way a warning on the report says which, and why."""
    evidence = ""
    for subject in rec.subjects:
        if subject.phones_without_code and not evidence:
            evidence = _india_evidence(rec) or "-"
        for number in subject.phones_without_code:
            if evidence != "-":
                subject.phones.append(v.phone(number))
                rec.warnings.append(f"phone {number!r} has no countryCallingCode: read as "
                                    f"Indian (+91) because {evidence}")
            else:
                subject.phones.append(v.phone(number, region="ZZ"))
                rec.warnings.append(f"phone {number!r} has no countryCallingCode and nothing "
                                    "else in the report places it in India: not read as "
                                    "Indian, not used to place the report")


PROLOG_BYTES = 64 * 1024
_ELEMENT_START = re.compile(rb"<[A-Za-z_:]")


def _prolog_refusal(head: bytes) -> str | None:
    """Refuse DTDs before the parser sees them (entity bombs, external entities)."""
    match = _ELEMENT_START.search(head)
    prolog = head[: match.start()] if match else head
    if b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog:
        return "XML with a DOCTYPE is refused: DTDs and entities are not allowed"
    if match is None and len(head) >= PROLOG_BYTES:
        return f"no root element in the first {PROLOG_BYTES} bytes"
    return None


class _Rewound:
    """A file object that first returns bytes already read from it."""

    def __init__(self, head: bytes, fh: Any) -> None:
        self.head, self.fh = head, fh

    def read(self, size: int = -1) -> bytes:
        if self.head:
            if size < 0 or size >= len(self.head):
                data, self.head = self.head, b""
                return data + (self.fh.read(size - len(data)) if size > 0 else
                               self.fh.read() if size < 0 else b"")
            data, self.head = self.head[:size], self.head[size:]
            return data
        return self.fh.read(size)


_PARSER_OPTIONS = {
    "resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False,
    "remove_comments": True, "remove_pis": True,
}


@register
class CyberTiplineXmlImporter(StreamImporter):
    name = "cybertipline-xml"
    suffixes = (".xml",)

    def parse_stream(self, fh: Any, *, name: str) -> Iterator[Outcome]:
        head = fh.read(PROLOG_BYTES)
        if refusal := _prolog_refusal(head):
            yield RejectedRec(name, "file", refusal)
            return
        context = etree.iterparse(_Rewound(head, fh), events=("end",),
                                  tag=("report", "{*}report"), **_PARSER_OPTIONS)
        index = 0
        limit = _max_record()
        try:
            for _event, el in context:
                if index == 0 and el.getroottree().docinfo.doctype:
                    yield RejectedRec(name, "file", "XML with a DOCTYPE is refused: DTDs and "
                                      "entities are not allowed")
                    return
                parent = el.getparent()
                if parent is not None and parent.getparent() is not None:
                    continue  # only <report> as root or as a child of the root
                index += 1
                position = f"{name}#{index}"
                try:
                    raw = etree.tostring(el)
                    if len(raw) > limit:
                        raise RejectedInput(f"record is {len(raw)} bytes, over the limit")
                    yield report_from_element(el, raw=raw, position=position)
                except RejectedInput as exc:
                    yield RejectedRec(name, f"report {index}", str(exc))
                finally:
                    el.clear()
                    if parent is not None:
                        while el.getprevious() is not None:
                            del parent[0]
        except etree.XMLSyntaxError as exc:
            message = str(exc.msg)
            if "encoding" in message.lower() or "utf-8" in message.lower():
                message = f"not valid UTF-8 ({message})"
            else:
                message = f"malformed XML: {message}"
            yield RejectedRec(name, f"after report {index}", message)
            return
        if index == 0:
            root_doctype = getattr(getattr(context, "root", None), "getroottree", None)
            if root_doctype is not None and context.root.getroottree().docinfo.doctype:
                yield RejectedRec(name, "file", "XML with a DOCTYPE is refused: DTDs and "
                                  "entities are not allowed")
            else:
                yield RejectedRec(name, "file", "no <report> element found")


def _max_record() -> int:
    from django.conf import settings

    return int(settings.MAX_RECORD_BYTES)


#: for the CyberTipline API, which reads one `<report>` or `<fileDetails>` per request
PARSER_OPTIONS = _PARSER_OPTIONS
prolog_refusal = _prolog_refusal
