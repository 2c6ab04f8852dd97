"""Writes of alerts: notifications, preferences, the e-mail digest, and urgent reports.

Notifications are made inside the transaction of what they tell (a receiver of the audit
trail or of routing), so they exist exactly when it happened. E-mail and text messages go
after the commit. An urgent report (review's `report_urgent`: NCMEC priority 1, the
platform's escalation, a reviewer's flag) routed to a unit is watched (`UrgentReport`): its
unit's officers and the state's nodal officers are told at once, in-app, by e-mail and by
text message, a single-report packet is built for it, and unless the unit acknowledges it
within TIPLINE_URGENT_ACK_HOURS it escalates to the state's nodal officers, then to the hub,
each step audited.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from tipline.accounts.models import User
from tipline.accounts.policies import get_scoped_or_404
from tipline.accounts.services import system_user
from tipline.accounts.types import Actor
from tipline.alerts.messages import message_render
from tipline.alerts.models import (
    ALWAYS,
    Kind,
    Notification,
    Preference,
    Recipient,
    UrgentReport,
)
from tipline.alerts.selectors import (
    UNIT_KINDS,
    hub_people,
    nodal_officers,
    preferences_for,
    recipients_of,
    state_of,
    unit_officers,
)
from tipline.alerts.sms import Sms, sms_sender
from tipline.audit.services import audit_record
from tipline.core.bulk import batches
from tipline.core.errors import RejectedInput
from tipline.intake.models import Report
from tipline.jurisdictions.selectors import jurisdiction_tree
from tipline.review.selectors import report_urgent

log = logging.getLogger("tipline.alerts")


def _preferences(users: Iterable[User]) -> dict[tuple[int, str], tuple[bool, bool]]:
    ids = [u.pk for u in users]
    return {(p.user_id, p.kind): (p.in_app, p.email)
            for p in Preference.objects.filter(user_id__in=ids)}


def notify(*, users: Iterable[User], kind: str, message: str, params: dict[str, Any],
           link: str = "", key: str = "", now: datetime | None = None) -> list[Notification]:
    """Tell each of `users` (once: a user already told about `key` is not told again), as
    each chose for this kind; inside the caller's transaction, whose audit event records
    what happened. `message` is a key of alerts.messages.MESSAGES, rendered with `params`
    in each reader's language when shown or sent. Returns the notifications made."""
    users = list({u.pk: u for u in users}.values())
    if not users:
        return []
    text = message_render(message, params, language="en")
    now = now or timezone.now()
    chosen = _preferences(users)
    told: set[int] = set()
    if key:
        told = set(Notification.objects.filter(recipient__in=users, key=key)
                   .values_list("recipient_id", flat=True))
    made = []
    for user in users:
        in_app, email = (True, True) if kind in ALWAYS else chosen.get((user.pk, kind),
                                                                      (True, True))
        if user.pk in told or not (in_app or email):
            continue
        made.append(Notification(recipient=user, kind=kind, text=text[:500], link=link,
                                 message=message, params=params, created=now,
                                 by_email=email and bool(user.email), key=key,
                                 read_at=None if in_app else now))
    return Notification.objects.bulk_create(made)


# -- a person's own notifications and preferences ---------------------------------------


@transaction.atomic
def notification_read(*, actor: User, notification_id: int) -> Notification:
    """Mark one of the actor's own notifications read (404 for anyone else's)."""
    from tipline.alerts.selectors import notification_get

    found = notification_get(user=actor, pk=notification_id)
    if found.read_at is None:
        found.read_at = timezone.now()
        found.save(update_fields=["read_at"])
        audit_record(actor=actor, action="notifications.read", data={"ids": [found.pk]})
    return found


@transaction.atomic
def notifications_read_all(*, actor: User) -> int:
    """Mark every unread notification of the actor read; how many."""
    ids = list(Notification.objects.filter(recipient_id=actor.pk, read_at__isnull=True)
               .values_list("pk", flat=True))
    if ids:
        Notification.objects.filter(pk__in=ids).update(read_at=timezone.now())
        audit_record(actor=actor, action="notifications.read", data={"ids": ids})
    return len(ids)


@transaction.atomic
def preferences_save(*, actor: User, choices: dict[str, tuple[bool, bool]]) -> None:
    """Save, for each kind, whether the actor gets it in-app and by e-mail. Urgent alerts
    cannot be turned off."""
    before = preferences_for(user=actor)
    changed = {}
    for kind in Kind.values:
        if kind in ALWAYS or kind not in choices:
            continue
        in_app, email = choices[kind]
        if before[kind] != (in_app, email):
            Preference.objects.update_or_create(user_id=actor.pk, kind=kind, defaults={
                "in_app": in_app, "email": email})
            changed[kind] = {"in_app": in_app, "email": email}
    if changed:
        audit_record(actor=actor, action="notifications.preferences", data=changed)


@transaction.atomic
def recipient_save(*, actor: User, language: str, phone: str, sms: bool) -> Recipient:
    """Save the language of the actor's e-mail and text messages, their mobile number (E.164,
    as the form normalised it; "" for none) and whether urgent alerts are texted to it. The
    audit event says what changed, never the number."""
    found = Recipient.objects.filter(pk=actor.pk).first() or Recipient(user=actor)
    changed: dict[str, object] = {}
    if found.language != language:
        changed["language"] = language
    if found.phone != phone:
        changed["phone"] = "removed" if not phone else ("added" if not found.phone
                                                        else "changed")
    if found.sms != sms:
        changed["sms"] = sms
    if changed or found._state.adding:
        found.language, found.phone, found.sms = language, phone, sms
        found.save()
    if changed:
        audit_record(actor=actor, action="notifications.recipient", data=changed)
    return found


def recipient_language_set(*, actor: User, language: str) -> None:
    """The actor switched the pages' language: their e-mail and text messages follow (not
    audited: a person's own choice of language, like the cookie it follows)."""
    if language not in Recipient.Language.values:
        return
    updated = Recipient.objects.filter(pk=actor.pk).exclude(language=language).update(
        language=language)
    if not updated and language != Recipient.Language.ENGLISH:
        Recipient.objects.get_or_create(user_id=actor.pk, defaults={"language": language})


# -- e-mail --------------------------------------------------------------------------


def _absolute(link: str) -> str:
    return settings.SITE_URL.rstrip("/") + link if link.startswith("/") else link


def _send(user: User, language: str, notes: Sequence[Notification], *,
          digest: bool = False) -> EmailMessage:
    """One e-mail to `user` with these notifications, in their language: one notification's
    kind and text as the subject, or how many for a digest."""
    with translation.override(language):
        if not digest:
            subject = f"[Tipline] {notes[0].get_kind_display()}: {notes[0].display()[:80]}"
        else:
            subject = "[Tipline] " + ngettext("%(count)d new notification",
                                              "%(count)d new notifications",
                                              len(notes)) % {"count": len(notes)}
        body = render_to_string("alerts/email.txt", {
            "user": user, "notes": [(n, _absolute(n.link)) for n in notes],
            "site": settings.SITE_URL, "prefs": _absolute(reverse("alerts:preferences"))})
    return EmailMessage(subject=subject, body=body, to=[user.email])


def emails_send(*, notification_ids: Sequence[int], now: datetime | None = None) -> int:
    """E-mail these notifications now (urgent ones: one message each) if still unsent;
    outside any transaction (called after the commit). How many messages went."""
    now = now or timezone.now()
    notes = list(Notification.objects.filter(pk__in=list(notification_ids), by_email=True,
                                              emailed_at__isnull=True)
                 .select_related("recipient"))
    reached = recipients_of(user_ids=[n.recipient_id for n in notes])
    messages = [_send(n.recipient, reached[n.recipient_id].language, [n]) for n in notes]
    sent = _deliver(messages)
    Notification.objects.filter(pk__in=[n.pk for n in notes]).update(emailed_at=now)
    return sent


def _deliver(messages: list[EmailMessage]) -> int:
    if not messages:
        return 0
    with get_connection() as connection:
        return int(connection.send_messages(messages) or 0)


@dataclass(frozen=True)
class Digest:
    people: int
    notifications: int


def digest_send(*, now: datetime | None = None) -> Digest:
    """E-mail each person one message with every notification of theirs not yet e-mailed
    (those they chose to get by e-mail), then mark them sent; audited."""
    now = now or timezone.now()
    pending = list(Notification.objects.filter(by_email=True, emailed_at__isnull=True,
                                               created__lte=now)
                   .select_related("recipient").order_by("recipient_id", "-created"))
    by_user: dict[int, list[Notification]] = {}
    for n in pending:
        by_user.setdefault(n.recipient_id, []).append(n)
    reached = recipients_of(user_ids=list(by_user))
    messages = [_send(notes[0].recipient, reached[uid].language, notes, digest=True)
                for uid, notes in by_user.items()]
    _deliver(messages)
    with transaction.atomic():
        Notification.objects.filter(pk__in=[n.pk for n in pending]).update(emailed_at=now)
        audit_record(actor=system_user("alerts"), action="notifications.digest",
                     data={"people": len(by_user), "notifications": len(pending)})
    return Digest(len(by_user), len(pending))


def digest_due(*, now: datetime | None = None) -> bool:
    """Whether today's digest should go now: past TIPLINE_DIGEST_HOUR (local time) and not
    sent yet today."""
    from tipline.audit.models import AuditEvent

    local = timezone.localtime(now or timezone.now())
    if local.hour < settings.DIGEST_HOUR:
        return False
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return not AuditEvent.objects.filter(action="notifications.digest", at__gte=start).exists()


# -- what the steps below did (alerts/receivers.py) ------------------------------------


def _ref(report_id: int) -> str:
    """The report's id as people quote it (TL-00000042)."""
    return Report(pk=report_id).reference


def _officers(node_id: int) -> list[User]:
    """Who is told about a node: its unit's officers, or a state's nodal officers."""
    node = jurisdiction_tree().by_id.get(node_id)
    if node is None:
        return []
    if node.kind in UNIT_KINDS:
        return unit_officers(node_id=node_id)
    if node.kind == "state":
        return nodal_officers(node_id=node_id)
    return hub_people()


def packet_arrived(*, packet_id: int, target_code: str, reports: int) -> None:
    """A packet was built for a node: tell its officers."""
    node = jurisdiction_tree().by_code.get(target_code)
    if node is None:
        return
    notify(users=_officers(node.id), kind=Kind.PACKET, key=f"packet:{packet_id}",
           message="packet", params={"count": reports, "unit": node.name},
           link=reverse("dispatch:packet_list"))


def transfer_arrived(*, report_id: int, to_code: str, from_code: str) -> None:
    """A report was transferred to a node by hand: tell its officers."""
    node = jurisdiction_tree().by_code.get(to_code)
    source = jurisdiction_tree().by_code.get(from_code)
    if node is None:
        return
    notify(users=_officers(node.id), kind=Kind.TRANSFER, key=f"transfer:{report_id}:{node.id}",
           message="transfer", params={"ref": _ref(report_id), "unit": node.name,
                                       "source": source.name if source else ""},
           link=reverse("intake:report_detail", kwargs={"pk": report_id}))


def cluster_leads_changed(*, moved: Sequence[dict[str, object]]) -> None:
    """Reports moved to their cluster's lead unit: tell each lead what it now holds, and
    each unit they left that its cluster is now led by that unit."""
    by_lead: dict[str, list[int]] = {}
    by_source: dict[tuple[str, str], list[int]] = {}
    for item in moved:
        to, report_id = str(item.get("to", "")), int(str(item.get("report")))
        by_lead.setdefault(to, []).append(report_id)
        if item.get("from"):
            by_source.setdefault((str(item["from"]), to), []).append(report_id)
    tree = jurisdiction_tree()
    for code, ids in by_lead.items():
        node = tree.by_code.get(code)
        if node is None:
            continue
        notify(users=_officers(node.id), kind=Kind.CLUSTER_LEAD, message="cluster_lead",
               params={"unit": node.name, "count": len(ids), "first": _ref(min(ids))},
               link=reverse("intake:report_detail", kwargs={"pk": min(ids)}))
    for (source_code, code), ids in by_source.items():
        source, lead = tree.by_code.get(source_code), tree.by_code.get(code)
        if source is None or lead is None or source.id == lead.id:
            continue
        # the report is the lead's now: the old unit is told, without a link it cannot open
        notify(users=_officers(source.id), kind=Kind.CLUSTER_LEAD, message="cluster_lead_lost",
               params={"unit": source.name, "lead": lead.name, "count": len(ids),
                       "first": _ref(min(ids))})


# -- urgent reports ---------------------------------------------------------------------


def _reasons(report: Report, flagged: bool) -> list[str]:
    reasons = []
    if report.ncmec_priority == 1:
        reasons.append("priority_1")
    if report.escalated:
        reasons.append("escalated")
    if flagged:
        reasons.append("reviewer")
    return reasons


def _urgent_params(report_id: int, reasons: Sequence[str], node_name: str,
                   escalated_to: str = "") -> dict[str, Any]:
    return {"ref": _ref(report_id), "reasons": list(reasons), "unit": node_name,
            "hours": settings.URGENT_ACK_HOURS, "escalated_to": escalated_to}


def _level_of(kind: str) -> str:
    """Who answers first for an urgent report at a node of this kind."""
    if kind in UNIT_KINDS:
        return UrgentReport.Level.UNIT
    return UrgentReport.Level.STATE if kind == "state" else UrgentReport.Level.HUB


def _flagged(ids: Sequence[int]) -> set[int]:
    from tipline.review.models import Decision

    return set(Decision.objects.filter(report_id__in=list(ids), urgent=True)
               .values_list("report_id", flat=True))


@transaction.atomic
def urgent_watch(*, actor: Actor, report_ids: Sequence[int],
                 now: datetime | None = None) -> list[int]:
    """Of these reports, start watching the urgent ones (or follow one moved elsewhere): one
    routed to a unit tells the unit's officers and the state's nodal officers; one still in
    a queue tells who routes it on: a state's nodal officers, or the hub for the national
    queue. After the commit e-mail and text messages go. The deadline runs from now either
    way (a queue's report escalates from the state to the hub). In the caller's transaction
    if there is one. Returns the reports newly watched or moved at a unit: the caller queues
    their packets (`urgent_packet`) once that transaction commits."""
    now = now or timezone.now()
    tree = jurisdiction_tree()
    watched: list[int] = []
    for chunk in batches(list(report_ids), 500):
        reports = list(Report.objects.filter(pk__in=chunk, is_current=True)
                       .filter(report_urgent()).exclude(status=Report.Status.CLOSED)
                       .only("pk", "jurisdiction_id", "ncmec_priority", "escalated", "status"))
        if not reports:
            continue
        known = {u.report_id: u for u in UrgentReport.objects.filter(
            report_id__in=[r.pk for r in reports])}
        flagged = _flagged([r.pk for r in reports])
        for report in reports:
            node = tree.by_id.get(report.jurisdiction_id)
            if node is None:
                continue
            level = _level_of(node.kind)
            old = known.get(report.pk)
            if old is not None and (old.acknowledged_at is not None or old.unit_id == node.id):
                continue
            reasons = _reasons(report, report.pk in flagged)
            due = now + timedelta(hours=settings.URGENT_ACK_HOURS)
            if old is None:
                UrgentReport.objects.create(report=report, reasons=reasons, unit_id=node.id,
                                            created_at=now, due_at=due, level=level)
            else:
                old.unit_id, old.due_at, old.level, old.reasons = node.id, due, level, reasons
                old.save(update_fields=["unit", "due_at", "level", "reasons"])
            audit_record(actor=actor, action="urgent.opened", obj=report, data={
                "unit": node.code, "level": level, "reasons": reasons,
                "due_at": due.isoformat(),
                "moved_from": None if old is None else tree.by_id[old.unit_id].code})
            if level == UrgentReport.Level.UNIT:
                people = [*unit_officers(node_id=node.id), *nodal_officers(node_id=node.id)]
            elif level == UrgentReport.Level.STATE:
                people = nodal_officers(node_id=node.id)
            else:
                people = hub_people()
            made = notify(users=people, kind=Kind.URGENT, now=now,
                          key=f"urgent:{report.pk}:{node.id}",
                          message="urgent" if level == UrgentReport.Level.UNIT
                          else "urgent_queue",
                          params=_urgent_params(report.pk, reasons, node.name),
                          link=reverse("intake:report_detail", kwargs={"pk": report.pk}))
            _after_commit_send(made)
            if level == UrgentReport.Level.UNIT:
                watched.append(report.pk)  # a queue's report gets its packet at its unit
    return watched


def _after_commit_send(made: Sequence[Notification]) -> None:
    """Once the write commits: e-mail these urgent notifications, and text each to its
    recipient if they gave a mobile number and chose text messages, in their language."""
    ids = [n.pk for n in made]
    if not ids:
        return

    def send() -> None:
        emails_send(notification_ids=ids)
        texts_send(notifications=made)

    transaction.on_commit(send)


def texts_send(*, notifications: Sequence[Notification]) -> int:
    """Text these notifications to those of their recipients who have a mobile number and
    chose text messages, each in the recipient's language. How many went."""
    reached = recipients_of(user_ids=[n.recipient_id for n in notifications])
    sender = sms_sender()
    sent = 0
    for note in notifications:
        to = reached[note.recipient_id]
        if not (to.sms and to.phone):
            continue
        with translation.override(to.language):
            text = note.display()
        sent += sender.send(Sms(username=note.recipient.username, phone=to.phone, text=text))
    return sent


def urgent_packet(*, report_id: int) -> int | None:
    """Build the single-report packet of a watched urgent report for its unit, due in
    TIPLINE_URGENT_ACK_HOURS; its passphrase goes to the unit's officers by text message
    only (never stored, never with the packet). The packet's id, or None if the report is
    no longer waiting to be sent there (already in another packet, moved, closed)."""
    from tipline.dispatch.services import packet_build

    watched = UrgentReport.objects.select_related("unit").filter(report_id=report_id).first()
    if watched is None or watched.acknowledged_at is not None:
        return None
    try:
        built = packet_build(
            actor=system_user("alerts"), target_code=watched.unit.code, report_ids=[report_id],
            note="URGENT: a child may be in imminent danger. Act on this report first.",
            ack_within=timedelta(hours=settings.URGENT_ACK_HOURS))
    except RejectedInput as exc:
        log.warning("urgent report %s: no packet built: %s", report_id, exc)
        return None
    with transaction.atomic():
        UrgentReport.objects.filter(pk=report_id).update(packet_id=built.packet.pk)
        audit_record(actor=system_user("alerts"), action="urgent.packet", obj=built.packet,
                     data={"report": report_id, "packet": built.packet.reference})
    sender = sms_sender()
    officers = unit_officers(node_id=watched.unit_id)
    reached = recipients_of(user_ids=[u.pk for u in officers])
    params = {"packet": built.packet.reference, "ref": _ref(report_id)}
    told = [sender.send(Sms(username=user.username, phone=reached[user.pk].phone,
                            secret=built.passphrase,
                            text=message_render("passphrase_sms", params,
                                                language=reached[user.pk].language)))
            for user in officers if reached[user.pk].sms and reached[user.pk].phone]
    if not any(told):  # no gateway, or no officer with a number: it reached nobody
        notify(users=hub_people(), kind=Kind.URGENT, key=f"urgent-passphrase:{built.packet.pk}",
               link=reverse("dispatch:packet_list"), message="urgent_passphrase",
               params={"packet": built.packet.reference, "unit": watched.unit.name,
                       "backend": settings.SMS_BACKEND})
    return int(built.packet.pk)


def urgent_acknowledge(*, actor: User, report_id: int) -> UrgentReport:
    """A unit (or the state or the hub) says it is acting on an urgent report: the watch ends
    and no escalation follows. For a report that reached the unit in a packet acknowledged
    before it was flagged urgent, this is the only way to answer the alert."""
    with transaction.atomic():
        watched = get_scoped_or_404(
            UrgentReport.objects.select_for_update().filter(acknowledged_at__isnull=True),
            user=actor, action="packet.receive", pk=report_id)
        urgent_acknowledged(actor=actor, report_ids=[watched.pk])
    watched.refresh_from_db()
    return watched


def urgent_acknowledged(*, actor: Actor, report_ids: Sequence[int],
                        now: datetime | None = None) -> int:
    """The unit acknowledged a packet carrying these reports: the watched urgent ones among
    them are done with. Inside the caller's transaction (dispatch's acknowledgement)."""
    now = now or timezone.now()
    open_ = list(UrgentReport.objects.filter(report_id__in=list(report_ids),
                                             acknowledged_at__isnull=True))
    for watched in open_:
        watched.acknowledged_at = now
        watched.save(update_fields=["acknowledged_at"])
        audit_record(actor=actor, action="urgent.acknowledged", obj=watched.report, data={
            "level": watched.level, "late": now > watched.due_at})
    return len(open_)


@dataclass(frozen=True)
class Sweep:
    escalated: int
    notices_due: int
    steps_overdue: int
    deleted: int = 0


def urgent_escalate(*, now: datetime | None = None) -> int:
    """Urgent reports past their deadline go one step up: to the state's nodal officers,
    then to the hub (one waiting in a state's queue: to the hub); each step audited in its
    own transaction, with the people told."""
    now = now or timezone.now()
    tree = jurisdiction_tree()
    actor = system_user("alerts")
    stepped = 0
    late = (UrgentReport.objects.filter(acknowledged_at__isnull=True, due_at__lte=now)
            .exclude(level=UrgentReport.Level.HUB).order_by("due_at"))
    for watched in late:
        with transaction.atomic():
            row = (UrgentReport.objects.select_for_update()
                   .filter(pk=watched.pk, acknowledged_at__isnull=True, due_at__lte=now)
                   .exclude(level=UrgentReport.Level.HUB).first())
            if row is None:
                continue
            unit = tree.by_id[row.unit_id]
            if row.level == UrgentReport.Level.UNIT:
                row.level = UrgentReport.Level.STATE
                people = nodal_officers(node_id=row.unit_id)
                state = state_of(row.unit_id)
                to = tree.by_id[state].code if state else tree.root.code
            else:
                row.level = UrgentReport.Level.HUB
                people = hub_people()
                to = tree.root.code
            row.escalated_at = now
            row.due_at = now + timedelta(hours=settings.URGENT_ACK_HOURS)
            row.save(update_fields=["level", "escalated_at", "due_at"])
            audit_record(actor=actor, action="urgent.escalated", obj=row.report, data={
                "level": row.level, "to": to, "unit": unit.code,
                "told": sorted(p.username for p in people)})
            made = notify(users=people, kind=Kind.URGENT, now=now,
                          key=f"urgent:{row.report_id}:{row.unit_id}:{row.level}",
                          message="urgent" if unit.kind in UNIT_KINDS else "urgent_queue",
                          params=_urgent_params(
                              row.report_id, row.reasons, unit.name,
                              "hub" if to == tree.root.code else "you"),
                          link=reverse("intake:report_detail", kwargs={"pk": row.report_id}))
            _after_commit_send(made)
            stepped += 1
    return stepped


def due_notify(*, now: datetime | None = None) -> tuple[int, int]:
    """Once a day per unit: tell its officers how many notices are due by tomorrow and how
    many SOP steps are overdue on its open cases. (notices, steps) counted."""
    from django.db.models import Count

    from tipline.cases.models import Case, ChecklistItem, Notice

    now = now or timezone.now()
    today = timezone.localdate(now)
    open_cases = ~Q(case__status=Case.Status.CLOSED)
    notices = dict(Notice.objects.filter(open_cases, replied_on__isnull=True,
                                         due_on__lte=today + timedelta(days=1))
                   .values_list("case__unit_id").annotate(n=Count("pk")).order_by())
    steps = dict(ChecklistItem.objects.filter(open_cases, done_at__isnull=True, due_at__lt=now)
                 .values_list("case__unit_id").annotate(n=Count("pk")).order_by())
    tree = jurisdiction_tree()
    with transaction.atomic():
        for unit_id, n in notices.items():
            node = tree.by_id[unit_id]
            notify(users=_officers(unit_id), kind=Kind.NOTICE_DUE, now=now,
                   key=f"notices:{unit_id}:{today.isoformat()}",
                   message="notices_due", params={"count": n, "unit": node.name},
                   link=reverse("cases:unit_cases", kwargs={"code": node.code}))
        for unit_id, n in steps.items():
            node = tree.by_id[unit_id]
            notify(users=_officers(unit_id), kind=Kind.SOP_OVERDUE, now=now,
                   key=f"steps:{unit_id}:{today.isoformat()}",
                   message="steps_overdue", params={"count": n, "unit": node.name},
                   link=reverse("cases:unit_cases", kwargs={"code": node.code}))
        if notices or steps:
            audit_record(actor=system_user("alerts"), action="notifications.due", data={
                "notices": sum(notices.values()), "steps": sum(steps.values()),
                "units": len(set(notices) | set(steps))})
    return sum(notices.values()), sum(steps.values())


#: an unread notification is kept at least this long, whatever TIPLINE_ALERTS_KEEP_DAYS says
UNREAD_KEEP_DAYS = 365


@transaction.atomic
def notifications_prune(*, now: datetime | None = None) -> int:
    """Delete the notifications read more than TIPLINE_ALERTS_KEEP_DAYS ago (by when they
    were made) and the unread ones older than a year (or than the setting, if longer): what
    they told is in the audit trail. Audited as a count. How many went."""
    now = now or timezone.now()
    keep = settings.ALERTS_KEEP_DAYS
    old = Notification.objects.filter(
        Q(read_at__isnull=False, created__lt=now - timedelta(days=keep))
        | Q(created__lt=now - timedelta(days=max(keep, UNREAD_KEEP_DAYS))))
    deleted = 0
    while ids := list(old.values_list("pk", flat=True)[:5000]):
        deleted += Notification.objects.filter(pk__in=ids).delete()[0]
    if deleted:
        audit_record(actor=system_user("alerts"), action="notifications.pruned", data={
            "deleted": deleted, "keep_days": keep})
    return deleted


def alerts_sweep(*, now: datetime | None = None) -> Sweep:
    """The periodic sweep: escalate late urgent reports, tell units of due notices and
    overdue steps, delete old notifications. `now` may be given to look at another time
    (tests, a catch-up)."""
    now = now or timezone.now()
    escalated = urgent_escalate(now=now)
    notices, steps = due_notify(now=now)
    deleted = notifications_prune(now=now)
    return Sweep(escalated, notices, steps, deleted)
