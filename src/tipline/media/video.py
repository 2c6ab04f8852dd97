"""Video hashing and matching by frames (the vPDQ scheme).

A video is decoded with PyAV (FFmpeg inside its wheels) and the first frame at or after each
whole second is hashed with PDQ. Two videos match when enough of the query's usable frames
(quality >= the minimum) are within the distance of some frame of the other: by default 80%.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import av
from django.conf import settings

from tipline.core.errors import RejectedInput
from tipline.media.hashing import PdqSignal, hamming, pdq_array

#: container signatures: MP4/MOV/3GP (ftyp), Matroska/WebM, AVI, FLV, MPEG-PS, ASF/WMV
_FTYP_IMAGES = (b"avif", b"avis", b"heic", b"heix", b"mif1", b"msf1")


def looks_like_video(data: bytes) -> bool:
    head = data[:16]
    if head[4:8] == b"ftyp":
        return head[8:12] not in _FTYP_IMAGES
    return (head.startswith(b"\x1a\x45\xdf\xa3") or (head.startswith(b"RIFF")
            and head[8:12] == b"AVI ") or head.startswith(b"FLV")
            or head.startswith(b"\x00\x00\x01\xba")
            or head.startswith(b"\x30\x26\xb2\x75\x8e\x66\xcf\x11"))


def video_pdq(data: bytes) -> list[PdqSignal]:
    """PDQ of one frame a second, each with its timestamp; RejectedInput if undecodable."""
    max_seconds = int(settings.VIDEO_MAX_SECONDS)
    max_pixels = int(settings.MAX_IMAGE_PIXELS)
    out: list[PdqSignal] = []
    try:
        with av.open(io.BytesIO(data), mode="r") as container:
            if not container.streams.video:
                raise RejectedInput("no video stream")
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            next_second = 0.0
            for frame in container.decode(stream):
                if frame.width * frame.height > max_pixels:
                    raise RejectedInput(f"video frames of {frame.width}x{frame.height} pixels "
                                        "are over the limit")
                t = float(frame.time) if frame.time is not None else next_second
                if t + 1e-6 < next_second:
                    continue
                if t > max_seconds:
                    break
                out.append(_frame_signal(frame.to_ndarray(format="rgb24"), t))
                next_second = float(int(t + 1e-6)) + 1.0
    except RejectedInput:
        raise
    except (av.FFmpegError, ValueError, OSError, IndexError, EOFError) as exc:
        if not out:
            raise RejectedInput(f"not a readable video: {exc}") from exc
    if not out:
        raise RejectedInput("video has no decodable frames")
    return out


def _frame_signal(rgb: object, t: float) -> PdqSignal:
    s = pdq_array(rgb)  # type: ignore[arg-type]
    return PdqSignal(s.hash, s.quality, round(t, 3))


def frames_match_share(query: Sequence[PdqSignal], target: Sequence[str], *,
                       distance: int, min_quality: int) -> float:
    """Share (0..1) of the query's usable frames within `distance` of some target frame."""
    usable = [s for s in query if s.quality >= min_quality]
    if not usable or not target:
        return 0.0
    hits = sum(1 for s in usable if any(hamming(s.hash, t) <= distance for t in target))
    return hits / len(usable)
