"""Takedown notices: one e-mail per confirmed URL to its host's abuse contact, and the
escalation of notices left unanswered.

- `notices_send`: every confirmed finding without a notice gets one (one per media URL: a
  second finding of a URL whose notice is still open waits for it), by Django's e-mail
  backend, from `trawler/notice_email.txt`: the media URL, the page, the SHA-256, the time
  it was seen, who sends it and how to reply; never a copy of the material, attached or
  linked. With no contact known the notice is recorded `no_contact` and the hub is told;
  it is sent once the hub adds a contact.
- `notices_escalate`: a notice still up TIPLINE_TRAWL_ESCALATE_HOURS after it was sent is
  escalated once: the hub is told in Tipline, and the state's nodal officers too where the
  finding's report lies in a state.

The periodic task runs these and the re-checks (trawler.rechecks) through
trawler.sweep.notices_sweep.

Each notice sent, recorded without contact or escalated is an audit event, written in the
transaction that records it. A notice's e-mail goes inside that transaction, after its row
claims the finding (the unique constraint): a failed send leaves no notice, and the next
run tries again.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.utils import timezone

from tipline.accounts.services import system_user
from tipline.alerts.models import Kind
from tipline.alerts.selectors import hub_people, nodal_officers, state_of
from tipline.alerts.services import notify
from tipline.audit.services import audit_record
from tipline.jurisdictions.selectors import jurisdiction_tree
from tipline.trawler.contacts import ContactBook, contact_book
from tipline.trawler.models import Contact, Finding, Host, Notice

log = logging.getLogger("tipline.trawler")

#: notices one run sends at most (the rest wait for the next run)
BATCH = 200
#: the states a notice is open in: sent and not yet seen removed
OPEN = (Notice.State.SENT, Notice.State.ESCALATED)


def notice_reference(notice: Notice) -> str:
    """A notice's id as hosts quote it in replies (TN-00000042)."""
    return f"TN-{notice.pk:08d}"


def recheck_delay(checks: int) -> timedelta:
    """How long after a notice is sent (checks=0), or after its `checks`-th re-check, the
    next re-check comes: TIPLINE_TRAWL_RECHECK_FIRST_MINUTES, doubling each time, never
    more than TIPLINE_TRAWL_RECHECK_MAX_HOURS."""
    first = timedelta(minutes=settings.TRAWL_RECHECK_FIRST_MINUTES)
    cap = timedelta(hours=settings.TRAWL_RECHECK_MAX_HOURS)
    return min(first * (2 ** min(checks, 30)), cap)


def _actor() -> Any:
    return system_user("trawler")


def _from() -> str:
    return settings.TRAWL_NOTICE_FROM or settings.DEFAULT_FROM_EMAIL


def _reply_to() -> str:
    return settings.TRAWL_NOTICE_REPLY_TO or _from()


def notice_message(notice: Notice) -> EmailMessage:
    """The takedown e-mail for a notice (its finding and host loaded): text only, no
    attachment, no link but the media URL and the page it was found on."""
    finding, reference = notice.finding, notice_reference(notice)
    host = notice.host.name
    body = render_to_string("trawler/notice_email.txt", {
        "host": host, "contact_name": notice.contact.name if notice.contact else "",
        "sender": settings.TRAWL_NOTICE_SENDER, "reference": reference,
        "media_url": finding.media_url,
        "page_url": finding.page_url if finding.page_url != finding.media_url else "",
        "sha256": finding.sha256,
        "seen_at": finding.fetched_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
        "ip": finding.ip or "", "asn": finding.asn, "reply_to": _reply_to()})
    return EmailMessage(
        subject=f"Removal request {reference}: child sexual abuse material on {host}",
        body=body, from_email=_from(), to=[notice.email], reply_to=[_reply_to()],
        headers={"X-Tipline-Notice": reference})


@dataclass(frozen=True)
class NoticesSent:
    sent: int
    no_contact: int
    failed: int


def _findings_due(limit: int) -> list[Finding]:
    """Confirmed findings without a notice whose URL has no notice open (nor one removed
    after the finding was seen): at most one per media URL."""
    other = Notice.objects.filter(finding__media_url_index=OuterRef("media_url_index")).filter(
        Q(removed_at__isnull=True) | Q(removed_at__gte=OuterRef("fetched_at")))
    found = (Finding.objects.filter(state=Finding.State.CONFIRMED, notices__isnull=True)
             .exclude(Exists(other)).select_related("host").order_by("pk")[:limit])
    first: dict[str, Finding] = {}
    for finding in found:
        first.setdefault(finding.media_url_index, finding)
    return list(first.values())


def _contact(book: ContactBook, finding: Finding) -> Contact | None:
    host = finding.host
    return book.find(host=host.name, ip=finding.ip or host.ip,
                     asn=finding.asn if finding.asn is not None else host.asn)


def _send_one(notice: Notice, *, contact: Contact, now: datetime, connection: Any,
              audit: dict[str, Any]) -> bool:
    """Mark `notice` sent to `contact` and e-mail it (inside the caller's transaction)."""
    notice.contact, notice.email, notice.state = contact, contact.email, Notice.State.SENT
    notice.sent_at, notice.next_check_at = now, now + recheck_delay(0)
    notice.save(update_fields=["contact", "email", "state", "sent_at", "next_check_at"])
    audit_record(actor=_actor(), action="trawl.notice_sent", obj=notice, data={
        "reference": notice_reference(notice), "finding": notice.finding_id,
        "host": notice.host.name, "email": contact.email, "contact": contact.pk, **audit})
    return bool(connection.send_messages([notice_message(notice)]))


def notices_send(*, now: datetime | None = None, limit: int = BATCH) -> NoticesSent:
    """Send the notices that are due: one per confirmed URL without one, and those waiting
    for a contact the hub has since added (see the module docstring)."""
    now = now or timezone.now()
    book = contact_book()
    sent = failed = 0
    no_contact: dict[int, list[Finding]] = {}
    connection = get_connection()  # opened by the first send (an error there is per notice)
    try:
        for finding in _findings_due(limit):
            contact = _contact(book, finding)
            if contact is None:
                no_contact.setdefault(finding.host_id, []).append(finding)
                continue
            try:
                with transaction.atomic():
                    notice = Notice.objects.create(finding=finding, host=finding.host,
                                                   state=Notice.State.SENT, sent_at=now)
                    if _send_one(notice, contact=contact, now=now, connection=connection,
                                 audit={}):
                        sent += 1
            except IntegrityError:
                continue  # another run noticed it first
            except OSError as exc:  # the mail server refused or is down: try next run
                log.warning("takedown notice for finding %s not sent: %s", finding.pk, exc)
                failed += 1
        waiting = list(Notice.objects.filter(state=Notice.State.NO_CONTACT)
                       .select_related("finding", "host").order_by("pk")[:limit])
        for notice in waiting:
            contact = _contact(book, notice.finding)
            if contact is None:
                continue
            try:
                with transaction.atomic():
                    if not Notice.objects.select_for_update().filter(
                            pk=notice.pk, state=Notice.State.NO_CONTACT).exists():
                        continue  # another run sent it meanwhile
                    if _send_one(notice, contact=contact, now=now, connection=connection,
                                 audit={"was": "no_contact"}):
                        sent += 1
            except OSError as exc:
                log.warning("takedown notice %s not sent: %s", notice.pk, exc)
                failed += 1
    finally:
        connection.close()
    told = sum(_no_contact_record(findings, now=now) for findings in no_contact.values())
    return NoticesSent(sent=sent, no_contact=told, failed=failed)


def _tell(users: Sequence[Any], *, message: str, params: dict[str, Any], key: str,
          now: datetime) -> None:
    """Tell `users` in Tipline (alerts), once per `key`, inside the caller's transaction."""
    notify(users=users, kind=Kind.TAKEDOWN, now=now, key=key, message=message, params=params)


def _no_contact_record(findings: Sequence[Finding], *, now: datetime) -> int:
    """Record notices without a contact for one host's findings, and tell the hub once."""
    host = findings[0].host
    made = []
    with transaction.atomic():
        for finding in findings:
            try:
                with transaction.atomic():
                    notice = Notice.objects.create(finding=finding, host=host,
                                                   state=Notice.State.NO_CONTACT)
            except IntegrityError:
                continue
            audit_record(actor=_actor(), action="trawl.notice_no_contact", obj=notice, data={
                "reference": notice_reference(notice), "finding": finding.pk,
                "host": host.name, "asn": finding.asn})
            made.append(notice)
        if made:
            count = len(made)
            _tell(hub_people(), message="trawl_no_contact", now=now,
                  key=f"trawl-no-contact:{made[0].pk}",
                  params={"count": count, "host": host.name,
                          "first": notice_reference(made[0])})
    return len(made)


# -- escalation --------------------------------------------------------------------------


def _state_id(finding: Finding) -> int | None:
    report = finding.report
    return state_of(report.jurisdiction_id) if report is not None else None


def notices_escalate(*, now: datetime | None = None) -> int:
    """Escalate, once, every notice still up TIPLINE_TRAWL_ESCALATE_HOURS after it was
    sent: the hub is told per host, and the nodal officers of the state of each finding's
    report. How many notices were escalated."""
    now = now or timezone.now()
    deadline = now - timedelta(hours=settings.TRAWL_ESCALATE_HOURS)
    due = list(Notice.objects.filter(state=Notice.State.SENT, escalated_at__isnull=True,
                                     removed_at__isnull=True, sent_at__lte=deadline)
               .select_related("host", "finding__report").order_by("host_id", "pk"))
    by_host: dict[int, list[Notice]] = {}
    for notice in due:
        by_host.setdefault(notice.host_id, []).append(notice)
    return sum(_escalate_host(notices, now=now) for notices in by_host.values())


def _escalate_host(notices: list[Notice], *, now: datetime) -> int:
    host: Host = notices[0].host
    hours = settings.TRAWL_ESCALATE_HOURS
    with transaction.atomic():
        ids = list(Notice.objects.select_for_update()
                   .filter(pk__in=[n.pk for n in notices], state=Notice.State.SENT,
                           escalated_at__isnull=True, removed_at__isnull=True)
                   .values_list("pk", flat=True))
        notices = [n for n in notices if n.pk in set(ids)]
        if not notices:
            return 0
        Notice.objects.filter(pk__in=ids).update(state=Notice.State.ESCALATED, escalated_at=now)
        states: dict[int, list[Notice]] = {}
        for notice in notices:
            state = _state_id(notice.finding)
            if state is not None:
                states.setdefault(state, []).append(notice)
            audit_record(actor=_actor(), action="trawl.notice_escalated", obj=notice, data={
                "reference": notice_reference(notice), "host": host.name,
                "email": notice.email, "sent_at": notice.sent_at.isoformat()
                if notice.sent_at else None, "hours": hours,
                "state": jurisdiction_tree().by_id[state].code if state else None})
        params = {"count": len(notices), "host": host.name, "hours": hours,
                  "email": notices[0].email, "first": notice_reference(notices[0]),
                  "india": host.country.upper() == "IN"}
        _tell(hub_people(), message="trawl_escalated", params=params, now=now,
              key=f"trawl-escalated:{notices[0].pk}")
        for state, in_state in states.items():
            _tell(nodal_officers(node_id=state), message="trawl_escalated_state", now=now,
                  key=f"trawl-escalated:{in_state[0].pk}:{state}",
                  params={**params, "count": len(in_state),
                          "refs": [notice_reference(n) for n in in_state[:5]]})
    return len(notices)
