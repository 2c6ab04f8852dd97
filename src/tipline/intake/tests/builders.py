"""Builders of benign test inputs: CyberTipline XML, NCMEC export folders/ZIPs, CSV, XLSX."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

CP = "Child Pornography (possession, manufacture, and distribution)"


def pattern_png(seed: int, size: int = 64) -> bytes:
    """A generated benign image: stripes and a circle, different per seed."""
    img = Image.new("RGB", (size, size), ((seed * 37) % 256, (seed * 91) % 256, 120))
    draw = ImageDraw.Draw(img)
    for x in range(0, size, 8):
        draw.line([(x, 0), (size - x, size)], fill=(255, (seed * 13) % 256, 0))
    draw.ellipse([size // 4, size // 4, 3 * size // 4, 3 * size // 4], outline=(0, 0, 0))
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def minimal_pdf(text: str) -> bytes:
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n% " + text.encode() +
            b"\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def xml_report(rid: str | None = "R1", *, incident_type: str = CP, screen: str = "user_one",
               email: str = "One@Example.in", phone: str = "98765 43210",
               state: str = "Maharashtra", city: str = "Beed", pin: str = "431122",
               extra: str = "") -> str:
    ident = f' id="{rid}"' if rid else ""
    return (
        f"<report{ident}><incidentSummary><incidentType>{incident_type}</incidentType>"
        "<platform>ExampleChat</platform><reportAnnotations><sextortion/></reportAnnotations>"
        "<incidentDateTime>2024-03-01T10:00:00Z</incidentDateTime></incidentSummary>"
        "<internetDetails><webPageIncident><url>https://example.com/a</url></webPageIncident>"
        "</internetDetails>"
        "<reporter><reportingPerson><email>ts@example.com</email></reportingPerson></reporter>"
        "<personOrUserReported><personOrUserReportedPerson><firstName>Test</firstName>"
        f"<lastName>Person</lastName><phone>{phone}</phone><email>{email}</email>"
        f"<address><address>1 Road</address><city>{city}</city><zipCode>{pin}</zipCode>"
        f"<nonUsaState>{state}</nonUsaState><country>IN</country></address>"
        "</personOrUserReportedPerson><espIdentifier>u-1</espIdentifier>"
        f"<espService>Chat</espService><screenName>{screen}</screenName>"
        "<ipCaptureEvent><ipAddress>49.36.10.20</ipAddress><eventName>Login</eventName>"
        "<dateTime>2024-03-01T09:00:00Z</dateTime><port>44321</port></ipCaptureEvent>"
        "<deviceId><idType>IMEI</idType><idValue>356938035643809</idValue></deviceId>"
        "</personOrUserReported>"
        "<fileDetails><fileName>a.jpg</fileName><fileViewedByEsp>true</fileViewedByEsp>"
        '<originalFileHash hashType="MD5">0123456789ABCDEF0123456789abcdef</originalFileHash>'
        "</fileDetails>"
        f"{extra}</report>"
    )


def xml_doc(*reports: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<reports>' + "".join(reports)
            + "</reports>").encode()


def ncmec_json(rid: str = "1001", *, region: str = "Maharashtra", city: str = "Beed",
               files: list[str] | None = None, **over: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "reportId": rid,
        "dateReceived": "01-15-2020 10:32:11 UTC",
        "priorityLevel": "2",
        "reportType": "Referral",
        "reportedInformation": {
            "reportingEsp": {"espName": "ExampleGram"},
            "incidentSummary": {"incidentType": CP,
                                "incidentDateTime": "2020-01-14T08:00:00+05:30"},
            "reportedPeople": {"reportedPersons": [{
                "firstName": "N/A", "screenName": {"value": "Shadow_1"}, "espUserId": "998",
                "espService": "ExampleGram", "emails": {"emails": [{"value": "s@example.in"}]},
                "phones": {"phones": [{"value": "+91-98200 12345"}]},
                "addresses": {"addresses": [{"street1": "2 Lane", "city": city, "state": region,
                                             "postalCode": "431122", "country": "IN"}]},
                "sourceInformation": {"sourceCaptures": [
                    {"captureType": "IP Address", "value": "106.200.1.2", "port": "5555",
                     "dateTime": "2020-01-14T02:00:00Z", "eventName": "Login"},
                    {"captureType": "Profile URL", "value": "https://example.com/shadow"}]},
            }]},
            "uploadedFiles": {"uploadedFiles": [
                {"filename": name, "viewedByEsp": "true", "publiclyAvailable": "false",
                 "industryClassification": "B1"} for name in (files or [])]},
            "additionalInformations": [{"value": "hub test"}],
        },
        "ncmecGeolocation": [{"ipAddress": "106.200.1.2", "country": "IN", "region": region,
                              "city": city, "postalCode": "431122", "latitude": "18.99",
                              "longitude": "75.76", "isp": "Example ISP"}],
        "ncmecNotes": "related to nothing",
    }
    doc.update(over)
    return doc


def ncmec_folder(root: Path, rid: str = "1001", *, seed: int = 1, **kw: Any) -> Path:
    """A report folder as NCMEC exports it: <rid>/<rid>.json, <rid>.pdf, files/<name>."""
    folder = root / rid
    (folder / "files").mkdir(parents=True)
    names = [f"img{seed}.png"]
    (folder / "files" / names[0]).write_bytes(pattern_png(seed))
    (folder / f"{rid}.json").write_text(json.dumps(ncmec_json(rid, files=names, **kw)))
    (folder / f"{rid}.pdf").write_bytes(minimal_pdf(rid))
    return folder


def ncmec_zip(path: Path, rids: list[str], *, nested: bool = False) -> Path:
    """Many reports in one ZIP: a folder per report, or (nested) a ZIP per report."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for i, rid in enumerate(rids):
            members = {
                f"{rid}/{rid}.json": json.dumps(ncmec_json(rid, files=[f"f{i}.png"])).encode(),
                f"{rid}/{rid}.pdf": minimal_pdf(rid),
                f"{rid}/files/f{i}.png": pattern_png(i),
            }
            if nested:
                inner = io.BytesIO()
                with zipfile.ZipFile(inner, "w") as z2:
                    for name, data in members.items():
                        z2.writestr(name, data)
                zf.writestr(f"{rid}.zip", inner.getvalue())
            else:
                for name, data in members.items():
                    zf.writestr(name, data)
    return path
