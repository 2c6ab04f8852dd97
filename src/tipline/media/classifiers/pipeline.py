"""The classifier stage: nudity on every image; faces, age and expression only on images the
nudity model finds exposed regions in; then the fusion (see `fusion`) into an Assessment.

Batching: the nudity model runs 8 images a session run; the age network runs all the faces of
one image together; the expression model takes one face a run (its TFLite graph has a fixed
batch of 1)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, cast

import numpy as np
from PIL import Image, ImageOps

from tipline.media.classifiers.base import DETECTORS
from tipline.media.classifiers.expression import ExpressionDetector
from tipline.media.classifiers.faces import FaceAgeDetector
from tipline.media.classifiers.fusion import Thresholds, exposed_regions, risk_fuse
from tipline.media.classifiers.nudity import NudityDetector
from tipline.media.classifiers.types import ExpressionResult, FaceResult, NudityResult

#: Faces are looked for on a copy whose longer side is at most this (bounds dlib's time).
FACE_MAX_SIDE = 800
ORIENTATION = 0x0112  # the EXIF tag


@dataclass(frozen=True)
class Assessment:
    """What the classifiers say about one image: a score (0..1) that only orders the review
    queue, its reasons, each detector's output (None: not run) and the models that ran."""

    score: float
    reasons: str
    nudity: NudityResult
    faces: tuple[FaceResult, ...] | None
    expressions: tuple[ExpressionResult, ...] | None
    model_versions: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values, for storing beside the file."""
        return asdict(self)


def detector(name: str) -> Any:
    """The registered detector called `name` (nudity, faces, expression)."""
    return DETECTORS.all()[name]


def classify_image(image: Image.Image, *, thresholds: Thresholds | None = None) -> Assessment:
    """Assess one image (any Pillow mode; EXIF orientation applied)."""
    return classify_many([image], thresholds=thresholds)[0]


def classify_many(
    images: Iterable[Image.Image],
    *,
    thresholds: Thresholds | None = None,
    run_all: bool = False,
) -> list[Assessment]:
    """Assess images in order, the nudity model batched. `run_all` runs faces, age and
    expression on every image, exposed or not (to measure the worst case); the score is
    the same either way, as the fusion ignores faces without exposure."""
    limits = thresholds or Thresholds.from_settings()
    rgb = [as_rgb(image) for image in images]
    nudity_model = cast(NudityDetector, detector("nudity"))
    face_model = cast(FaceAgeDetector, detector("faces"))
    expression_model = cast(ExpressionDetector, detector("expression"))
    assessments = []
    for image, nudity in zip(rgb, nudity_model.detect(rgb), strict=True):
        versions = {"nudity": nudity_model.model_version()}
        faces: tuple[FaceResult, ...] | None = None
        expressions: tuple[ExpressionResult, ...] | None = None
        if run_all or exposed_regions(nudity, limits):
            pixels, factor = face_pixels(image)
            found = face_model.faces(pixels)
            expressions = tuple(expression_model.expressions(pixels, [f.box for f in found]))
            faces = tuple(_rescale(face, factor) for face in found)
            versions["faces"] = face_model.model_version()
            versions["expression"] = expression_model.model_version()
        risk = risk_fuse(nudity=nudity, faces=faces, expressions=expressions, thresholds=limits)
        assessments.append(
            Assessment(
                score=risk.score,
                reasons=risk.reasons,
                nudity=nudity,
                faces=faces,
                expressions=expressions,
                model_versions=versions,
            )
        )
    return assessments


def as_rgb(image: Image.Image) -> Image.Image:
    oriented = image
    if image.getexif().get(ORIENTATION, 1) != 1:
        oriented = ImageOps.exif_transpose(image)
    if oriented.mode == "RGB":
        return oriented
    if oriented.mode in ("RGBA", "LA", "PA") or "transparency" in oriented.info:
        flat = Image.new("RGB", oriented.size, (255, 255, 255))
        flat.paste(oriented.convert("RGBA"), mask=oriented.convert("RGBA").getchannel("A"))
        return flat
    return oriented.convert("RGB")


def face_pixels(image: Image.Image) -> tuple[np.ndarray, float]:
    """The RGB array faces are looked for in, and the factor back to image pixels."""
    longest = max(image.size)
    if longest <= FACE_MAX_SIDE:
        return np.asarray(image), 1.0
    factor = FACE_MAX_SIDE / longest
    small = image.resize(
        (max(1, round(image.width * factor)), max(1, round(image.height * factor))),
        Image.Resampling.BILINEAR,
    )
    return np.asarray(small), 1 / factor


def _rescale(face: FaceResult, factor: float) -> FaceResult:
    if factor == 1.0:
        return face
    left, top, width, height = face.box
    box = (round(left * factor), round(top * factor), round(width * factor), round(height * factor))
    return FaceResult(box=box, p_minor=face.p_minor, age=face.age)
