"""The classifier stage of the scan: each stored image file gets a risk score with its reasons.

The score only orders the review queue (ReportMedia.risk_score is the highest of a report's
files). It never confirms anything, never closes anything and never goes into a packet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import transaction
from django.db.models import Q

from tipline.accounts.types import Actor
from tipline.audit.services import audit_record
from tipline.core.blobs import blob_exists, blob_read
from tipline.core.errors import RejectedInput
from tipline.intake.blind import file_hash_index
from tipline.intake.models import ReportFile
from tipline.media.hashing import image_open
from tipline.media.models import FileScan, MediaKind
from tipline.media.summary import reports_refresh

#: images decoded and classified together (the nudity model runs 8 a session run)
CLASSIFY_BATCH = 16


@dataclass
class ClassifyResult:
    """What one classifier pass did."""

    scored: int = 0
    failed: int = 0


def files_to_classify(*, file_ids: Sequence[int], redo: bool = False) -> list[tuple[int, str]]:
    """(file id, sha256) of the stored files among `file_ids` to score: images the scan read
    that have no score yet (all of them with `redo`), and files never scanned at all."""
    out: list[tuple[int, str]] = []
    ids = sorted(set(file_ids))
    image = Q(scan__media=MediaKind.IMAGE, scan__error="")
    if not redo:
        image &= Q(scan__risk_score__isnull=True)
    for start in range(0, len(ids), 900):
        qs = ReportFile.objects.filter(Q(scan__isnull=True) | image,
                                       pk__in=ids[start: start + 900], stored=True)
        out += [(pk, sha) for pk, sha in qs.order_by("pk").values_list("pk", "sha256") if sha]
    return out


def files_classify(*, file_ids: Sequence[int], actor: Actor | None = None,
                   redo: bool = False) -> ClassifyResult:
    """Score the stored image files (decrypting each from the blob store) with the offline
    classifiers, a batch at a time; store FileScan.risk_score / risk_reasons (creating the
    FileScan row if missing) and refresh the reports' media summaries. Files already scored
    are skipped unless `redo`; a file that isn't a readable image is left unscored."""
    from tipline.media.classifiers import classify_many

    result = ClassifyResult()
    todo = files_to_classify(file_ids=file_ids, redo=redo)
    # the same bytes get the same score: each content is classified once, and content
    # already scored in another file (material circulates) is not classified again
    files_of: dict[str, list[int]] = {}
    for pk, sha256 in todo:
        files_of.setdefault(sha256, []).append(pk)
    known: dict[str, tuple[float, str]] = {} if redo else {
        sha: (float(score or 0.0), reasons) for sha, score, reasons in FileScan.objects.filter(
            file__sha256_index__in=[file_hash_index("sha256", s) for s in files_of],
            risk_score__isnull=False,
        ).values_list("file__sha256", "risk_score", "risk_reasons")}
    if known:
        _store(actor, [(pk, *known[sha]) for sha in known for pk in files_of[sha]])
        result.scored += sum(len(files_of[sha]) for sha in known)
    contents = [sha for sha in files_of if sha not in known]
    for start in range(0, len(contents), CLASSIFY_BATCH):
        images, shas = [], []
        for sha256 in contents[start: start + CLASSIFY_BATCH]:
            try:
                if not blob_exists(sha256):
                    raise RejectedInput("content not in the blob store")
                images.append(image_open(blob_read(sha256)))
                shas.append(sha256)
            except (RejectedInput, OSError, ValueError):
                result.failed += len(files_of[sha256])
        if not images:
            continue
        assessed = classify_many(images)
        _store(actor, [(pk, a.score, a.reasons) for sha, a in zip(shas, assessed, strict=True)
                       for pk in files_of[sha]])
        result.scored += sum(len(files_of[sha]) for sha in shas)
    return result


@transaction.atomic
def _store(actor: Actor | None, scores: list[tuple[int, float, str]]) -> None:
    if not scores:
        return
    now = datetime.now(UTC)
    FileScan.objects.bulk_create(
        [FileScan(file_id=pk, media=MediaKind.IMAGE, scanned_at=now,
                  risk_score=round(float(score), 4), risk_reasons=reasons[:500])
         for pk, score, reasons in scores],
        update_conflicts=True, unique_fields=["file"],
        update_fields=["risk_score", "risk_reasons"],
    )
    reports = set(ReportFile.objects.filter(pk__in=[s[0] for s in scores])
                  .values_list("report_id", flat=True))
    reports_refresh(report_ids=reports)
    audit_record(actor=actor, action="media.classified", data={
        "files": [s[0] for s in scores], "scores": [round(float(s[1]), 4) for s in scores]})
