"""Fusing the detectors' outputs into one risk score (0..1) and a sentence of reasons.

The score only ORDERS the review queue: a person looks at higher scores first. It never
confirms anything, never closes a report and is never a finding in a packet; a score of 0 only
means the models saw nothing they were trained to see.

Scoring (thresholds are settings, shown with their defaults):

- An *exposed region* is a nudity region whose label is one of
  `TIPLINE_CLASSIFY_EXPOSED_LABELS` (genitalia, anus, buttocks, female breast exposed) scoring
  at least `TIPLINE_CLASSIFY_EXPOSED_MIN_PERCENT` (50%). Covered regions, faces, feet,
  belly, armpits and male chests are not exposure. NudeNet does err on harmless pictures: on
  generated coloured shapes it scores a brown disc up to 0.55 BUTTOCKS_EXPOSED, about twice in
  a thousand images (`bench/classify.py` counts these).
- No exposed region: score = 0.1 x the best score of an exposed label below the threshold (so
  near misses sort just above clean images, all under 0.1). Age and expression are not
  consulted, and the pipeline does not run them.
- Exposed regions, best score e: score = 0.35 + 0.15 e, plus the strongest face term. A face
  counts as a likely minor when its P(minor) p >= `TIPLINE_CLASSIFY_MINOR_MIN_PERCENT` (50%);
  its distress d (fear + sad + angry) counts when d >= `TIPLINE_CLASSIFY_DISTRESS_MIN_PERCENT`
  (50%), else 0. Face term = 0.35 p + 0.15 d for a likely minor, 0 for any other face.

So, with the default thresholds: clean images < 0.1; exposure with no face or adult faces
0.425..0.5; exposure with a likely minor 0.6..0.85; with a likely minor in distress up to 1.0.

The reasons name what was seen, e.g. "exposed regions: 2; faces: 1, P(minor) 0.81; distress
0.62" (the highest P(minor) and the highest distress over the faces).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tipline.media.classifiers.types import ExpressionResult, FaceResult, NudityResult, Region


@dataclass(frozen=True)
class Thresholds:
    """Where a detector's output starts to count (fractions 0..1)."""

    exposed_labels: frozenset[str]
    exposed_min: float
    minor_min: float
    distress_min: float

    @classmethod
    def from_settings(cls) -> Thresholds:
        from django.conf import settings

        return cls(
            exposed_labels=frozenset(settings.CLASSIFY_EXPOSED_LABELS),
            exposed_min=settings.CLASSIFY_EXPOSED_MIN_PERCENT / 100,
            minor_min=settings.CLASSIFY_MINOR_MIN_PERCENT / 100,
            distress_min=settings.CLASSIFY_DISTRESS_MIN_PERCENT / 100,
        )


@dataclass(frozen=True)
class Risk:
    """A fused score (0..1) that orders the review queue, and why."""

    score: float
    reasons: str


def exposed_regions(nudity: NudityResult, thresholds: Thresholds) -> list[Region]:
    """The regions that count as exposure; age and expression run only when there are any."""
    return [
        region
        for region in nudity.regions
        if region.label in thresholds.exposed_labels and region.score >= thresholds.exposed_min
    ]


def risk_fuse(
    *,
    nudity: NudityResult,
    faces: Sequence[FaceResult] | None,
    expressions: Sequence[ExpressionResult] | None,
    thresholds: Thresholds,
) -> Risk:
    """The score and reasons for one image; `faces` and `expressions` (one per face, same
    order) are None when they were not run, and are ignored without exposure."""
    exposed = exposed_regions(nudity, thresholds)
    if not exposed:
        near = max(
            (r.score for r in nudity.regions if r.label in thresholds.exposed_labels),
            default=0.0,
        )
        return Risk(score=round(min(0.1 * near, 0.1), 3), reasons="exposed regions: 0")
    score = 0.35 + 0.15 * max(region.score for region in exposed)
    parts = [f"exposed regions: {len(exposed)}"]
    if faces is not None:
        distresses = [e.distress for e in expressions or ()]
        best_face = 0.0
        for index, face in enumerate(faces):
            if face.p_minor < thresholds.minor_min:
                continue
            distress = distresses[index] if index < len(distresses) else 0.0
            if distress < thresholds.distress_min:
                distress = 0.0
            best_face = max(best_face, 0.35 * face.p_minor + 0.15 * distress)
        score += best_face
        if faces:
            parts.append(f"faces: {len(faces)}, P(minor) {max(f.p_minor for f in faces):.2f}")
        else:
            parts.append("faces: 0")
        if distresses:
            parts.append(f"distress {max(distresses):.2f}")
    return Risk(score=round(min(max(score, 0.0), 1.0), 3), reasons="; ".join(parts))
