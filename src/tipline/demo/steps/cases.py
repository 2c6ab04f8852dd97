"""Moving the demo's cases along, through the cases' services, so the funnel shows
something real.

Calibrated loosely on Maharashtra by July 2021 (15,255 tips, 213 FIRs, 105 arrests): in the
demo a few percent of Maharashtra's cases get an FIR, about half of those an arrest, a few a
chargesheet; BNSS 94 notices go out (some replied, some overdue); elsewhere units acknowledge
and close some reports as not pursued. The actor needs `case.update` over the cases' units
(the demo's hub admin).
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta

from django.utils import timezone

from tipline.accounts.types import Actor
from tipline.cases.models import Case, LegalSection
from tipline.cases.services import (
    arrest_add,
    case_chargesheet,
    case_close,
    case_enquiry_start,
    case_fir_register,
    cases_acknowledge,
    checklist_item_set,
    notice_add,
    notice_reply,
    seizure_add,
)

ACKNOWLEDGED_SHARE = 0.7
MH_ENQUIRY_SHARE = 0.08
MH_FIR_SHARE = 0.03
ARREST_SHARE = 0.5
NOT_PURSUED_SHARE = 0.03
SECTION_SETS = [("IT Act 67B",), ("IT Act 67B", "POCSO 15"), ("IT Act 67B", "POCSO 14"),
                ("POCSO 15", "BNS 294"), ("IT Act 67B", "POCSO 13", "POCSO 14")]
PLATFORMS = ("ChatApp", "PhotoShare", "VideoTube", "MailBox")
ISPS = ("Jio", "Airtel", "Vi", "BSNL", "ACT Fibernet")


def cases_demo_progress(*, actor: Actor, rng: random.Random,
                        acknowledge_share: float = ACKNOWLEDGED_SHARE) -> dict[str, int]:
    """Acknowledge most dispatched cases, take some of Maharashtra's to FIR, arrest and
    chargesheet, send notices, and close some everywhere as not pursued; returns counts."""
    done: Counter[str] = Counter()
    received = list(Case.objects.filter(status=Case.Status.RECEIVED)
                    .values_list("report_id", "dispatched_at"))
    sent = [rid for rid, at in received if at is not None] or [rid for rid, _ in received]
    picked = [rid for rid in sent if rng.random() < acknowledge_share]
    done["acknowledged"] = cases_acknowledge(actor=actor, report_ids=picked)

    open_cases = list(Case.objects.filter(status=Case.Status.ACKNOWLEDGED)
                      .values_list("id", "unit__path").order_by("id"))
    mh = [cid for cid, path in open_cases if path.startswith("IN/MH/")]
    rng.shuffle(mh)
    firs = mh[:max(1, round(len(mh) * MH_FIR_SHARE))] if mh else []
    enquiries = mh[len(firs):len(firs) + round(len(mh) * MH_ENQUIRY_SHARE)]
    sections = {str(s): s.pk for s in LegalSection.objects.filter(active=True)}

    for cid in [*firs, *enquiries]:
        case_enquiry_start(actor=actor, case_id=cid)
        done["enquiries"] += 1
        _notices(actor=actor, case_id=cid, rng=rng, done=done)
    for n, cid in enumerate(firs, 1):
        _fir(actor=actor, case_id=cid, n=n, sections=sections, rng=rng, done=done)

    rest = [cid for cid, _ in open_cases if cid not in set(firs) | set(enquiries)]
    _not_pursued(actor=actor, case_ids=rest, rng=rng, done=done)
    return dict(done)


def cases_demo_summary(counts: dict[str, int]) -> str:
    """The line the demo prints about the cases it moved along."""
    return "cases moved along: " + ", ".join(f"{k} {v}" for k, v in counts.items() if v)


def _fir(*, actor: Actor, case_id: int, n: int, sections: dict[str, int], rng: random.Random,
         done: Counter[str]) -> None:
    """The enquiry's checklist done, the FIR registered; half the time an arrest follows."""
    today = timezone.localdate()
    for item in Case.objects.get(pk=case_id).checklist.filter(
            step__in=("integrity", "deconflict", "lookups", "notice", "subscriber")):
        checklist_item_set(actor=actor, item_id=item.pk, done=True)
        done["steps_done"] += 1
    chosen = [sections[s] for s in rng.choice(SECTION_SETS) if s in sections]
    fir_day = today - timedelta(days=rng.randint(3, 40))
    unit = Case.objects.select_related("unit").get(pk=case_id).unit
    case_fir_register(actor=actor, case_id=case_id, number=f"{n}/{today.year}",
                      registered_on=fir_day, police_station=f"Cyber PS, {unit.name}",
                      section_ids=chosen or list(sections.values())[:1])
    done["firs"] += 1
    if rng.random() < ARREST_SHARE:
        _arrest(actor=actor, case_id=case_id, n=n, fir_day=fir_day, rng=rng, done=done)


def _arrest(*, actor: Actor, case_id: int, n: int, fir_day: date, rng: random.Random,
            done: Counter[str]) -> None:
    """An arrest within days of the FIR, with a seizure; now and then a chargesheet."""
    today = timezone.localdate()
    arrest_day = min(today, fir_day + timedelta(days=rng.randint(0, 3)))
    arrest_add(actor=actor, case_id=case_id, person=f"Accused {n} (demo)",
               arrested_on=arrest_day)
    seizure_add(actor=actor, case_id=case_id, seized_on=arrest_day,
                items="one mobile phone; one memory card", video_recorded=True)
    done["arrests"] += 1
    done["seizures"] += 1
    if rng.random() < 0.3:
        case_chargesheet(actor=actor, case_id=case_id, number=f"CS-{n}/{today.year}",
                         filed_on=today)
        done["chargesheets"] += 1


def _not_pursued(*, actor: Actor, case_ids: list[int], rng: random.Random,
                 done: Counter[str]) -> None:
    """A few of the other cases closed by their unit as not pursued (some as duplicates of
    a case that stays open)."""
    rest = list(case_ids)
    rng.shuffle(rest)
    closing = rest[:round(len(rest) * NOT_PURSUED_SHARE)]
    kept = rest[len(closing):]
    for cid in closing:
        reason = rng.choice(Case.NOT_PURSUED)
        original = ""
        if reason == Case.Closure.DUPLICATE:
            if not kept:
                reason = Case.Closure.NO_INFORMATION
            else:
                original = Case.objects.get(pk=rng.choice(kept)).reference
        case_close(actor=actor, case_id=cid, reason=reason, duplicate_of=original,
                   note="demo: checked by the unit")
        done[f"not_pursued_{reason}"] += 1


def _notices(*, actor: Actor, case_id: int, rng: random.Random, done: Counter[str]) -> None:
    """A BNSS 94 notice to the platform and one to the ISP; some answered, some overdue."""
    today = timezone.localdate()
    for kind, names in (("platform", PLATFORMS), ("isp", ISPS)):
        sent = today - timedelta(days=rng.randint(2, 40))
        notice = notice_add(actor=actor, case_id=case_id, recipient_kind=kind,
                            recipient=rng.choice(names), sent_on=sent,
                            due_on=sent + timedelta(days=15))
        done["notices"] += 1
        if rng.random() < 0.6:
            replied = min(today, sent + timedelta(days=rng.randint(3, 20)))
            notice_reply(actor=actor, notice_id=notice.pk, replied_on=replied,
                         reply="subscriber details and logs supplied")
            done["notices_replied"] += 1
