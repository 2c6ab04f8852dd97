"""Writes of review: decisions and their effects, reveals of clear media, wellness settings.

A decision runs in one transaction with its audit events:
- confirmed (with a category): the files' hashes (MD5, SHA-1, SHA-256, PDQ; a video's frame
  hashes) join the hub's confirmed bank (CONFIRMED_BANK), so they are exported as VICS and
  match future files; the report's files are matched again at once.
- not CSAM: the hashes join the hub's safelist (SAFELIST_BANK), which suppresses their matches
  now (the report's files are matched again) and in future files. When every stored file of
  the report is then decided and none was confirmed, the report is closed as not pursued,
  false positive: its case if it has one (opened first if the report is routed to a unit);
  otherwise the report itself is marked closed (`review.signals.report_cleared`: the cases
  step owns what follows).
- second opinion: nothing else; the files stay in the queue for another reviewer.
Classifier scores play no part in any of this.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from tipline.accounts.policies import get_scoped_or_404, require
from tipline.accounts.services import system_user
from tipline.accounts.types import Actor
from tipline.audit.services import audit_record
from tipline.core.errors import RejectedInput
from tipline.intake.models import Report, ReportFile
from tipline.media.banks import ParsedEntry
from tipline.media.models import BankEntry, FileSignal, HashBank, MediaKind
from tipline.media.services import bank_entries_add, bank_of_hub, files_scan
from tipline.review.models import FINAL, Category, Decision, ReviewerSettings, Verdict
from tipline.review.signals import report_cleared

CONFIRMED_BANK = "hub-confirmed"
SAFELIST_BANK = "hub-safelist"
#: the Project VIC (VICS) category a confirmed file is exported with: child abuse material
VICS_CATEGORY = "1"


def _entries(bank: HashBank, files: Sequence[ReportFile], category: str) -> list[ParsedEntry]:
    """Bank entries for the files not in the bank yet: one per image; one per frame of a
    video (sharing a source id, the first also carrying the file's cryptographic hashes)."""
    held = set(BankEntry.objects.filter(bank=bank, deleted=False,
                                        sha256__in=[f.sha256 for f in files if f.sha256])
               .values_list("sha256", flat=True))
    signals: dict[int, list[str]] = {}
    media = dict(ReportFile.objects.filter(pk__in=[f.pk for f in files])
                 .values_list("pk", "scan__media"))
    for file_id, pdq in (FileSignal.objects.filter(file_id__in=[f.pk for f in files])
                         .order_by("file_id", "timestamp", "pk").values_list("file_id", "pdq")):
        signals.setdefault(file_id, []).append(pdq)
    out: list[ParsedEntry] = []
    for f in files:
        if not (f.md5 or f.sha1 or f.sha256) or (f.sha256 and f.sha256 in held):
            continue
        kind = MediaKind.VIDEO if media.get(f.pk) == MediaKind.VIDEO else MediaKind.IMAGE
        pdqs = signals.get(f.pk, [])
        source = f"tipline-file-{f.pk}"
        out.append(ParsedEntry(md5=f.md5, sha1=f.sha1, sha256=f.sha256,
                               pdq=pdqs[0] if pdqs else "", category=category,
                               source_id=source, media=kind))
        if kind == MediaKind.VIDEO:
            out += [ParsedEntry(pdq=p, category=category, source_id=source, media=kind)
                    for p in pdqs[1:]]
    return out


@transaction.atomic
def decision_record(*, actor: Actor, report_id: int, verdict: str, category: str = "",
                    note: str = "", file_ids: Sequence[int] | None = None,
                    urgent: bool = False) -> list[Decision]:
    """Record a reviewer's verdict on the report's undecided files (or the named ones) and
    apply its effects (module docstring). 404 if the actor may not decide on the report.
    `urgent`: the reviewer flags a child in imminent danger (see `report_urgent`)."""
    report = get_scoped_or_404(Report.objects.select_for_update(), user=actor,
                               action="review.decide", pk=report_id)
    if verdict not in Verdict.values:
        raise RejectedInput(gettext("unknown verdict %(verdict)s") % {"verdict": repr(verdict)})
    category = category.strip().upper() if verdict == Verdict.CONFIRMED else ""
    if verdict == Verdict.CONFIRMED and category not in Category.values:
        raise RejectedInput(gettext("a confirmed file needs its category (A1, A2, B1 or B2)"))
    stored = ReportFile.objects.filter(report=report, stored=True).order_by("pk")
    if file_ids:
        files = list(stored.filter(pk__in=list(file_ids)))
        if len(files) != len(set(file_ids)):
            raise RejectedInput(gettext("those files are not this report's stored files"))
        if Decision.objects.filter(file__in=files, verdict__in=FINAL).exists():
            raise RejectedInput(gettext("a file named was decided already; no file of those "
                                        "is waiting for a decision"))
    else:
        files = list(stored.exclude(decisions__verdict__in=FINAL))
    if not files:
        raise RejectedInput(gettext("no file of this report is waiting for a decision"))
    now = timezone.now()
    made = Decision.objects.bulk_create([
        Decision(report=report, file=f, reviewer=actor, verdict=verdict, category=category,
                 note=note.strip()[:5000], decided_at=now, urgent=urgent) for f in files])
    data: dict[str, Any] = {"verdict": verdict, "category": category,
                            "files": [f.pk for f in files]}
    if urgent:
        data["urgent"] = True
    if verdict in FINAL:
        bank = bank_of_hub(actor=system_user("review"),
                           name=SAFELIST_BANK if verdict == Verdict.NOT_CSAM else CONFIRMED_BANK,
                           safelist=verdict == Verdict.NOT_CSAM)
        # confirmed entries are exported as VICS category 1 (child abuse material); the hub's
        # A1..B2 stays their category
        added = bank_entries_add(actor=system_user("review"), bank=bank,
                                 entries=_entries(bank, files, category or "not_csam"),
                                 source=f"review of report {report.pk} by {actor.username}",
                                 source_category=VICS_CATEGORY
                                 if verdict == Verdict.CONFIRMED else None)
        data.update(bank=bank.name, entries_added=added.added)
        every = list(stored.values_list("pk", flat=True))
        files_scan(actor=system_user("review"), file_ids=every)  # matches and suppressions
    if verdict == Verdict.NOT_CSAM:
        verdicts = _final_verdicts(report)
        if verdicts and verdicts == {Verdict.NOT_CSAM} and not _undecided(report):
            answers = report_cleared.send(sender=Report, actor=actor, report_id=report.pk,
                                          note=note)
            data["closure"] = "; ".join(str(answer) for _, answer in answers if answer)
    audit_record(actor=actor, action="review.decided", obj=report, data=data)
    return made


def _final_verdicts(report: Report) -> set[str]:
    return set(Decision.objects.filter(report=report, verdict__in=FINAL)
               .values_list("verdict", flat=True))


def _undecided(report: Report) -> bool:
    return ReportFile.objects.filter(report=report, stored=True).exclude(
        decisions__verdict__in=FINAL).exists()


@transaction.atomic
def media_reveal(*, actor: Actor, file: ReportFile, kind: str) -> None:
    """Record that `actor` revealed the clear image or video of a file (the caller has
    checked media.view on its report)."""
    require(actor, "media.view", jurisdiction_id=file.report.jurisdiction_id)
    audit_record(actor=actor, action="media.revealed", obj=file,
                 data={"report": file.report_id, "kind": kind})


@transaction.atomic
def reviewer_settings_update(*, actor: Actor, blur_strength: int, grayscale: bool,
                             video_muted: bool, video_autoplay: bool) -> ReviewerSettings:
    """Change how media is shown to the actor (their own settings only)."""
    if not ReviewerSettings.BLUR_MIN <= blur_strength <= ReviewerSettings.BLUR_MAX:
        raise RejectedInput(gettext("blur strength must be between %(low)s and %(high)s") % {
            "low": ReviewerSettings.BLUR_MIN, "high": ReviewerSettings.BLUR_MAX})
    values = {"blur_strength": blur_strength, "grayscale": grayscale,
              "video_muted": video_muted, "video_autoplay": video_autoplay}
    found, _ = ReviewerSettings.objects.update_or_create(
        user=actor, defaults={**values, "updated_at": timezone.now()})
    audit_record(actor=actor, action="review.settings_changed", obj=found, data=values)
    return found
