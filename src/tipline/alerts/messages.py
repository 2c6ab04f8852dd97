"""What notifications say: a key and its values, rendered in the reader's language.

A notification stores `message` (a key of MESSAGES) and `params` (plain values: names,
references, counts, reason codes), and is rendered when it is shown or sent, under the
language then active: the page's for the web, the recipient's chosen one for e-mail and text
messages (`translation.override`). It also keeps its English text, made once, as the
fallback of a key that no longer exists and for the notifications made before keys.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

Params = Mapping[str, Any]


def _count(params: Params) -> int:
    return int(params.get("count", 0) or 0)


def _packet(p: Params) -> str:
    return ngettext(
        "A new packet of %(count)d report for %(unit)s is waiting for you to download and "
        "acknowledge.",
        "A new packet of %(count)d reports for %(unit)s is waiting for you to download and "
        "acknowledge.", _count(p)) % {"count": _count(p), "unit": p.get("unit", "")}


def _transfer(p: Params) -> str:
    if p.get("source"):
        return _("Report %(ref)s was transferred to %(unit)s from %(source)s.") % {
            "ref": p.get("ref", ""), "unit": p.get("unit", ""), "source": p["source"]}
    return _("Report %(ref)s was transferred to %(unit)s.") % {
        "ref": p.get("ref", ""), "unit": p.get("unit", "")}


def _cluster_lead(p: Params) -> str:
    return ngettext(
        "%(unit)s now leads the enquiry of %(count)d linked report moved from other units "
        "(first: report %(first)s).",
        "%(unit)s now leads the enquiry of %(count)d linked reports moved from other units "
        "(first: report %(first)s).", _count(p)) % {
        "unit": p.get("unit", ""), "count": _count(p), "first": p.get("first", "")}


def _cluster_lead_lost(p: Params) -> str:
    return ngettext(
        "%(count)d linked report of %(unit)s moved to %(lead)s: its cluster is now led by "
        "%(lead)s (first: report %(first)s).",
        "%(count)d linked reports of %(unit)s moved to %(lead)s: their cluster is now led by "
        "%(lead)s (first: report %(first)s).", _count(p)) % {
        "unit": p.get("unit", ""), "lead": p.get("lead", ""), "count": _count(p),
        "first": p.get("first", "")}


def _notices_due(p: Params) -> str:
    return ngettext(
        "%(count)d notice of %(unit)s's cases is due by tomorrow without a reply.",
        "%(count)d notices of %(unit)s's cases are due by tomorrow without a reply.",
        _count(p)) % {"count": _count(p), "unit": p.get("unit", "")}


def _steps_overdue(p: Params) -> str:
    return ngettext(
        "%(count)d SOP step of %(unit)s's open cases is overdue.",
        "%(count)d SOP steps of %(unit)s's open cases are overdue.",
        _count(p)) % {"count": _count(p), "unit": p.get("unit", "")}


def reason_text(code: str) -> str:
    """Why a report is urgent, in words."""
    found = {"priority_1": _("NCMEC priority 1"),
             "escalated": _("escalated by the platform"),
             "reviewer": _("flagged urgent by a reviewer")}
    return found.get(code, code)


def _why(p: Params) -> str:
    reasons = [reason_text(str(r)) for r in p.get("reasons", []) or []]
    return ", ".join(reasons) or pgettext("reason", "urgent")


def _escalated(p: Params, *, unit: bool) -> str:
    to = p.get("escalated_to", "")
    if not to:
        return ""
    if not unit:
        return " " + _("NOT ROUTED in time: escalated to the hub.")
    if to == "hub":
        return " " + _("NOT ACKNOWLEDGED by the unit in time: escalated to the hub.")
    return " " + _("NOT ACKNOWLEDGED by the unit in time: escalated to you.")


def _urgent(p: Params) -> str:
    hours = int(p.get("hours", 0) or 0)
    return ngettext(
        "URGENT: report %(ref)s (%(why)s) for %(unit)s: a child may be in imminent danger. "
        "Acknowledge its packet within %(hours)d hour.",
        "URGENT: report %(ref)s (%(why)s) for %(unit)s: a child may be in imminent danger. "
        "Acknowledge its packet within %(hours)d hours.", hours) % {
        "ref": p.get("ref", ""), "why": _why(p), "unit": p.get("unit", ""),
        "hours": hours} + _escalated(p, unit=True)


def _urgent_queue(p: Params) -> str:
    hours = int(p.get("hours", 0) or 0)
    return ngettext(
        "URGENT: report %(ref)s (%(why)s) waits in the queue of %(queue)s: a child may be in "
        "imminent danger. Route it to a unit within %(hours)d hour.",
        "URGENT: report %(ref)s (%(why)s) waits in the queue of %(queue)s: a child may be in "
        "imminent danger. Route it to a unit within %(hours)d hours.", hours) % {
        "ref": p.get("ref", ""), "why": _why(p), "queue": p.get("unit", ""),
        "hours": hours} + _escalated(p, unit=False)


def _urgent_passphrase(p: Params) -> str:
    return _("Urgent packet %(packet)s for %(unit)s was built, but its passphrase reached no "
             "officer (TIPLINE_SMS_BACKEND=%(backend)s sends none, or no officer of the unit "
             "has a mobile number for text messages). Correct the packet to issue a new "
             "passphrase and give it to the unit by telephone.") % {
        "packet": p.get("packet", ""), "unit": p.get("unit", ""),
        "backend": p.get("backend", "")}


def _passphrase_sms(p: Params) -> str:
    return _("Tipline URGENT packet %(packet)s (report %(ref)s): passphrase") % {
        "packet": p.get("packet", ""), "ref": p.get("ref", "")}


def _trawl_no_contact(p: Params) -> str:
    return ngettext(
        "%(count)d confirmed URL on %(host)s has no abuse contact, so no takedown notice went "
        "(first: %(first)s). Add the host's or its network's contact (tipline trawl-contacts "
        "import) and the notice will be sent.",
        "%(count)d confirmed URLs on %(host)s have no abuse contact, so no takedown notice "
        "went (first: %(first)s). Add the host's or its network's contact (tipline "
        "trawl-contacts import) and the notices will be sent.", _count(p)) % {
        "count": _count(p), "host": p.get("host", ""), "first": p.get("first", "")}


def _in_india(p: Params) -> str:
    return " " + _("The host is in India.") if p.get("india") else ""


def _trawl_escalated(p: Params) -> str:
    return ngettext(
        "%(host)s has not removed the material of %(count)d takedown notice %(hours)s hours "
        "after it was sent to %(email)s (first: %(first)s).",
        "%(host)s has not removed the material of %(count)d takedown notices %(hours)s hours "
        "after they were sent to %(email)s (first: %(first)s).", _count(p)) % {
        "host": p.get("host", ""), "count": _count(p), "hours": p.get("hours", ""),
        "email": p.get("email", ""), "first": p.get("first", "")} + _in_india(p) + " " + _(
        "Consider asking the host again by other means, or its network's provider.")


def _trawl_escalated_state(p: Params) -> str:
    refs = ", ".join(str(r) for r in p.get("refs", []) or [])
    if _count(p) > len(p.get("refs", []) or []):
        refs += ", ..."
    return _("%(host)s has not removed material reported in your state %(hours)s hours after "
             "a takedown notice (%(refs)s).") % {
        "host": p.get("host", ""), "hours": p.get("hours", ""), "refs": refs} + _in_india(
        p) + " " + _("The hub was told; the host may need to be directed to remove it.")


#: message key -> how it reads, in the active language
MESSAGES: dict[str, Callable[[Params], str]] = {
    "packet": _packet,
    "transfer": _transfer,
    "cluster_lead": _cluster_lead,
    "cluster_lead_lost": _cluster_lead_lost,
    "notices_due": _notices_due,
    "steps_overdue": _steps_overdue,
    "urgent": _urgent,
    "urgent_queue": _urgent_queue,
    "urgent_passphrase": _urgent_passphrase,
    "passphrase_sms": _passphrase_sms,
    "trawl_no_contact": _trawl_no_contact,
    "trawl_escalated": _trawl_escalated,
    "trawl_escalated_state": _trawl_escalated_state,
}


def message_render(message: str, params: Params, *, language: str | None = None) -> str:
    """The message in `language` (else the active one); "" for an unknown key."""
    render = MESSAGES.get(message)
    if render is None:
        return ""
    if language is None:
        return render(params)
    with translation.override(language):
        return render(params)
