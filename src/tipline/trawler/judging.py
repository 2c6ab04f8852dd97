"""What becomes of the media the crawler fetched: a bank match, a classifier candidate, or
nothing but its hashes and URL.

`media_judge` takes a batch of fetched, hashed media (`types.FetchedMedia`) and, with the
media app's own matching (`media.matching`: exact hashes through the database, PDQ through
the shared index; an item's position in the batch is its file id, no ReportFile is made):

- a match to a safelist bank: outcome `safelisted`, nothing kept (the safelist suppresses
  the item's other matches, exactly as for report files);
- a match to a bank: outcome `match`; the bytes are kept encrypted in the blob store and a
  Finding holds the evidence (page and media URL, fetch time, HTTP status and headers, the
  host's address and network). A confirmed bank's match is a confirmed finding and is filed
  as a report at once (`filing.finding_file`); another bank's waits for a reviewer as a
  candidate;
- no match, with TIPLINE_TRAWL_CLASSIFY on: images are scored by the offline classifiers
  (`media.classifiers`); a score of at least TIPLINE_TRAWL_CANDIDATE_MIN_PERCENT keeps the
  bytes and makes a candidate finding for the protected review (`views`). On by default; a
  classifier pass costs 30 to 50 ms an image on two cores (about 9 pages a second against
  80 without it, `bench/trawl.py --classify`), so a mass crawl may turn it off;
- anything else: outcome `no_match` (or `error` when the bytes are no readable image or
  video): only the MediaSeen row, never the bytes.

Every item gets one MediaSeen row (bulk). The same media URL with the same content makes one
finding however often it is crawled again.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from tipline.accounts.services import system_user
from tipline.audit.services import Entry, audit_record_many
from tipline.core.blobs import blob_put_bytes
from tipline.core.errors import RejectedInput
from tipline.core.fields import index_of
from tipline.media.matching import Found, exact_matches, live_banks, pdq_matches, safelisted
from tipline.media.models import HashBank, Match
from tipline.trawler.asn import asn_lookup
from tipline.trawler.models import Finding, Host, MediaSeen, Url
from tipline.trawler.types import FetchedMedia

log = logging.getLogger(__name__)

#: the system user findings are recorded under
ACTOR = "trawler"
#: images decoded and scored together (the nudity model runs 8 a session run)
CLASSIFY_BATCH = 16
_PERCEPTUAL = (Match.How.PDQ, Match.How.VIDEO)


@dataclass(frozen=True)
class Score:
    """A classifier's verdict on one image: it only orders what a person reviews."""

    score: float
    reasons: str


def media_url(item: FetchedMedia) -> str:
    """The URL a finding names for the media: the one asked for (the frontier's), so a
    re-crawl finds the same finding and a notice re-checks the same address."""
    return item.fetched.url or item.fetched.final_url


def _best(found: Sequence[Found], banks: dict[int, HashBank]) -> dict[int, Found]:
    """Per item, its strongest match to a bank that is not a safelist: a confirmed bank
    first, then an exact hash before a perceptual one, then the nearest."""
    best: dict[int, Found] = {}
    for f in found:
        bank = banks[f.bank_id]
        if bank.kind == HashBank.Kind.SAFELIST:
            continue
        key = (not bank.confirmed, f.how in _PERCEPTUAL, f.distance, f.entry_id)
        held = best.get(f.file_id)
        if held is None or key < (not banks[held.bank_id].confirmed, held.how in _PERCEPTUAL,
                                  held.distance, held.entry_id):
            best[f.file_id] = f
    return best


def items_match(items: Sequence[FetchedMedia]) -> tuple[dict[int, Found], set[int],
                                                        dict[int, HashBank]]:
    """The items' best bank match (by position), the positions a safelist holds, and the
    live banks they were matched against."""
    banks = live_banks()
    if not banks:
        return {}, set(), banks
    files = [(i, it.hashes.md5, it.hashes.sha1, it.hashes.sha256) for i, it in enumerate(items)]
    signals = [(i, s.hash, s.quality, s.timestamp, it.hashes.media)
               for i, it in enumerate(items) for s in it.hashes.pdq]
    found = exact_matches(files, banks) + pdq_matches(signals, banks)
    return _best(found, banks), safelisted(found, banks), banks


def _classifiable(item: FetchedMedia) -> bool:
    h = item.hashes
    return (h.media == "image" and not h.error and bool(item.fetched.content)
            and not item.fetched.truncated)


def images_score(items: Sequence[FetchedMedia]) -> list[Score | None]:
    """The classifiers' score of each image (None: not an image they could read)."""
    from tipline.media.classifiers import classify_many
    from tipline.media.hashing import image_open

    out: list[Score | None] = [None] * len(items)
    for start in range(0, len(items), CLASSIFY_BATCH):
        images, positions = [], []
        for n in range(start, min(start + CLASSIFY_BATCH, len(items))):
            try:
                images.append(image_open(items[n].fetched.content))
                positions.append(n)
            except RejectedInput:
                continue
        if images:
            for n, a in zip(positions, classify_many(images), strict=True):
                out[n] = Score(float(a.score), a.reasons)
    return out


def candidate_min_score() -> float:
    return float(settings.TRAWL_CANDIDATE_MIN_PERCENT) / 100.0


def media_judge(items: Sequence[FetchedMedia]) -> list[str]:
    """Judge a batch of fetched media (module docstring); returns each item's outcome
    (a MediaSeen.Outcome value), in order."""
    if not items:
        return []
    best, safe, banks = items_match(items)
    outcomes: list[str] = []
    for i, item in enumerate(items):
        if i in safe:
            outcomes.append(MediaSeen.Outcome.SAFELISTED)
        elif i in best:
            outcomes.append(MediaSeen.Outcome.MATCH)
        elif item.hashes.error or item.hashes.media not in ("image", "video"):
            outcomes.append(MediaSeen.Outcome.ERROR if item.hashes.error
                            else MediaSeen.Outcome.NO_MATCH)
        else:
            outcomes.append(MediaSeen.Outcome.NO_MATCH)
    scores: dict[int, Score] = {}
    if settings.TRAWL_CLASSIFY:
        todo = [i for i, o in enumerate(outcomes)
                if o == MediaSeen.Outcome.NO_MATCH and _classifiable(items[i])]
        floor = candidate_min_score()
        for i, s in zip(todo, images_score([items[i] for i in todo]), strict=True):
            if s is not None and s.score >= floor:
                scores[i] = s
                outcomes[i] = MediaSeen.Outcome.CANDIDATE
    keep = [i for i, o in enumerate(outcomes)
            if o in (MediaSeen.Outcome.MATCH, MediaSeen.Outcome.CANDIDATE)]
    new = _new_findings(items, keep)
    for i in new:  # encrypted copies, written before the rows that name them
        blob_put_bytes(items[i].fetched.content)
    with transaction.atomic():
        seen = MediaSeen.objects.bulk_create([
            MediaSeen(url_id=it.url_id, page_id=it.page_id, fetched_at=it.fetched.fetched_at,
                      size=it.hashes.size, media=it.hashes.media[:8], md5=it.hashes.md5,
                      sha1=it.hashes.sha1, sha256=it.hashes.sha256,
                      pdq=it.hashes.pdq[0].hash if it.hashes.pdq else "", outcome=o)
            for it, o in zip(items, outcomes, strict=True)], batch_size=500)
        made = _findings_write(items, new, seen=seen, best=best, scores=scores, banks=banks)
    to_file = [f.pk for f in made if f.state == Finding.State.CONFIRMED]
    if to_file:
        from tipline.trawler.filing import finding_file

        for pk in to_file:
            try:
                finding_file(finding_id=pk)
            except RejectedInput as exc:  # kept confirmed, unfiled: `tipline trawl` says so
                log.warning("trawler finding %s was not filed: %s", pk, exc)
    return outcomes


def _new_findings(items: Sequence[FetchedMedia], keep: Sequence[int]) -> list[int]:
    """The kept positions that are no finding yet: the same media URL with the same content
    is one finding, however often it is fetched (and once in a batch)."""
    if not keep:
        return []
    keys = {i: (index_of(media_url(items[i]), purpose="trawl.url"), items[i].hashes.sha256)
            for i in keep}
    held = set(Finding.objects.filter(
        media_url_index__in={k[0] for k in keys.values()},
        sha256__in={k[1] for k in keys.values()}).values_list("media_url_index", "sha256"))
    out = []
    for i in keep:
        if keys[i] not in held:
            held.add(keys[i])
            out.append(i)
    return out


def _findings_write(items: Sequence[FetchedMedia], new: Sequence[int], *,
                    seen: Sequence[MediaSeen], best: dict[int, Found],
                    scores: dict[int, Score], banks: dict[int, HashBank]) -> list[Finding]:
    if not new:
        return []
    host_of = dict(Url.objects.filter(pk__in={items[i].url_id for i in new})
                   .values_list("pk", "host_id"))
    rows: list[Finding] = []
    for i in new:
        it, f = items[i], best.get(i)
        net = asn_lookup(it.fetched.ip)
        common = {
            "seen": seen[i], "host_id": host_of[it.url_id], "page_url": it.page_url,
            "media_url": media_url(it), "fetched_at": it.fetched.fetched_at,
            "http_status": it.fetched.status or 0, "http_headers": dict(it.fetched.headers),
            "ip": it.fetched.ip or None, "asn": net.asn if net else None,
            "asn_org": net.org if net else "", "sha256": it.hashes.sha256,
            "blob": it.hashes.sha256,
        }
        if f is not None:
            confirmed = banks[f.bank_id].confirmed
            rows.append(Finding(
                kind=Finding.Kind.MATCH,
                state=Finding.State.CONFIRMED if confirmed else Finding.State.CANDIDATE,
                bank_entry_id=f.entry_id, match_how=f.how, distance=f.distance, **common))
        else:
            rows.append(Finding(kind=Finding.Kind.CLASSIFIER, state=Finding.State.CANDIDATE,
                                score=round(scores[i].score, 4), **common))
    made = Finding.objects.bulk_create(rows)
    for kept in made:  # the host's network as last seen (notices look contacts up by ASN)
        if kept.asn is not None:
            Host.objects.filter(pk=kept.host_id).exclude(
                asn=kept.asn, asn_org=kept.asn_org).update(asn=kept.asn, asn_org=kept.asn_org)
    audit_record_many(actor=system_user(ACTOR), entries=[Entry(
        action="trawl.found", object_type=Finding._meta.label_lower, object_id=str(f.pk),
        data={"kind": f.kind, "state": f.state, "sha256": f.sha256, "host": f.host_id,
              "bank_entry": f.bank_entry_id, "how": f.match_how, "distance": f.distance,
              "score": f.score}) for f in made])
    return made
