"""A report's whole record as plain data: what `tipline reports show` prints, as text or
JSON. Intake gives the report and what it carries; each later step (where it is, its links,
its media, its case) adds its part from its `AppConfig.ready()`, as it adds its section to
the report page. Intake imports none of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models

from tipline.accounts.policies import scoped
from tipline.accounts.types import Viewer
from tipline.intake.models import Report, Submission

#: a later step's part of the record: (report) -> plain data, or None when it has nothing
Part = Callable[[Report], Any]

_parts: dict[str, tuple[int, Part]] = {}


def dossier_register(name: str, order: int, part: Part) -> None:
    """Add a later step's part to every report's record (once per name)."""
    _parts[name] = (order, part)


def plain(value: Any) -> Any:
    """A value as JSON takes it: times in ISO 8601, model rows as their fields."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return fields(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def fields(row: models.Model, *, without: Iterable[str] = ()) -> dict[str, Any]:
    """A row's own fields (a foreign key as its id, under the field's name)."""
    skip = {"report", *without}
    return {f.name: plain(getattr(row, f.attname)) for f in row._meta.concrete_fields
            if f.name not in skip}


def report_dossier(report: Report) -> dict[str, Any]:
    """Everything about one report: its fields, the people, places, IP events, files and
    identifiers it carries, then each later step's part."""
    own = fields(report, without=("batch",))
    own["reference"] = report.reference
    own["jurisdiction"] = {"code": report.jurisdiction.code, "name": report.jurisdiction.name}
    submission = Submission.objects.filter(report=report).first()
    if submission is not None:  # sent through the CyberTipline API: open, finished, retracted
        own["submission"] = {"report_id": submission.pk, "state": submission.state,
                             "account": submission.account.username,
                             "opened_at": plain(submission.opened_at),
                             "closed_at": plain(submission.closed_at)}
    out: dict[str, Any] = {
        "report": own,
        "subjects": [fields(s) for s in report.subjects.order_by("id")],
        "places": [fields(p) for p in report.places.order_by("id")],
        "ip_events": [fields(e) for e in report.ip_events.order_by("occurred_at", "id")],
        "files": [fields(f) for f in report.files.order_by("id")],
        # values are sealed (core.fields): ordered here, not by the database
        "identifiers": [fields(i) for i in sorted(report.identifiers.all(),
                                                  key=lambda i: (i.kind, i.value))],
    }
    for name, (_order, part) in sorted(_parts.items(), key=lambda item: item[1][0]):
        out[name] = part(report)
    return out


def report_find(key: str, *, user: Viewer) -> list[Report]:
    """The reports the user may see by Tipline reference (TL-00000001) or by the sender's
    report id (current versions first); a bare number that is no sender's id is taken as the
    reference's."""
    text = key.strip()
    visible = scoped(Report.objects.all(), user=user, action="report.view")
    if text.upper().startswith("TL-") and text[3:].isdigit():
        return list(visible.filter(pk=int(text[3:])))
    found = list(visible.filter(external_id=text).order_by("-is_current", "source", "-version"))
    if not found and text.isdigit():
        found = list(visible.filter(pk=int(text)))
    return found
