"""Generated benign test media (patterns and shapes) and the PDQ reference set's location."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import av
import numpy as np
from PIL import Image, ImageDraw

#: Meta's benign PDQ reference photos; read from the shared folder, never copied here.
REFERENCE = Path(__file__).resolve().parents[4].parent / "shared" / "conformance" / "pdq"


def pattern(seed: int, size: tuple[int, int] = (320, 240)) -> Image.Image:
    """A textured RGB image of waves and shapes, different for every seed."""
    rng = np.random.default_rng(seed)
    w, h = size
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    channels = []
    for _ in range(3):
        acc = np.zeros((h, w))
        for _ in range(4):
            fx, fy = rng.uniform(0.5, 6, 2) / np.array([w, h]) * 2 * np.pi
            acc += np.sin(fx * x + fy * y + rng.uniform(0, 6.3))
        channels.append(((acc - acc.min()) / (np.ptp(acc) or 1) * 200).astype(np.uint8))
    img = Image.fromarray(np.stack(channels, axis=-1), "RGB")
    draw = ImageDraw.Draw(img)
    for _ in range(8):
        x0, y0 = int(rng.integers(0, w - 20)), int(rng.integers(0, h - 20))
        x1, y1 = x0 + int(rng.integers(10, w // 2)), y0 + int(rng.integers(10, h // 2))
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)((x0, y0, x1, y1), fill=colour)
    return img


def encode(img: Image.Image, fmt: str = "JPEG", **kwargs: Any) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kwargs)
    return buf.getvalue()


def video(seed: int, *, seconds: int = 4, fps: int = 5, size: tuple[int, int] = (160, 120),
          codec: str = "mpeg4", bit_rate: int = 400_000) -> bytes:
    """An MP4 of slowly drifting generated scenes, a new one each second, at `size`."""
    buf = io.BytesIO()
    with av.open(buf, mode="w", format="mp4") as out:
        stream = out.add_stream(codec, rate=fps)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        stream.bit_rate = bit_rate
        for second in range(seconds):
            scene = pattern(seed * 100 + second, (176, 136))
            for k in range(fps):
                crop = scene.crop((k, k, k + 160, k + 120)).resize(size)
                frame = av.VideoFrame.from_ndarray(np.asarray(crop), format="rgb24")
                for packet in stream.encode(frame):
                    out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return buf.getvalue()


def report_file(report: Any, data: bytes, name: str = "file.jpg") -> Any:
    """A file of `report` whose content is stored (encrypted) in the blob store."""
    from tipline.core.blobs import blob_put
    from tipline.intake.models import ReportFile

    info = blob_put([data])
    return ReportFile.objects.create(report=report, filename=name, md5=info.md5,
                                     sha1=info.sha1, sha256=info.sha256, size=info.size,
                                     stored=True)
