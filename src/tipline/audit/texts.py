"""Audit events as sentences for the auditor's page: a registry of action -> template.

A template names `{actor}`, `{object}` (e.g. "report 12") and any key of the event's data;
data keys a template does not use follow it as `key=value`. An action without a template, or
whose template names a key the event lacks, reads as its action name and every pair.
"""

from __future__ import annotations

import json
from typing import Any

from tipline.audit.models import AuditEvent

#: object_type -> the noun an auditor reads
NOUNS: dict[str, str] = {
    "intake.report": "report",
    "intake.importbatch": "import",
    "cases.case": "case",
    "dispatch.packet": "packet",
    "accounts.user": "user",
    "accounts.apitoken": "API token",
    "media.mediafile": "file",
    "media.hashbank": "hash bank",
    "jurisdictions.unit": "unit",
    "trawler.finding": "trawler finding",
}

#: action -> sentence template
TEMPLATES: dict[str, str] = {
    "audit.checkpointed": "{actor} signed an audit checkpoint",
    "user.created": "{actor} created user {username}",
    "grant.added": "{actor} granted {role} over {jurisdiction} to {object}",
    "api_token.created": "{actor} created API token {name} for {user}",
    "api_token.revoked": "{actor} revoked {object}",
    "api_token.rejected": "a {reason} API token was refused from {address}",
    "api_token.new_address": "{actor} used {object} from a new address, {address}",
    "login.locked": "logins of {username} from {address} locked after {failures} failures",
    "login.unlocked": "{actor} lifted the login lock of {username} {address}",
    "otp.enrolled": "{actor} set up a second factor",
    "otp.verified": "{actor} passed the second factor",
    "otp.failed": "{actor} entered a wrong {kind} code",
    "otp.recovery_used": "{actor} used a recovery code ({recovery_codes_left} left)",
    "otp.recovery_regenerated": "{actor} made new recovery codes",
    "otp.reset": "{actor} reset the second factor of {username}",
    "otp.required": "{actor} required a second factor of {username}",
    "otp.not_required": "{actor} stopped requiring a second factor of {username}",
    "report.viewed": "{actor} viewed {object}",
    "report.transferred": "{actor} transferred {object}",
    "report.closed": "{actor} closed {object}",
    "reports.imported": "{actor} imported reports in {object}",
    "reports.routed": "{actor} routed reports",
    "import.queued": "{actor} queued {object}",
    "import.retried": "{actor} retried {object}",
    "submission.opened": "{actor} opened API report {report_id}",
    "submission.file_added": "{actor} added a file to {object}",
    "submission.file_described": "{actor} described a file of {object}",
    "submission.finished": "{actor} finished {object}",
    "submission.retracted": "{actor} retracted {object}",
    "submission.expired": "{actor} expired unfinished {object}",
    "tip.received": "{actor} received a public tip as {object}",
    "media.revealed": "{actor} revealed a {kind} of {object} (report {report})",
    "media.classified": "{actor} classified {object}",
    "media.scanned": "{actor} scanned files",
    "media.matched": "{actor} matched files against the hash banks",
    "review.decided": "{actor} decided on {object}",
    "review.settings_changed": "{actor} changed the review settings",
    "packet.built": "{actor} built {object}",
    "packet.corrected": "{actor} built {object} correcting {supersedes}",
    "packet.downloaded": "{actor} downloaded packet {packet}",
    "packet.acknowledged": "{actor} acknowledged {object}",
    "case.opened": "{actor} opened {object}",
    "case.acknowledged": "{actor} acknowledged {object}",
    "case.closed": "{actor} closed {object} as {reason}",
    "case.fir_registered": "{actor} registered an FIR on {object}",
    "case.transferred": "{actor} transferred {object}",
    "case.arrest": "{actor} recorded an arrest on {object}",
    "case.seizure": "{actor} recorded a seizure on {object}",
    "case.notice": "{actor} sent a notice on {object}",
    "case.notice_reply": "{actor} recorded a notice's reply on {object}",
    "case.enquiry": "{actor} recorded an enquiry on {object}",
    "case.checklist": "{actor} updated the SOP checklist of {object}",
    "case.chargesheeted": "{actor} chargesheeted {object}",
    "cases.exported": "{actor} exported the case register",
    "units.imported": "{actor} imported the units",
    "routing.override": "{actor} set a routing override",
    "clusters.assigned": "{actor} assigned clusters",
    "bank.created": "{actor} created {object}",
    "bank.imported": "{actor} imported hashes into {object}",
    "bank.exported": "{actor} exported {object}",
    "sop.edited": "{actor} edited the SOP",
    "trawl.found": "{actor} kept {object} ({kind}, {state})",
    "trawl.filed": "{actor} filed {object} as report {report}",
    "trawl.confirmed": "{actor} confirmed {object} (report {report})",
    "trawl.dismissed": "{actor} dismissed {object} into {bank}",
}

#: at most this many characters of one value
VALUE_CHARS = 80


def _value(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False,
                                                           default=str)
    return text if len(text) <= VALUE_CHARS else text[: VALUE_CHARS - 1] + "…"


def _pairs(data: dict[str, Any], skip: set[str]) -> str:
    return ", ".join(f"{k}={_value(v)}" for k, v in sorted(data.items()) if k not in skip)


def event_text(event: AuditEvent) -> str:
    """The event as one sentence, e.g. "beed.officer closed case 7 as duplicate
    (duplicate_of=TLC-000123, from=dispatched)"."""
    data = event.data if isinstance(event.data, dict) else {"data": event.data}
    noun = NOUNS.get(event.object_type, event.object_type.rpartition(".")[2])
    obj = " ".join(part for part in (noun, event.object_id) if part) or "—"
    values = {k: _value(v) for k, v in data.items()}
    template = TEMPLATES.get(event.action)
    if template is not None:
        try:
            sentence = template.format_map({**values, "actor": event.actor_label,
                                            "object": obj})
        except (KeyError, IndexError, ValueError):
            template = None
    if template is None:
        rest = _pairs(data, set())
        head = f"{event.actor_label} {event.action} {obj if obj != '—' else ''}".rstrip()
        return f"{head} ({rest})" if rest else head
    used = {name for name in data if "{" + name + "}" in template}
    rest = _pairs(data, used)
    return f"{sentence} ({rest})" if rest else sentence
