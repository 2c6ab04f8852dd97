"""Audit events as sentences for the auditor's page: a registry of action -> template.

The registries hold English marked for translation (the catalogue has their Hindi); a sentence
is translated when it is written, so the page speaks the reader's language while the trail
itself stays as recorded. `event_text(event, translate=False)` writes the English.

A template names `{actor}`, `{object}` (e.g. "report 12") and any key of the event's data;
data keys a template does not use follow it as `key=value`. An action without a template, or
whose template names a key the event lacks, reads as its action name and every pair.
"""

from __future__ import annotations

import json
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_noop, pgettext_lazy

from tipline.audit.models import AuditEvent

#: object_type -> the noun an auditor reads
NOUNS: dict[str, str | Promise] = {
    "intake.report": pgettext_lazy("audit object", "report"),
    "intake.importbatch": pgettext_lazy("audit object", "import"),
    "cases.case": pgettext_lazy("audit object", "case"),
    "dispatch.packet": pgettext_lazy("audit object", "packet"),
    "accounts.user": pgettext_lazy("audit object", "user"),
    "accounts.apitoken": pgettext_lazy("audit object", "API token"),
    "media.mediafile": pgettext_lazy("audit object", "file"),
    "media.hashbank": pgettext_lazy("audit object", "hash bank"),
    "jurisdictions.unit": pgettext_lazy("audit object", "unit"),
    "jurisdictions.jurisdiction": pgettext_lazy("audit object", "unit"),
    "trawler.finding": pgettext_lazy("audit object", "trawler finding"),
    "trawler.notice": pgettext_lazy("audit object", "takedown notice"),
    "trawler.source": pgettext_lazy("audit object", "trawler source"),
    "trawler.contact": pgettext_lazy("audit object", "abuse contact"),
}

#: action -> sentence template
TEMPLATES: dict[str, str] = {
    "audit.checkpointed": gettext_noop("{actor} signed an audit checkpoint"),
    "user.created": gettext_noop("{actor} created user {username}"),
    "grant.added": gettext_noop("{actor} granted {role} over {jurisdiction} to {object}"),
    "api_token.created": gettext_noop("{actor} created API token {name} for {user}"),
    "api_token.revoked": gettext_noop("{actor} revoked {object}"),
    "api_token.rejected": gettext_noop("a {reason} API token was refused from {address}"),
    "api_token.new_address": gettext_noop("{actor} used {object} from a new address, {address}"),
    "login.locked": gettext_noop(
        "logins of {username} from {address} locked after {failures} failures"),
    "login.unlocked": gettext_noop("{actor} lifted the login lock of {username} {address}"),
    "otp.enrolled": gettext_noop("{actor} set up a second factor"),
    "otp.verified": gettext_noop("{actor} passed the second factor"),
    "otp.failed": gettext_noop("{actor} entered a wrong {kind} code"),
    "otp.recovery_used": gettext_noop("{actor} used a recovery code ({recovery_codes_left} left)"),
    "otp.recovery_regenerated": gettext_noop("{actor} made new recovery codes"),
    "otp.reset": gettext_noop("{actor} reset the second factor of {username}"),
    "otp.required": gettext_noop("{actor} required a second factor of {username}"),
    "otp.not_required": gettext_noop("{actor} stopped requiring a second factor of {username}"),
    "report.viewed": gettext_noop("{actor} viewed {object}"),
    "report.transferred": gettext_noop("{actor} transferred {object}"),
    "report.closed": gettext_noop("{actor} closed {object}"),
    "reports.imported": gettext_noop("{actor} imported reports in {object}"),
    "reports.routed": gettext_noop("{actor} routed reports"),
    "import.queued": gettext_noop("{actor} queued {object}"),
    "import.retried": gettext_noop("{actor} retried {object}"),
    "submission.opened": gettext_noop("{actor} opened API report {report_id}"),
    "submission.file_added": gettext_noop("{actor} added a file to {object}"),
    "submission.file_described": gettext_noop("{actor} described a file of {object}"),
    "submission.finished": gettext_noop("{actor} finished {object}"),
    "submission.retracted": gettext_noop("{actor} retracted {object}"),
    "submission.expired": gettext_noop("{actor} expired unfinished {object}"),
    "tip.received": gettext_noop("{actor} received a public tip as {object}"),
    "media.revealed": gettext_noop("{actor} revealed a {kind} of {object} (report {report})"),
    "media.classified": gettext_noop("{actor} classified {object}"),
    "media.scanned": gettext_noop("{actor} scanned files"),
    "media.matched": gettext_noop("{actor} matched files against the hash banks"),
    "review.decided": gettext_noop("{actor} decided on {object}"),
    "review.settings_changed": gettext_noop("{actor} changed the review settings"),
    "packet.built": gettext_noop("{actor} built {object}"),
    "packet.corrected": gettext_noop("{actor} built {object} correcting {supersedes}"),
    "packet.downloaded": gettext_noop("{actor} downloaded packet {packet}"),
    "packet.acknowledged": gettext_noop("{actor} acknowledged {object}"),
    "case.opened": gettext_noop("{actor} opened {object}"),
    "case.acknowledged": gettext_noop("{actor} acknowledged {object}"),
    "case.closed": gettext_noop("{actor} closed {object} as {reason}"),
    "case.fir_registered": gettext_noop("{actor} registered an FIR on {object}"),
    "case.transferred": gettext_noop("{actor} transferred {object}"),
    "case.arrest": gettext_noop("{actor} recorded an arrest on {object}"),
    "case.seizure": gettext_noop("{actor} recorded a seizure on {object}"),
    "case.notice": gettext_noop("{actor} sent a notice on {object}"),
    "case.notice_reply": gettext_noop("{actor} recorded a notice's reply on {object}"),
    "case.enquiry": gettext_noop("{actor} recorded an enquiry on {object}"),
    "case.checklist": gettext_noop("{actor} updated the SOP checklist of {object}"),
    "case.chargesheeted": gettext_noop("{actor} chargesheeted {object}"),
    "cases.exported": gettext_noop("{actor} exported the case register"),
    "units.imported": gettext_noop("{actor} imported the units"),
    "units.language": gettext_noop(
        "{actor} set the packet language of unit {unit} from {from} to {to}"),
    "notifications.recipient": gettext_noop("{actor} changed their alert contact details"),
    "notifications.pruned": gettext_noop(
        "{actor} deleted {deleted} old notifications (kept {keep_days} days)"),
    "trawl.source_added": gettext_noop(
        "{actor} added {object} ({kind} on {host}, depth {depth}, {scope})"),
    "trawl.source_paused": gettext_noop("{actor} paused {object} ({urls} URLs set aside)"),
    "trawl.source_resumed": gettext_noop("{actor} resumed {object} ({urls} URLs queued again)"),
    "trawl.found": gettext_noop("{actor} kept {object} ({kind}, {state})"),
    "trawl.filed": gettext_noop("{actor} filed {object} as report {report}"),
    "trawl.confirmed": gettext_noop("{actor} confirmed {object} (report {report})"),
    "trawl.dismissed": gettext_noop("{actor} dismissed {object} into {bank}"),
    "trawl.contacts_imported": gettext_noop(
        "{actor} imported {rows} abuse contacts ({created} new, {updated} changed)"),
    "trawl.contact_saved": gettext_noop("{actor} saved {object}: {email}"),
    "trawl.contact_deleted": gettext_noop("{actor} deleted {object} ({email})"),
    "trawl.notice_sent": gettext_noop("{actor} sent {reference} about {host} to {email}"),
    "trawl.notice_no_contact": gettext_noop(
        "{actor} could not send {reference}: no abuse contact for {host}"),
    "trawl.notice_escalated": gettext_noop(
        "{actor} escalated {reference}: {host} still up after {hours} hours"),
    "trawl.notice_removed": gettext_noop(
        "{actor} saw the material of {reference} removed ({how}) after {hours} hours"),
    "routing.override": gettext_noop("{actor} set a routing override"),
    "clusters.assigned": gettext_noop("{actor} assigned clusters"),
    "bank.created": gettext_noop("{actor} created {object}"),
    "bank.imported": gettext_noop("{actor} imported hashes into {object}"),
    "bank.exported": gettext_noop("{actor} exported {object}"),
    "sop.edited": gettext_noop("{actor} edited the SOP"),
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
    (duplicate_of=TLC-000123, from=dispatched)", in the active language (or English)."""
    data = event.data if isinstance(event.data, dict) else {"data": event.data}
    noun = str(NOUNS.get(event.object_type, event.object_type.rpartition(".")[2]))
    obj = " ".join(part for part in (noun, event.object_id) if part) or "—"
    values = {k: _value(v) for k, v in data.items()}
    template = TEMPLATES.get(event.action)
    sentence = ""
    if template is not None:
        try:
            sentence = gettext(template).format_map(
                {**values, "actor": event.actor_label, "object": obj})
        except (KeyError, IndexError, ValueError):
            template = None
    if template is None:
        rest = _pairs(data, set())
        head = f"{event.actor_label} {event.action} {obj if obj != '—' else ''}".rstrip()
        return f"{head} ({rest})" if rest else head
    used = {name for name in data if "{" + name + "}" in template}
    rest = _pairs(data, used)
    return f"{sentence} ({rest})" if rest else sentence
