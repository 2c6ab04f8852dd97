"""Generate N CyberTipline XML reports into one file (a <reports> root), streaming."""

from __future__ import annotations

import random
from pathlib import Path
from xml.sax.saxutils import escape

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<reports '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:noNamespaceSchemaLocation="https://report.cybertip.org/ispws/xsd">\n')
PLACES = [("Maharashtra", "Mumbai", "400020"), ("Maharashtra", "Pune", "411001"),
          ("Maharashtra", "Beed", "431122"), ("Delhi", "New Delhi", "110001"),
          ("Gujarat", "Ahmedabad", "380001"), ("Uttar Pradesh", "Lucknow", "226001"),
          ("West Bengal", "Kolkata", "700001"), ("Karnataka", "Bengaluru Urban", "560001")]
SERVICES = ["Instagram", "Facebook", "WhatsApp", "Snapchat", "Discord"]


def report_xml(i: int, rng: random.Random) -> str:
    state, city, pin = rng.choice(PLACES)
    service = rng.choice(SERVICES)
    ip = f"49.{rng.randint(36, 39)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    day = rng.randint(1, 28)
    md5 = f"{rng.getrandbits(128):032x}"
    return (
        f'<report id="BENCH-{i}"><incidentSummary>'
        "<incidentType>Child Pornography (possession, manufacture, and distribution)"
        f"</incidentType><platform>{service}</platform>"
        f"<incidentDateTime>2023-05-{day:02d}T10:{i % 60:02d}:00Z</incidentDateTime>"
        "</incidentSummary>"
        "<internetDetails><webPageIncident><url>https://example.com/p/"
        f"{i}</url></webPageIncident></internetDetails>"
        "<reporter><reportingPerson><firstName>Trust</firstName><lastName>Safety</lastName>"
        f"<email>ts@{service.lower()}.example</email></reportingPerson></reporter>"
        "<personOrUserReported><personOrUserReportedPerson>"
        f"<firstName>User{i}</firstName><lastName>Demo</lastName>"
        f'<phone type="Mobile">+9198{rng.randint(10000000, 99999999)}</phone>'
        f"<email>user{i}@example.in</email>"
        f'<address type="Home"><address>{i} Main Road</address><city>{escape(city)}</city>'
        f"<zipCode>{pin}</zipCode><nonUsaState>{escape(state)}</nonUsaState>"
        "<country>IN</country></address></personOrUserReportedPerson>"
        f"<espIdentifier>{rng.getrandbits(48)}</espIdentifier><espService>{service}</espService>"
        f"<screenName>user_{i}</screenName>"
        f"<ipCaptureEvent><ipAddress>{ip}</ipAddress><eventName>Login</eventName>"
        f"<dateTime>2023-05-{day:02d}T09:00:00Z</dateTime><port>{rng.randint(1024, 65535)}"
        "</port></ipCaptureEvent>"
        "</personOrUserReported>"
        f"<fileDetails><fileName>file{i}.jpg</fileName><fileViewedByEsp>true</fileViewedByEsp>"
        f'<publiclyAvailable>false</publiclyAvailable><originalFileHash hashType="MD5">{md5}'
        "</originalFileHash></fileDetails>"
        "</report>\n"
    )


def write_reports(path: Path, n: int, *, seed: int = 1) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        out.write(HEAD)
        for i in range(n):
            out.write(report_xml(i, rng))
        out.write("</reports>\n")
