"""Writes of the tips app: a tip becomes a public report (through intake's writer, like any
import), with its tracking number and the hash of its secret; each tip spends its challenge;
the per-address counts behind the rate limit."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.db.models import F

from tipline.accounts.services import system_user
from tipline.audit.services import audit_record
from tipline.intake.models import Artifact, Place, Source
from tipline.intake.records import ArtifactRec, FileRec, PlaceRec, ReportRec
from tipline.intake.services import report_receive
from tipline.jurisdictions.data import STATE_NAMES, zone_agrees
from tipline.tips.codes import secret_new, tracking_new
from tipline.tips.models import AddressCount, SpentChallenge, Tip, window_start

#: the system user tips are recorded under (nobody logs in as it)
ACTOR = "public-tips"


class ChallengeReplayed(Exception):
    """The challenge was already used by another tip."""


@dataclass(frozen=True)
class TipFile:
    """A file the tipster attached: its name as sent, type, and a way to read it."""

    name: str
    content_type: str
    chunks: Callable[[], Iterator[bytes]]


@dataclass(frozen=True, kw_only=True)
class TipInput:
    """What the tipster wrote (checked by the form): what happened, where, links, files,
    and contact details unless anonymous (then all empty)."""

    what: str
    state_code: str = ""
    district: str = ""
    pin: str = ""
    place: str = ""
    links: list[str] = field(default_factory=list)
    name: str = ""
    phone: str = ""
    email: str = ""
    files: list[TipFile] = field(default_factory=list)

    @property
    def anonymous(self) -> bool:
        return not (self.name or self.phone or self.email)


@dataclass(frozen=True)
class TipReceipt:
    """What the tipster is shown once: the tracking number and the secret."""

    tracking: str
    secret: str
    report_id: int


def challenge_spend(*, nonce: str, now: datetime | None = None) -> None:
    """Use a challenge once (inside the caller's transaction); ChallengeReplayed when it was
    used before. Challenges past their age are forgotten (they fail as expired anyway)."""
    now = now or datetime.now(UTC)
    SpentChallenge.objects.filter(
        spent_at__lt=now - timedelta(seconds=settings.TIP_CHALLENGE_SECONDS + 120)).delete()
    try:
        with transaction.atomic():
            SpentChallenge.objects.create(nonce=nonce[:40], spent_at=now)
    except IntegrityError:
        raise ChallengeReplayed(nonce) from None


def address_count_add(*, scope: str, address: str, now: datetime | None = None) -> int:
    """One more of `scope` (AddressCount.Scope) for the address in the current window (the
    hour for tips, the minute for look-ups); returns the window's count. Rows of windows
    past are deleted as each new window starts."""
    now = now or datetime.now(UTC)
    window = window_start(scope, now)
    mine = AddressCount.objects.filter(scope=scope, address=address, window=window)
    with transaction.atomic():
        if not mine.update(count=F("count") + 1):
            AddressCount.objects.filter(scope=scope, window__lt=window).delete()
            try:
                with transaction.atomic():
                    AddressCount.objects.create(scope=scope, address=address, window=window,
                                                count=1)
            except IntegrityError:  # another process made the row meanwhile
                mine.update(count=F("count") + 1)
        return int(mine.values_list("count", flat=True).get())


def _record(tip: TipInput, *, tracking: str, language: str, now: datetime) -> ReportRec:
    """The tip as intake's normalised report: the text as the sender's free text, the place
    as an incident address, the links as the incident URLs, contact details as the reporter,
    and the whole as typed kept as a JSON artifact."""
    state = STATE_NAMES.get(tip.state_code, "")
    typed = {"what": tip.what, "state": state, "district": tip.district, "pin": tip.pin,
             "place": tip.place, "links": tip.links, "name": tip.name, "phone": tip.phone,
             "email": tip.email, "files": [f.name for f in tip.files], "language": language}
    raw = json.dumps(typed, ensure_ascii=False, sort_keys=True).encode()
    places = []
    if state or tip.district or tip.pin or tip.place:
        places.append(PlaceRec(kind=Place.Kind.INCIDENT, street=tip.place, district=tip.district,
                               state=state, postal_code=tip.pin, country="India"))
    warnings = []
    if tip.pin and state and not zone_agrees(tip.pin, tip.state_code):
        warnings.append(f"PIN {tip.pin} is not in the postal zone of {state}")
    reporter = {k: v for k, v in (("name", tip.name), ("phone", tip.phone),
                                  ("email", tip.email)) if v}
    return ReportRec(
        source=Source.PUBLIC, external_id=tracking,
        content_sha256=hashlib.sha256(raw + tracking.encode()).hexdigest(),
        position=f"public tip {tracking}", received_at=now, incident_type="Public tip",
        additional_info=tip.what, reporter=reporter, urls=list(tip.links), places=places,
        files=[FileRec(filename=f.name, original_filename=f.name, mime=f.content_type,
                       relevance="Reported", content=f.chunks) for f in tip.files],
        artifacts=[ArtifactRec(kind=Artifact.Kind.OTHER, name="tip.json", data=raw)],
        warnings=warnings,
        details=[["tip/tracking", tracking], ["tip/language", language],
                 ["tip/contact", "anonymous" if tip.anonymous else "given"],
                 ["tip/files", str(len(tip.files))]],
    )


def tip_submit(*, tip: TipInput, challenge_nonce: str, address: str,
               language: str) -> TipReceipt:
    """A tip from the public form becomes a public report that follows the flow like any
    other (its files scanned, then routed, once this commits), with a tracking number and a
    secret only the tipster gets (kept as a hash). The challenge is spent and the address
    counted in the same transaction, with the audit event. ChallengeReplayed when the
    challenge was used before (nothing is stored then)."""
    actor = system_user(ACTOR)
    now = datetime.now(UTC)
    secret = secret_new()
    with transaction.atomic():
        challenge_spend(nonce=challenge_nonce, now=now)
        tracking = tracking_new()
        while Tip.objects.filter(tracking=tracking).exists():
            tracking = tracking_new()
        report = report_receive(actor=actor, rec=_record(tip, tracking=tracking,
                                                         language=language, now=now),
                                label=f"Public tip {tracking}")
        Tip.objects.create(report=report, tracking=tracking, secret_hash=make_password(secret),
                           language=language[:8], anonymous=tip.anonymous, received_at=now)
        address_count_add(scope=AddressCount.Scope.TIP, address=address, now=now)
        audit_record(actor=actor, action="tip.received", obj=report, data={
            "tracking": tracking, "files": len(tip.files), "links": len(tip.links),
            "anonymous": tip.anonymous, "language": language})
    return TipReceipt(tracking=tracking, secret=secret, report_id=report.pk)
