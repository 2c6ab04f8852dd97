"""Writes of a reviewer's decision on a trawler candidate (a classifier's high score, or a
match to a bank that is not confirmed), and of each reveal of its clear media.

- confirm: the finding becomes confirmed and is filed as a report (`filing.finding_file`),
  which the normal flow scans, reviews, locates and routes;
- dismiss: its hashes join the hub's safelist (`review.services.SAFELIST_BANK`, through the
  media app's `bank_of_hub` and `bank_entries_add`, as review's "not CSAM" decision does),
  so the same media is `safelisted` when crawled again, and the finding lets go of its
  encrypted copy (the blob sweep removes it unless something else refers to it).

Candidates have no jurisdiction yet: only reviewers over the whole country decide on them.
Each decision and each reveal is audited in the decision's transaction.
"""

from __future__ import annotations

from contextlib import suppress

from django.db import transaction
from django.utils import timezone

from tipline.accounts.policies import can_everywhere
from tipline.accounts.services import system_user
from tipline.accounts.types import Actor
from tipline.audit.services import audit_record
from tipline.core.blobs import blob_read
from tipline.core.errors import NotPermitted, RejectedInput
from tipline.intake.models import Report
from tipline.media.banks import ParsedEntry
from tipline.media.models import MediaKind
from tipline.media.services import bank_entries_add, bank_of_hub
from tipline.media.video import video_pdq
from tipline.review.services import SAFELIST_BANK
from tipline.trawler.filing import finding_file
from tipline.trawler.models import Finding

#: what a reviewer may decide on candidates with
DECIDE = "review.decide"


def _require_hub(actor: Actor, action: str) -> None:
    if not can_everywhere(actor, action):
        raise NotPermitted(f"not permitted: {action} over the whole country")


def _candidate(pk: int) -> Finding:
    finding = Finding.objects.select_for_update().filter(pk=pk).first()
    if finding is None:
        raise RejectedInput("no such finding")
    if finding.state != Finding.State.CANDIDATE:
        raise RejectedInput("this finding was decided already")
    return finding


def finding_confirm(*, actor: Actor, finding_id: int, note: str = "") -> Report:
    """A reviewer confirms a candidate: it is filed as a trawler report (one transaction with
    the decision and its audit event)."""
    _require_hub(actor, DECIDE)
    with transaction.atomic():
        finding = _candidate(finding_id)
        finding.state = Finding.State.CONFIRMED
        finding.decided_by = actor
        finding.decided_at = timezone.now()
        finding.save(update_fields=["state", "decided_by", "decided_at"])
        report = finding_file(finding_id=finding.pk, actor=actor)
        audit_record(actor=actor, action="trawl.confirmed", obj=finding, data={
            "kind": finding.kind, "sha256": finding.sha256, "score": finding.score,
            "report": report.pk, "note": note.strip()[:500]})
    return report


def _safelist_entries(finding: Finding) -> list[ParsedEntry]:
    """The safelist entries of a dismissed finding: one for an image; for a video one per
    frame of its kept copy, sharing a source id (the first with the file's cryptographic
    hashes), as review's own "not CSAM" adds a report's video, so a copy matches by frames."""
    seen = finding.seen
    source = f"tipline-trawl-finding-{finding.pk}"
    video = seen.media == MediaKind.VIDEO
    frames = [seen.pdq] if seen.pdq else []
    if video and finding.blob:
        # a copy that no longer decodes keeps the first frame's PDQ, as seen
        with suppress(RejectedInput):
            frames = [s.hash for s in video_pdq(blob_read(finding.blob))] or frames
    kind = MediaKind.VIDEO if video else MediaKind.IMAGE
    first = ParsedEntry(md5=seen.md5, sha1=seen.sha1, sha256=seen.sha256,
                        pdq=frames[0] if frames else "", category="not_csam", source_id=source,
                        media=kind)
    return [first] + [ParsedEntry(pdq=p, category="not_csam", source_id=source, media=kind)
                      for p in (frames[1:] if video else [])]


def finding_dismiss(*, actor: Actor, finding_id: int, note: str = "") -> Finding:
    """A reviewer dismisses a candidate: its hashes join the hub's safelist, its copy is let
    go (module docstring)."""
    _require_hub(actor, DECIDE)
    with transaction.atomic():
        finding = _candidate(finding_id)
        reviewer = system_user("review")
        bank = bank_of_hub(actor=reviewer, name=SAFELIST_BANK, safelist=True)
        added = bank_entries_add(actor=reviewer, bank=bank, entries=_safelist_entries(finding),
                                 source=f"review of trawler finding {finding.pk} by "
                                        f"{actor.username}")
        finding.state = Finding.State.DISMISSED
        finding.decided_by = actor
        finding.decided_at = timezone.now()
        finding.blob = ""
        finding.save(update_fields=["state", "decided_by", "decided_at", "blob"])
        audit_record(actor=actor, action="trawl.dismissed", obj=finding, data={
            "kind": finding.kind, "sha256": finding.sha256, "score": finding.score,
            "bank": bank.name, "entries_added": added.added, "note": note.strip()[:500]})
    return finding


@transaction.atomic
def finding_reveal(*, actor: Actor, finding: Finding, kind: str) -> None:
    """Record that `actor` revealed a finding's clear image or video (the same event as a
    report file's reveal in review)."""
    _require_hub(actor, "media.view")
    audit_record(actor=actor, action="media.revealed", obj=finding, data={
        "finding": finding.pk, "kind": kind,
        "report": finding.report_id if finding.report_id else "not filed"})
