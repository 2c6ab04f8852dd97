"""What a fetched image or video is. FIRST, TRIVIAL VERSION: it records every item as seen
with no match (its hashes and URL only, never its bytes); trawl-judge (T2) replaces it with
bank matching, classifier scores and findings, keeping this signature."""

from __future__ import annotations

from collections.abc import Sequence

from tipline.trawler.models import MediaSeen
from tipline.trawler.types import FetchedMedia


def media_judge(items: Sequence[FetchedMedia]) -> list[str]:
    """Record each item as a `MediaSeen`; its outcome (a `MediaSeen.Outcome` value) each."""
    rows = []
    for item in items:
        hashes = item.hashes
        outcome = MediaSeen.Outcome.ERROR if hashes.error and not hashes.pdq and \
            hashes.media != "other" else MediaSeen.Outcome.NO_MATCH
        rows.append(MediaSeen(
            url_id=item.url_id, page_id=item.page_id, fetched_at=item.fetched.fetched_at,
            size=hashes.size, media=hashes.media, md5=hashes.md5, sha1=hashes.sha1,
            sha256=hashes.sha256, pdq=hashes.pdq[0].hash if hashes.pdq else "",
            outcome=outcome))
    MediaSeen.objects.bulk_create(rows)
    return [row.outcome for row in rows]
