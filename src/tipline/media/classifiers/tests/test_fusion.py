"""The fusion on hand-built detector outputs (no model runs here)."""

from __future__ import annotations

import pytest

from tipline.media.classifiers.fusion import Thresholds, exposed_regions, risk_fuse
from tipline.media.classifiers.types import ExpressionResult, FaceResult, NudityResult, Region

LIMITS = Thresholds(
    exposed_labels=frozenset({"BUTTOCKS_EXPOSED", "FEMALE_BREAST_EXPOSED"}),
    exposed_min=0.4,
    minor_min=0.5,
    distress_min=0.5,
)
BOX = (10, 10, 50, 50)
EXPOSED = NudityResult(
    regions=(
        Region("BUTTOCKS_EXPOSED", 0.7, BOX),
        Region("FEMALE_BREAST_EXPOSED", 0.6, BOX),
        Region("FACE_FEMALE", 0.9, BOX),
    )
)
ADULT = FaceResult(box=BOX, p_minor=0.05, age=34.0)
MINOR = FaceResult(box=BOX, p_minor=0.81, age=11.0)
CALM = ExpressionResult({"happy": 0.7, "neutral": 0.2, "sad": 0.05, "fear": 0.05})
DISTRESSED = ExpressionResult({"fear": 0.3, "sad": 0.22, "angry": 0.1, "neutral": 0.38})


def fuse(nudity, faces=None, expressions=None, limits=LIMITS):
    return risk_fuse(nudity=nudity, faces=faces, expressions=expressions, thresholds=limits)


def test_nothing_found_scores_zero() -> None:
    risk = fuse(NudityResult())
    assert risk.score == 0.0
    assert risk.reasons == "exposed regions: 0"


def test_without_exposure_faces_and_expression_are_not_consulted() -> None:
    covered = NudityResult(
        regions=(Region("BUTTOCKS_COVERED", 0.9, BOX), Region("FACE_FEMALE", 0.8, BOX))
    )
    alone = fuse(covered)
    with_minor = fuse(covered, faces=[MINOR], expressions=[DISTRESSED])
    assert alone == with_minor
    assert alone.score == 0.0
    assert "P(minor)" not in with_minor.reasons


def test_a_near_miss_sorts_above_clean_but_stays_low() -> None:
    near = fuse(NudityResult(regions=(Region("BUTTOCKS_EXPOSED", 0.3, BOX),)))
    assert 0.0 < near.score < 0.1
    assert near.reasons == "exposed regions: 0"


def test_exposure_alone_and_with_an_adult_face() -> None:
    alone = fuse(EXPOSED)
    no_face = fuse(EXPOSED, faces=[], expressions=[])
    adult = fuse(EXPOSED, faces=[ADULT], expressions=[DISTRESSED])
    assert alone.reasons == "exposed regions: 2"
    assert no_face.reasons == "exposed regions: 2; faces: 0"
    assert adult.reasons == "exposed regions: 2; faces: 1, P(minor) 0.05; distress 0.62"
    assert 0.4 < alone.score <= 0.5
    assert adult.score == alone.score == no_face.score


def test_minor_in_distress_ranks_highest() -> None:
    adult = fuse(EXPOSED, faces=[ADULT], expressions=[CALM])
    minor = fuse(EXPOSED, faces=[MINOR], expressions=[CALM])
    distressed = fuse(EXPOSED, faces=[ADULT, MINOR], expressions=[CALM, DISTRESSED])
    assert adult.score < minor.score < distressed.score <= 1.0
    assert distressed.reasons == "exposed regions: 2; faces: 2, P(minor) 0.81; distress 0.62"
    clean = fuse(NudityResult(), faces=[MINOR], expressions=[DISTRESSED])
    assert clean.score < adult.score


def test_distress_counts_only_on_a_likely_minor() -> None:
    calm_minor = fuse(EXPOSED, faces=[ADULT, MINOR], expressions=[DISTRESSED, CALM])
    assert calm_minor.score == fuse(EXPOSED, faces=[MINOR], expressions=[CALM]).score


def test_score_bounds_at_the_extremes() -> None:
    full = NudityResult(regions=(Region("BUTTOCKS_EXPOSED", 1.0, BOX),))
    certain = FaceResult(box=BOX, p_minor=1.0, age=5.0)
    terror = ExpressionResult({"fear": 0.6, "sad": 0.3, "angry": 0.1})
    assert fuse(full, faces=[certain], expressions=[terror]).score == 1.0


def test_thresholds_come_from_settings(settings) -> None:
    settings.CLASSIFY_EXPOSED_LABELS = ["BUTTOCKS_EXPOSED"]
    settings.CLASSIFY_EXPOSED_MIN_PERCENT = 65
    settings.CLASSIFY_MINOR_MIN_PERCENT = 90
    settings.CLASSIFY_DISTRESS_MIN_PERCENT = 70
    limits = Thresholds.from_settings()
    assert limits == Thresholds(
        exposed_labels=frozenset({"BUTTOCKS_EXPOSED"}),
        exposed_min=0.65,
        minor_min=0.9,
        distress_min=0.7,
    )
    assert [r.label for r in exposed_regions(EXPOSED, limits)] == ["BUTTOCKS_EXPOSED"]
    # P(minor) 0.81 is under the 90% threshold: the face adds nothing.
    minor = fuse(EXPOSED, faces=[MINOR], expressions=[DISTRESSED], limits=limits)
    assert minor.score == fuse(EXPOSED, limits=limits).score
    assert minor.reasons.startswith("exposed regions: 1;")
    # Above the exposure threshold no longer: nothing counts.
    settings.CLASSIFY_EXPOSED_MIN_PERCENT = 75
    assert fuse(EXPOSED, faces=[MINOR], limits=Thresholds.from_settings()).score < 0.1


@pytest.mark.parametrize("distress_min, counted", [(0.6, True), (0.7, False)])
def test_distress_threshold(distress_min: float, counted: bool) -> None:
    limits = Thresholds(LIMITS.exposed_labels, LIMITS.exposed_min, LIMITS.minor_min, distress_min)
    with_distress = fuse(EXPOSED, faces=[MINOR], expressions=[DISTRESSED], limits=limits)
    without = fuse(EXPOSED, faces=[MINOR], expressions=[CALM], limits=limits)
    assert (with_distress.score > without.score) is counted
