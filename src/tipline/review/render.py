"""What the browser receives of a file: made on the server, so clear pixels leave only on reveal.

The default view of an image is a copy at most PREVIEW_SIDE pixels wide or high, blurred with
a Gaussian blur whose radius grows with the reviewer's strength, in grayscale unless they
turned it off. A video's default view is such a copy of one frame (its poster). Reveals send
the image re-encoded (EXIF orientation applied, metadata dropped) or the video as stored.
"""

from __future__ import annotations

import io

import av
from PIL import Image, ImageFilter

from tipline.core.errors import RejectedInput
from tipline.media.hashing import image_open, image_rgb
from tipline.media.video import looks_like_video

PREVIEW_SIDE = 640
#: blur radius in pixels (at PREVIEW_SIDE) per step of blur strength
RADIUS_PER_STEP = 3.0
POSTER_SECONDS = 1.0


def is_video(data: bytes) -> bool:
    return looks_like_video(data)


def _small(img: Image.Image) -> Image.Image:
    rgb = Image.fromarray(image_rgb(img), "RGB")
    rgb.thumbnail((PREVIEW_SIDE, PREVIEW_SIDE), Image.Resampling.BILINEAR)
    return rgb


def poster_frame(data: bytes) -> Image.Image:
    """A frame about a second into the video (the first if it is shorter)."""
    chosen = None
    try:
        with av.open(io.BytesIO(data), mode="r") as container:
            if not container.streams.video:
                raise RejectedInput("no video stream")
            for frame in container.decode(container.streams.video[0]):
                chosen = frame.to_image()
                if frame.time is not None and float(frame.time) >= POSTER_SECONDS:
                    break
    except RejectedInput:
        raise
    except (av.FFmpegError, ValueError, OSError, IndexError, EOFError) as exc:
        if chosen is None:
            raise RejectedInput(f"not a readable video: {exc}") from exc
    if chosen is None:
        raise RejectedInput("video has no decodable frames")
    return chosen


def protected_jpeg(data: bytes, *, blur_strength: int, grayscale: bool) -> bytes:
    """The default view of an image or video file: small, blurred, gray unless turned off."""
    source = poster_frame(data) if is_video(data) else image_open(data)
    img = _small(source)
    strength = max(1, min(10, int(blur_strength)))
    img = img.filter(ImageFilter.GaussianBlur(radius=strength * RADIUS_PER_STEP))
    if grayscale:
        img = img.convert("L")
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=80)
    return out.getvalue()


def clear_image(data: bytes) -> bytes:
    """The image as it is, re-encoded as PNG (oriented, no metadata) for the reveal."""
    img = Image.fromarray(image_rgb(image_open(data)), "RGB")
    out = io.BytesIO()
    img.save(out, format="PNG", compress_level=1)
    return out.getvalue()


def video_mime(data: bytes) -> str:
    head = data[:16]
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm"
    if head.startswith(b"RIFF"):
        return "video/x-msvideo"
    return "video/mp4"
