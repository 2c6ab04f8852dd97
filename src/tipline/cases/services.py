"""Writes of the case step: opening cases in bulk for routed reports, and every transition.

Each service runs in one transaction with its audit events. The bulk services (`cases_open`,
`cases_mark_dispatched`, `cases_acknowledge`) are called by routing and dispatch after those
have checked the actor's permission; the one-case services check it themselves: the case must
be visible to the actor (`report.view`, else 404) and the actor needs `case.update` at the
case's unit (else NotPermitted).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, timedelta
from functools import wraps
from typing import Any

from django.db import connection, transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tipline.accounts.policies import can_everywhere, get_scoped_or_404, require, scoped
from tipline.accounts.types import Actor
from tipline.audit.services import Entry, audit_record, audit_record_many
from tipline.cases.models import (
    FIR,
    Arrest,
    Case,
    CaseTally,
    ChecklistItem,
    LegalSection,
    Notice,
    Seizure,
)
from tipline.cases.reference import SECTIONS, SOP_STEPS
from tipline.core.bulk import allocate_ids, batches, insert_rows, update_rows
from tipline.core.errors import NotPermitted, RejectedInput
from tipline.intake.models import Report
from tipline.intake.services import StatusChange, reports_status_set
from tipline.jurisdictions.models import Jurisdiction
from tipline.jurisdictions.selectors import jurisdiction_tree

CHUNK = 5000  # ids per IN (...) list (SQLite >= 3.32 takes 32,766 variables)
#: report statuses that mean "routed to a unit" (dispatched is routed and sent)
ROUTED = (Report.Status.ROUTED, Report.Status.DISPATCHED)
#: jurisdiction kinds a case can be held at
UNIT_KINDS = (Jurisdiction.Kind.DISTRICT, Jurisdiction.Kind.UNIT, Jurisdiction.Kind.STATION)
#: statuses a case restarts from at its new unit when transferred before work began
NOT_STARTED = (Case.Status.RECEIVED, Case.Status.ACKNOWLEDGED)
CASE_TYPE = "cases.case"


# --- the tally: counts per unit and status, kept with every case write ----------------------

#: (unit id, status, closure reason, dispatched, acknowledged, FIR, chargesheet, the report's
#: source)
TallyKey = tuple[int, str, str, bool, bool, bool, bool, str]
TALLY_FIELDS = ("unit", "status", "closure_reason", "dispatched", "acknowledged", "fir",
                "chargesheet", "source")


def _tally_keys(cases: Any) -> Counter[TallyKey]:
    """How many of the cases in the queryset `cases` fall under each tally key (one query)."""
    def flag(q: Q) -> ExpressionWrapper:
        return ExpressionWrapper(q, output_field=BooleanField())

    rows = cases.order_by().values(
        "unit_id", "status", "closure_reason",
        sent=flag(Q(dispatched_at__isnull=False)), ack=flag(Q(acknowledged_at__isnull=False)),
        has_fir=flag(Q(fir__isnull=False)), sheet=flag(Q(chargesheet_on__isnull=False)),
        src=F("report__source"),
    ).annotate(n=Count("id"))
    return Counter({
        (r["unit_id"], r["status"], r["closure_reason"], bool(r["sent"]), bool(r["ack"]),
         bool(r["has_fir"]), bool(r["sheet"]), r["src"]): r["n"]
        for r in rows})


def _tally_add(delta: dict[TallyKey, int]) -> None:
    """Add `delta` to the tally (one upsert per key, in key order so that concurrent
    transactions lock the rows in the same order)."""
    changes = sorted((k, n) for k, n in delta.items() if n)
    if not changes:
        return
    quote = connection.ops.quote_name
    table = quote(CaseTally._meta.db_table)
    columns = [str(getattr(CaseTally._meta.get_field(f), "column", f)) for f in TALLY_FIELDS]
    names = ", ".join(quote(c) for c in columns)
    sql = (f"INSERT INTO {table} ({names}, {quote('cases')}) "  # noqa: S608
           f"VALUES ({', '.join(['%s'] * (len(columns) + 1))}) "
           f"ON CONFLICT ({names}) DO UPDATE SET {quote('cases')} = "
           f"{table}.{quote('cases')} + EXCLUDED.{quote('cases')}")
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(*key, n) for key, n in changes])


@contextmanager
def _tallied(case_ids: Sequence[int]) -> Iterator[None]:
    """Keep the tally right across a change to these cases: their keys are counted before
    and after, and the difference added (in the caller's transaction)."""
    before = _tally_keys(Case.objects.filter(pk__in=case_ids)) if case_ids else Counter()
    yield
    after = _tally_keys(Case.objects.filter(pk__in=case_ids)) if case_ids else Counter()
    delta = {k: after.get(k, 0) - before.get(k, 0) for k in {*before, *after}}
    _tally_add(delta)


def _retallied(service: Callable[..., Any]) -> Callable[..., Any]:
    """For a one-case service (inside its transaction): lock the case first, then keep the
    tally right across whatever the service changes."""
    @wraps(service)
    def run(*, case_id: int, **kwargs: Any) -> Any:
        ids = list(Case.objects.select_for_update().filter(pk=case_id)
                   .values_list("id", flat=True))
        with _tallied(ids):
            return service(case_id=case_id, **kwargs)

    return run


def cases_tally_recount() -> Counter[TallyKey]:
    """The tally as it should be, counted from every case (for checks and the rebuild)."""
    return _tally_keys(Case.objects.all())


@transaction.atomic
def cases_tally_rebuild() -> int:
    """Recount the tally from the cases; returns the number of keys."""
    keys = cases_tally_recount()
    CaseTally.objects.all().delete()
    _tally_add(dict(keys))
    return len(keys)


# --- bulk: called by routing and dispatch ----------------------------------------------------


@transaction.atomic
def cases_open(*, actor: Actor, report_ids: Sequence[int]) -> int:
    """Open a case (received) at the report's unit for each routed report that has none.

    Idempotent. An open case always follows its report: when the report has moved since (a
    transfer to another unit, or back to a state or the national queue), the case moves with
    it, audited as `case.transferred`, and only those who may see the report see the case; if
    no work had begun (received or acknowledged) it starts over where it went, as received
    and undispatched. Closed cases stay where they are. Reports not routed to a unit get no
    new case. Returns the number of cases opened or moved.
    """
    tree = jurisdiction_tree()
    now = timezone.now()
    ids = sorted(set(report_ids))
    new: list[tuple[int, int]] = []  # (report id, unit id)
    moved: list[tuple[int, int, int, str, int]] = []  # (case, report, from, status, to)
    source: dict[int, str] = {}  # report id -> its source
    for chunk in batches(ids, CHUNK):
        rows = list(Report.objects.filter(pk__in=chunk, is_current=True).values_list(
            "id", "jurisdiction_id", "status", "source"))
        where = {rid: jid for rid, jid, _, _ in rows}
        source.update((rid, src) for rid, _, _, src in rows)
        placed = {rid: jid for rid, jid, status, _ in rows
                  if status in ROUTED and tree.by_id[jid].kind in UNIT_KINDS}
        existing = Case.objects.filter(report_id__in=chunk).values_list(
            "id", "report_id", "unit_id", "status")
        seen = set()
        for case_id, rid, unit_id, status in existing:
            seen.add(rid)
            to = where.get(rid)
            if to is not None and to != unit_id and status != Case.Status.CLOSED:
                moved.append((case_id, rid, unit_id, status, to))
        new.extend((rid, jid) for rid, jid in placed.items() if rid not in seen)
    entries: list[Entry] = []
    if new:
        case_ids = allocate_ids(Case, len(new))
        insert_rows(
            Case,
            ("id", "report", "unit", "status", "opened_at", "updated_at", "chargesheet_number",
             "closure_reason", "closure_note"),
            [(cid, rid, jid, Case.Status.RECEIVED, now, now, "", "", "")
             for cid, (rid, jid) in zip(case_ids, new, strict=True)],
        )
        insert_rows(
            ChecklistItem, ("case", "step", "title", "position", "due_at", "note"),
            [(cid, step, title, pos, now + timedelta(days=days), "")
             for cid in case_ids for pos, (step, title, days) in enumerate(SOP_STEPS, 1)],
        )
        _tally_add(Counter((jid, Case.Status.RECEIVED, "", False, False, False, False,
                            source[rid]) for rid, jid in new))
        entries.extend(
            Entry("case.opened", CASE_TYPE, str(cid),
                  {"report": rid, "unit": tree.by_id[jid].code})
            for cid, (rid, jid) in zip(case_ids, new, strict=True)
        )
    if moved:
        restart = [m for m in moved if m[3] in NOT_STARTED]
        keep = [m for m in moved if m[3] not in NOT_STARTED]
        for part in batches(moved, CHUNK):
            chunk_ids = {m[0] for m in part}
            with _tallied(sorted(chunk_ids)):
                update_rows(Case, ("unit", "status", "dispatched_at", "packet_id",
                                   "acknowledged_at", "updated_at"),
                            [(to, Case.Status.RECEIVED, None, None, None, now, cid)
                             for cid, _, _, _, to in restart if cid in chunk_ids])
                update_rows(Case, ("unit", "updated_at"),
                            [(to, now, cid) for cid, _, _, _, to in keep if cid in chunk_ids])
        entries.extend(
            Entry("case.transferred", CASE_TYPE, str(cid),
                  {"report": rid, "from": tree.by_id[src].code, "to": tree.by_id[to].code,
                   "restarted": status in NOT_STARTED})
            for cid, rid, src, status, to in moved
        )
    audit_record_many(actor=actor, entries=entries)
    return len(new) + len(moved)


@transaction.atomic
def cases_mark_dispatched(*, actor: Actor, report_ids: Sequence[int], packet_id: int) -> int:
    """Record that a packet carried these reports to their units (open cases only).

    A later packet (a correction) overwrites the packet and time. Returns the number of
    cases marked.
    """
    now = timezone.now()
    marked: list[int] = []
    for chunk in batches(sorted(set(report_ids)), CHUNK):
        qs = Case.objects.filter(report_id__in=chunk).exclude(status=Case.Status.CLOSED)
        case_ids = list(qs.values_list("id", flat=True))
        with _tallied(case_ids):
            Case.objects.filter(pk__in=case_ids).update(
                dispatched_at=now, packet_id=packet_id, updated_at=now)
        marked.extend(case_ids)
    audit_record_many(actor=actor, entries=[
        Entry("case.dispatched", CASE_TYPE, str(cid), {"packet": packet_id}) for cid in marked])
    return len(marked)


@transaction.atomic
def cases_acknowledge(*, actor: Actor, report_ids: Sequence[int]) -> int:
    """The unit confirms it received these reports: received -> acknowledged.

    Cases already past received are left as they are. Returns the number acknowledged.
    """
    now = timezone.now()
    done: list[int] = []
    for chunk in batches(sorted(set(report_ids)), CHUNK):
        case_ids = list(Case.objects.filter(
            report_id__in=chunk, status=Case.Status.RECEIVED).values_list("id", flat=True))
        with _tallied(case_ids):
            Case.objects.filter(pk__in=case_ids).update(
                status=Case.Status.ACKNOWLEDGED, acknowledged_at=now, updated_at=now)
        done.extend(case_ids)
    audit_record_many(actor=actor, entries=[
        Entry("case.acknowledged", CASE_TYPE, str(cid), {}) for cid in done])
    return len(done)


# --- one case: from the case page ------------------------------------------------------------


def _case_for_update(actor: Actor, case_id: int) -> Case:
    """The case, locked; 404 if the actor may not see it, NotPermitted if not update it."""
    case = get_scoped_or_404(Case.objects.select_for_update().select_related("unit"),
                             user=actor, action="report.view", pk=case_id)
    require(actor, "case.update", jurisdiction_id=case.unit_id)
    return case


def _refuse_closed(case: Case) -> None:
    if case.is_closed:
        raise RejectedInput(_("case %(case)s is closed; nothing more can be recorded")
                            % {"case": case.reference})


def _need(case: Case, allowed: Sequence[str], refusal: str) -> None:
    """Refuse unless the case is in one of the `allowed` states; `refusal` is the message,
    with %(case)s and %(status)s (the status in the active language: the caller's page)."""
    _refuse_closed(case)
    if case.status not in allowed:
        raise RejectedInput(refusal % {"case": case.reference,
                                       "status": case.get_status_display().lower()})


def _move(case: Case, status: str, *, extra: Sequence[str] = ()) -> None:
    """Set the status; moving on fills in acknowledgement when it was skipped."""
    now = timezone.now()
    case.status = status
    case.updated_at = now
    fields = ["status", "updated_at", *extra]
    if case.acknowledged_at is None and status != Case.Status.CLOSED:
        case.acknowledged_at = now
        fields.append("acknowledged_at")
    case.save(update_fields=fields)


def _not_future(day: date, refusal: str) -> None:
    if day > timezone.localdate():
        raise RejectedInput(refusal)


@transaction.atomic
@_retallied
def case_acknowledge(*, actor: Actor, case_id: int) -> Case:
    """The unit confirms it has the report: received -> acknowledged."""
    case = _case_for_update(actor, case_id)
    _need(case, [Case.Status.RECEIVED],
          _("cannot acknowledge: case %(case)s is %(status)s"))
    _move(case, Case.Status.ACKNOWLEDGED)
    audit_record(actor=actor, action="case.acknowledged", obj=case)
    return case


@transaction.atomic
@_retallied
def case_enquiry_start(*, actor: Actor, case_id: int) -> Case:
    """The unit starts enquiring (lookups, notices, identifying the subscriber)."""
    case = _case_for_update(actor, case_id)
    _need(case, NOT_STARTED, _("cannot start an enquiry: case %(case)s is %(status)s"))
    case.enquiry_at = timezone.now()
    _move(case, Case.Status.ENQUIRY, extra=["enquiry_at"])
    audit_record(actor=actor, action="case.enquiry", obj=case)
    return case


@transaction.atomic
@_retallied
def case_fir_register(
    *, actor: Actor, case_id: int, number: str, registered_on: date, police_station: str,
    section_ids: Sequence[int],
) -> FIR:
    """The FIR registered on the case (BNSS 173), under one or more sections of law."""
    case = _case_for_update(actor, case_id)
    _need(case, [*NOT_STARTED, Case.Status.ENQUIRY],
          _("cannot register an FIR: case %(case)s is %(status)s"))
    number, police_station = number.strip(), police_station.strip()
    if not number:
        raise RejectedInput(_("an FIR needs its number"))
    if not police_station:
        raise RejectedInput(_("an FIR needs the police station it was registered at"))
    wanted = set(section_ids)
    sections = list(LegalSection.objects.filter(pk__in=wanted, active=True))
    if not wanted:
        raise RejectedInput(_("an FIR needs at least one section of law"))
    if len(sections) != len(wanted):
        raise RejectedInput(_("unknown or retired section of law chosen"))
    _not_future(registered_on, _("the FIR date cannot be in the future"))
    fir = FIR.objects.create(case=case, number=number, registered_on=registered_on,
                             police_station=police_station, recorded_by=_user(actor),
                             recorded_at=timezone.now())
    fir.sections.set(sections)
    _move(case, Case.Status.FIR)
    # the SOP's "Register the FIR" step is done by this very act (a step ticked by hand
    # before stays as it was)
    ChecklistItem.objects.filter(case=case, step="fir", done_at__isnull=True).update(
        done_at=fir.recorded_at, done_by=_user(actor), note=f"FIR {number}"[:300])
    audit_record(actor=actor, action="case.fir_registered", obj=case, data={
        "number": number, "registered_on": registered_on.isoformat(),
        "police_station": police_station, "sections": sorted(str(s) for s in sections)})
    return fir


@transaction.atomic
@_retallied
def case_chargesheet(*, actor: Actor, case_id: int, number: str, filed_on: date) -> Case:
    """The chargesheet (final report with charges) filed in court after the FIR."""
    case = _case_for_update(actor, case_id)
    _refuse_closed(case)
    if case.status != Case.Status.FIR:
        raise RejectedInput(_("no chargesheet before an FIR is registered"))
    number = number.strip()
    if not number:
        raise RejectedInput(_("a chargesheet needs its number"))
    _not_future(filed_on, _("the chargesheet date cannot be in the future"))
    if filed_on < case.fir.registered_on:
        raise RejectedInput(_("the chargesheet cannot be filed before the FIR"))
    case.chargesheet_number, case.chargesheet_on = number, filed_on
    _move(case, Case.Status.CHARGESHEETED, extra=["chargesheet_number", "chargesheet_on"])
    audit_record(actor=actor, action="case.chargesheeted", obj=case,
                 data={"number": number, "filed_on": filed_on.isoformat()})
    return case


_REF = re.compile(r"^(?:TLC?-)?0*(\d{1,12})$", re.IGNORECASE)


def _duplicate_target(actor: Actor, case: Case, reference: str) -> Case:
    """The case named as the one this duplicates, among the cases the actor may see: one out
    of their reach is answered exactly like one that does not exist."""
    match = _REF.match(reference.strip())
    other = scoped(Case.objects.all(), user=actor, action="report.view").filter(
        report_id=int(match.group(1))).first() if match else None
    if other is None:
        given = repr(reference.strip()) if reference.strip() else _("(none given)")
        raise RejectedInput(
            _("a duplicate closure must name the other case (e.g. TLC-00000123); "
              "no case %(reference)s") % {"reference": given})
    if other.pk == case.pk:
        raise RejectedInput(_("a case cannot be a duplicate of itself"))
    if other.duplicate_of_id == case.pk:
        raise RejectedInput(_("%(case)s is already closed as a duplicate of this case")
                            % {"case": other.reference})
    return other


@transaction.atomic
@_retallied
def case_close(
    *, actor: Actor, case_id: int, reason: str, note: str = "", duplicate_of: str = "",
) -> Case:
    """Close the case with a reason.

    Before an FIR a case may only be closed as not pursued (false positive, no actionable
    information, duplicate of a named case); after an FIR with a closure report; after a
    chargesheet when the court disposes of it. Outside jurisdiction is not a closure: transfer
    the report instead.
    """
    case = _case_for_update(actor, case_id)
    _refuse_closed(case)
    if not reason:
        raise RejectedInput(_("a case cannot be closed without a reason"))
    if reason not in Case.Closure.values:
        raise RejectedInput(_("unknown closure reason %(reason)s (outside jurisdiction is a "
                              "transfer of the report, not a closure)") % {"reason": repr(reason)})
    allowed = {
        Case.Status.FIR: [Case.Closure.CLOSURE_REPORT],
        Case.Status.CHARGESHEETED: [Case.Closure.DISPOSED],
    }.get(Case.Status(case.status), list(Case.NOT_PURSUED))
    if reason not in allowed:
        raise RejectedInput(
            _("a case that is %(status)s can be closed only as: %(reasons)s") % {
                "status": case.get_status_display().lower(),
                "reasons": ", ".join(str(Case.Closure(r).label) for r in allowed)})
    data: dict[str, Any] = {}
    fields: list[str] = []
    if reason == Case.Closure.DUPLICATE:
        case.duplicate_of = _duplicate_target(actor, case, duplicate_of)
        data["duplicate_of"] = case.duplicate_of.reference
        fields.append("duplicate_of")
    _close(case, actor=actor, reason=reason, note=note.strip(), extra=fields, data=data)
    return case


def _close(case: Case, *, actor: Actor, reason: str, note: str, extra: Sequence[str] = (),
           data: dict[str, Any] | None = None) -> None:
    """Close the case with its reason and note, audited as `case.closed`."""
    previous = case.status
    case.closure_reason, case.closure_note = reason, note
    case.closed_at = timezone.now()
    _move(case, Case.Status.CLOSED, extra=["closure_reason", "closure_note", "closed_at", *extra])
    audit_record(actor=actor, action="case.closed", obj=case, data={
        "reason": reason, "from": previous, **(data or {})})


@transaction.atomic
def report_clear(*, actor: Actor, report_id: int, note: str) -> str:
    """A reviewer found none of the report's files to be CSAM: close it as not pursued,
    false positive; returns what was done.

    Review has checked the reviewer's permission; `case.update` at the unit (a unit's
    permission, which reviewers don't hold) is not needed, but the rule is the same as
    `case_close`'s: only before an FIR, audited `case.closed`. A report routed to a unit
    without a case gets one first; a case with an FIR or chargesheet is left to its unit. A
    report not routed to a unit has no case: the report itself is closed (audited
    `report.closed`); routing does not reopen it by itself, but a report routed afterwards
    gets an open case, which the unit must close.
    """
    report = Report.objects.get(pk=report_id)
    if report.status in ROUTED and not Case.objects.filter(report=report).exists():
        cases_open(actor=actor, report_ids=[report.pk])
    case = Case.objects.select_for_update().filter(report=report).first()
    if case is None:
        reports_status_set(changes=[StatusChange(report.pk, Report.Status.CLOSED)])
        audit_record(actor=actor, action="report.closed", obj=report, data={
            "reason": Case.Closure.FALSE_POSITIVE, "by": "review", "note": note[:500]})
        return "report closed"
    if case.is_closed:
        return "case already closed"
    if case.status in (Case.Status.FIR, Case.Status.CHARGESHEETED):
        return "case has an FIR: left to the unit"
    with _tallied([case.pk]):
        _close(case, actor=actor, reason=Case.Closure.FALSE_POSITIVE,
               note=(note.strip() or "Reviewed at the hub: not CSAM.")[:2000],
               data={"by": "review"})
    return "case closed"


@transaction.atomic
def arrest_add(
    *, actor: Actor, case_id: int, person: str, arrested_on: date, note: str = "",
) -> Arrest:
    """A person arrested in the case (only after an FIR)."""
    case = _case_for_update(actor, case_id)
    _need(case, [Case.Status.FIR, Case.Status.CHARGESHEETED],
          _("cannot record an arrest: case %(case)s is %(status)s"))
    person = person.strip()
    if not person:
        raise RejectedInput(_("say who was arrested"))
    _not_future(arrested_on, _("the arrest date cannot be in the future"))
    arrest = Arrest.objects.create(case=case, person=person, arrested_on=arrested_on,
                                   note=note.strip(), recorded_by=_user(actor),
                                   recorded_at=timezone.now())
    audit_record(actor=actor, action="case.arrest", obj=case,
                 data={"arrest": arrest.pk, "arrested_on": arrested_on.isoformat()})
    return arrest


@transaction.atomic
def seizure_add(
    *, actor: Actor, case_id: int, seized_on: date, items: str, video_recorded: bool,
) -> Seizure:
    """Something seized in a search on the case."""
    case = _case_for_update(actor, case_id)
    _refuse_closed(case)
    items = items.strip()
    if not items:
        raise RejectedInput(_("say what was seized"))
    _not_future(seized_on, _("the seizure date cannot be in the future"))
    seizure = Seizure.objects.create(case=case, seized_on=seized_on, items=items,
                                     video_recorded=video_recorded, recorded_by=_user(actor),
                                     recorded_at=timezone.now())
    audit_record(actor=actor, action="case.seizure", obj=case,
                 data={"seizure": seizure.pk, "video_recorded": video_recorded})
    return seizure


@transaction.atomic
def notice_add(
    *, actor: Actor, case_id: int, recipient_kind: str, recipient: str, sent_on: date,
    due_on: date, section: str = "BNSS 94",
) -> Notice:
    """A notice sent to a platform or ISP to produce records, with its deadline."""
    case = _case_for_update(actor, case_id)
    _refuse_closed(case)
    recipient = recipient.strip()
    if recipient_kind not in Notice.Recipient.values:
        raise RejectedInput(_("say whether the notice went to a platform, an ISP or another"))
    if not recipient:
        raise RejectedInput(_("name the notice's recipient"))
    _not_future(sent_on, _("the date sent cannot be in the future"))
    if due_on < sent_on:
        raise RejectedInput(_("the reply cannot be due before the notice was sent"))
    notice = Notice.objects.create(
        case=case, section=section.strip() or "BNSS 94", recipient_kind=recipient_kind,
        recipient=recipient, sent_on=sent_on, due_on=due_on, recorded_by=_user(actor),
        recorded_at=timezone.now())
    audit_record(actor=actor, action="case.notice", obj=case, data={
        "notice": notice.pk, "recipient": recipient, "due_on": due_on.isoformat()})
    return notice


@transaction.atomic
def notice_reply(*, actor: Actor, notice_id: int, replied_on: date, reply: str) -> Notice:
    """The recipient's reply to a notice (ends its being overdue)."""
    notice = get_scoped_or_404(Notice.objects.select_for_update().select_related("case"),
                               user=actor, action="report.view", pk=notice_id)
    require(actor, "case.update", jurisdiction_id=notice.case.unit_id)
    if notice.replied_on is not None:
        raise RejectedInput(_("this notice's reply is already recorded"))
    _not_future(replied_on, _("the reply date cannot be in the future"))
    if replied_on < notice.sent_on:
        raise RejectedInput(_("the reply cannot come before the notice was sent"))
    notice.replied_on, notice.reply = replied_on, reply.strip()
    notice.save(update_fields=["replied_on", "reply"])
    audit_record(actor=actor, action="case.notice_reply", obj=notice.case,
                 data={"notice": notice.pk, "replied_on": replied_on.isoformat()})
    return notice


@transaction.atomic
def checklist_item_set(*, actor: Actor, item_id: int, done: bool, note: str = "") -> ChecklistItem:
    """Mark an SOP step done (by whom, when) or not done again."""
    item = get_scoped_or_404(ChecklistItem.objects.select_for_update().select_related("case"),
                             user=actor, action="report.view", pk=item_id)
    require(actor, "case.update", jurisdiction_id=item.case.unit_id)
    _refuse_closed(item.case)
    if done == (item.done_at is not None):
        raise RejectedInput((_("'%(step)s' is already done") if done
                             else _("'%(step)s' is already not done")) % {"step": item.title})
    item.done_at = timezone.now() if done else None
    item.done_by = _user(actor) if done else None
    item.note = note.strip()[:300]
    item.save(update_fields=["done_at", "done_by", "note"])
    audit_record(actor=actor, action="case.checklist", obj=item.case,
                 data={"step": item.step, "done": done})
    return item


def _user(actor: Actor) -> Any:
    return actor if getattr(actor, "pk", None) else None


# --- the catalogue of sections ---------------------------------------------------------------


def legal_sections_seed() -> int:
    """Create the starting catalogue of sections if missing (edited rows are kept)."""
    created = 0
    for position, (short, act, section, about) in enumerate(SECTIONS, 1):
        _, made = LegalSection.objects.get_or_create(
            short=short, section=section,
            defaults={"act": act, "about": about, "position": position * 10})
        created += int(made)
    return created


@transaction.atomic
def legal_section_add(
    *, actor: Actor, short: str, act: str, section: str, about: str,
) -> LegalSection:
    """A new section in the national catalogue offered when registering FIRs."""
    if not can_everywhere(actor, "sop.edit"):
        raise NotPermitted(_("only the hub edits the catalogue of sections"))
    short, act, section = short.strip(), act.strip(), section.strip()
    if not (short and act and section):
        raise RejectedInput(_("give the act, its short name and the section"))
    if LegalSection.objects.filter(short=short, section=section).exists():
        raise RejectedInput(_("%(section)s is already in the catalogue")
                            % {"section": f"{short} {section}"})
    top = LegalSection.objects.order_by("-position").values_list("position", flat=True).first()
    row = LegalSection.objects.create(short=short, act=act, section=section,
                                      about=about.strip(), position=(top or 0) + 10)
    audit_record(actor=actor, action="legal_section.added", obj=row, data={"section": str(row)})
    return row


@transaction.atomic
def legal_section_set_active(*, actor: Actor, section_id: int, active: bool) -> LegalSection:
    """Offer a section for new FIRs again, or retire it (FIRs already under it keep it)."""
    if not can_everywhere(actor, "sop.edit"):
        raise NotPermitted(_("only the hub edits the catalogue of sections"))
    row = LegalSection.objects.select_for_update().get(pk=section_id)
    row.active = active
    row.save(update_fields=["active"])
    audit_record(actor=actor, action="legal_section.active", obj=row,
                 data={"section": str(row), "active": active})
    return row
