"""Nudity: NudeNet 3.4.2's 320n detector (a YOLOv8n ONNX graph inside the `nudenet` package),
run with onnxruntime directly.

NudeNet's own `NudeDetector` is not used: its pre-processing wants OpenCV's BGR arrays and its
post-processing loops over the 2,100 candidate boxes in Python. This module does the same
steps on Pillow images, vectorised: the image is scaled so its longer side is 320 pixels and
padded with black at the right or bottom (NudeNet pads then scales; the same geometry), values
in 0..1, RGB; candidates scoring at least 0.2 are kept and overlapping boxes merged by
non-maximum suppression at IoU 0.45, as NudeNet does. Whole batches go through one session run.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from typing import Any

import cv2
import numpy as np
from PIL import Image

from tipline.media.classifiers.base import DETECTORS, LazyModel, describe_model, package_file
from tipline.media.classifiers.types import NudityResult, Region

SIZE = 320
FLOOR = 0.2
NMS_SCORE = 0.25
NMS_IOU = 0.45
BATCH = 8


@DETECTORS.register
class NudityDetector(LazyModel):
    """NudeNet 320n: regions labelled like FEMALE_BREAST_EXPOSED or FACE_MALE, with scores."""

    name = "nudity"

    def __init__(self) -> None:
        super().__init__()
        self._session: Any = None
        self.labels: list[str] = []

    def _open(self) -> str:
        import onnxruntime as ort

        path = package_file("nudenet", "320n.onnx")
        options = ort.SessionOptions()
        # Threads sleep instead of spinning between runs: on a machine shared with the web
        # server and other workers, spinning burns CPU the others need.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        session = ort.InferenceSession(
            str(path), sess_options=options, providers=["CPUExecutionProvider"]
        )
        names = ast.literal_eval(session.get_modelmeta().custom_metadata_map["names"])
        self.labels = [names[index] for index in range(len(names))]
        self._input = session.get_inputs()[0].name
        self._session = session
        return describe_model("nudenet", path)

    def detect(self, images: Sequence[Image.Image]) -> list[NudityResult]:
        """Regions found in each RGB image, in order; batched `BATCH` images a run."""
        self.load()
        results: list[NudityResult] = []
        for start in range(0, len(images), BATCH):
            chunk = images[start : start + BATCH]
            tensors, scales = zip(*(_prepare(image) for image in chunk), strict=True)
            outputs = self._session.run(None, {self._input: np.stack(tensors)})[0]
            for output, scale, image in zip(outputs, scales, chunk, strict=True):
                results.append(self._regions(output, scale, image.size))
        return results

    def _regions(self, output: np.ndarray, scale: float, size: tuple[int, int]) -> NudityResult:
        rows = output.T  # 2100 candidates x (cx, cy, w, h, 18 class scores)
        scores = rows[:, 4:]
        best = scores.max(axis=1)
        keep = best >= FLOOR
        if not keep.any():
            return NudityResult()
        rows, best, classes = rows[keep], best[keep], scores[keep].argmax(axis=1)
        width, height = size
        boxes = []
        for cx, cy, w, h in rows[:, :4] * scale:
            left = min(max(0.0, cx - w / 2), width)
            top = min(max(0.0, cy - h / 2), height)
            boxes.append([left, top, min(w, width - left), min(h, height - top)])
        chosen = cv2.dnn.NMSBoxes(boxes, best.tolist(), NMS_SCORE, NMS_IOU)
        regions = tuple(
            Region(
                label=self.labels[int(classes[i])],
                score=round(float(best[i]), 4),
                box=(int(boxes[i][0]), int(boxes[i][1]), int(boxes[i][2]), int(boxes[i][3])),
            )
            for i in np.asarray(chosen, dtype=int).reshape(-1)
        )
        return NudityResult(regions=tuple(sorted(regions, key=lambda r: -r.score)))


def _prepare(image: Image.Image) -> tuple[np.ndarray, float]:
    """The 3x320x320 float32 input and the factor from model pixels back to image pixels."""
    width, height = image.size
    longest = max(width, height)
    factor = SIZE / longest
    resized = image.resize(
        (max(1, round(width * factor)), max(1, round(height * factor))),
        Image.Resampling.BILINEAR,
        reducing_gap=2.0,
    )
    canvas = np.zeros((SIZE, SIZE, 3), dtype=np.float32)
    pixels = np.asarray(resized, dtype=np.float32)
    canvas[: pixels.shape[0], : pixels.shape[1]] = pixels / 255.0
    return canvas.transpose(2, 0, 1), longest / SIZE
