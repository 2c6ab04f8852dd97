"""The demo's platform: a demo platform account sends a few hundred reports through the
CyberTipline Reporting API (`/ispws/`), call by call as a platform's client does (submit,
upload, fileinfo, finish), so that platform reports show in the lists, the funnel and the
packets beside NCMEC's. The calls go through Tipline's own WSGI application in this process
(no server needs to run yet); each report carries one of the demo's generated images.

DEMO ONLY: the reports are invented (fake people, reserved example domains), the images
are generated shapes and text.
"""

from __future__ import annotations

import base64
import random
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tipline.core.progress import NullProgress, Progress
from tipline.demo import data as ref
from tipline.demo.images import make_pool
from tipline.demo.people import Identity, identity, pick_ip
from tipline.demo.places import Place, place_in
from tipline.demo.plan import plan
from tipline.demo.steps.users import DEMO_PASSWORD, PLATFORM_USERNAME
from tipline.intake.models import Report, Source

#: how many reports the demo platform sends
PLATFORM_REPORTS = 300
#: the demo platform's name, as its reports give it
PLATFORM_NAME = "ExampleChat (demo platform)"
_START = datetime(2024, 3, 1, tzinfo=UTC)


@dataclass(frozen=True)
class PlatformSent:
    """What the demo platform sent through the API."""

    sent: int
    already: int

    def summary(self) -> str:
        if not self.sent:
            return f"demo platform: {self.already} reports sent through /ispws/ already"
        return (f"demo platform ({PLATFORM_USERNAME}): sent {self.sent} reports through the "
                "CyberTipline API (/ispws/), each with one generated image")


def _person(ident: Identity, place: Place) -> str:
    state = ref.STATE_BY_CODE[place.state].name
    return (
        "<personOrUserReportedPerson>"
        f"<firstName>{escape(ident.first)}</firstName><lastName>{escape(ident.last)}</lastName>"
        f'<phone countryCallingCode="+91">{ident.phone}</phone>'
        f"<email>{escape(ident.email)}</email>"
        f"<address><city>{escape(place.city.title())}</city><zipCode>{place.pin}</zipCode>"
        f"<nonUsaState>{escape(state)}</nonUsaState><country>IN</country></address>"
        "</personOrUserReportedPerson>")


def platform_report_xml(index: int, *, seed: int, slot_state: str, slot_district: str,
                        slot_area: str) -> bytes:
    """The `<report>` of the demo platform's report `index`: a suspect with a name, phone,
    e-mail and an address in the planned place, a screen name and an IP capture event."""
    rng = random.Random(f"demo-platform:{seed}:{index}")
    ident = identity(slot_state, rng, lambda r: 0)
    place = place_in(slot_state, slot_district, slot_area, rng)
    when = _START + timedelta(minutes=rng.randint(0, 150 * 24 * 60))
    incident = ref.INCIDENT_TYPES[0][0] if rng.random() < 0.9 else \
        "Online Enticement of Children for Sexual Acts"
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        f"<report><incidentSummary><incidentType>{escape(incident)}</incidentType>"
        f"<platform>{escape(PLATFORM_NAME)}</platform>"
        f"<incidentDateTime>{stamp}</incidentDateTime></incidentSummary>"
        "<reporter><reportingPerson><email>safety@examplechat.example</email>"
        "</reportingPerson></reporter>"
        f"<personOrUserReported>{_person(ident, place)}"
        f"<espIdentifier>{rng.randrange(10**9, 10**10)}</espIdentifier>"
        f"<screenName>{escape(ident.screen_name)}</screenName>"
        f"<ipCaptureEvent><ipAddress>{pick_ip(ident.isp, rng)}</ipAddress>"
        f"<eventName>Login</eventName><dateTime>{stamp}</dateTime></ipCaptureEvent>"
        "</personOrUserReported></report>").encode()


class _Api:
    """The demo platform's client: Tipline's own WSGI application, called in-process."""

    def __init__(self) -> None:
        host = next((h for h in settings.ALLOWED_HOSTS if h and "*" not in h), "127.0.0.1")
        self.client = Client(HTTP_HOST=host.lstrip("."))
        token = base64.b64encode(f"{PLATFORM_USERNAME}:{DEMO_PASSWORD}".encode()).decode()
        self.auth = {"HTTP_AUTHORIZATION": f"Basic {token}"}

    def call(self, path: str, data: object, content_type: str | None = None) -> str:
        extra: dict[str, Any] = {**self.auth}
        if content_type:
            extra["content_type"] = content_type
        response = self.client.post(f"/ispws/{path}", data, **extra)
        text = response.content.decode()
        code = re.search(r"<responseCode>(\d+)</responseCode>", text)
        if code is None or code.group(1) != "0":
            raise RuntimeError(f"/ispws/{path} answered HTTP {response.status_code}: "
                               f"{text[:300]}")
        return text

    def send(self, report: bytes, name: str, image: bytes) -> None:
        answer = self.call("submit", report, "application/xml")
        report_id = re.search(r"<reportId>(\d+)</reportId>", answer).group(1)  # type: ignore[union-attr]
        answer = self.call("upload", {"id": report_id,
                                      "file": SimpleUploadedFile(name, image)})
        file_id = re.search(r"<fileId>(\d+)</fileId>", answer).group(1)  # type: ignore[union-attr]
        self.call("fileinfo", (f"<fileDetails><reportId>{report_id}</reportId><fileId>{file_id}"
                               f"</fileId><fileName>{escape(name)}</fileName>"
                               "<fileViewedByEsp>true</fileViewedByEsp></fileDetails>").encode(),
                  "application/xml")
        self.call("finish", {"id": report_id})


def platform_reports_send(*, count: int = PLATFORM_REPORTS, seed: int,
                          progress: Progress | None = None) -> PlatformSent:
    """Send the demo platform's reports through `/ispws/` (once: a second run finds them)."""
    already = Report.objects.filter(source=Source.PLATFORM,
                                    external_id__startswith=f"{PLATFORM_USERNAME}:").count()
    if already:
        return PlatformSent(0, already)
    progress = progress or NullProgress()
    slots = [s for s in plan(count * 2, seed + 1) if s.state][:count]
    pool = make_pool(24, seed + 1)
    api = _Api()
    for index, slot in enumerate(slots):
        image = pool[index % len(pool)]
        api.send(platform_report_xml(index, seed=seed, slot_state=slot.state,
                                     slot_district=slot.district, slot_area=slot.area),
                 f"upload_{index + 1}.{image.ext}", image.data)
        progress.update(done=index + 1, total=len(slots))
    return PlatformSent(len(slots), 0)
