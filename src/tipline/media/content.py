"""All hashes of one file's bytes, whatever it holds: cryptographic always, PDQ for an image,
one PDQ a second for a video (hashing.py for images, video.py for videos)."""

from __future__ import annotations

from dataclasses import dataclass, field

from tipline.core.errors import RejectedInput
from tipline.media.hashing import PdqSignal, crypto_hashes, looks_like_image, pdq_bytes
from tipline.media.video import looks_like_video, video_pdq


@dataclass
class FileHashes:
    """Everything hashed from one file's bytes."""

    md5: str
    sha1: str
    sha256: str
    size: int
    media: str = "other"  # image / video / other
    pdq: list[PdqSignal] = field(default_factory=list)
    error: str = ""

    def as_dict(self) -> dict[str, object]:
        first = self.pdq[0] if self.pdq else None
        out: dict[str, object] = {
            "md5": self.md5, "sha1": self.sha1, "sha256": self.sha256, "size": self.size,
            "media": self.media, "pdq": first.hash if first else None,
            "pdq_quality": first.quality if first else None,
        }
        if self.media == "video":
            out["frames"] = [{"t": s.timestamp, "pdq": s.hash, "quality": s.quality}
                             for s in self.pdq]
        if self.error:
            out["error"] = self.error
        return out


def file_hashes(data: bytes) -> FileHashes:
    """All hashes of one file's bytes: cryptographic always, PDQ for images and videos.

    A broken or hostile image or video keeps its cryptographic hashes and says why it has no
    PDQ in `error`.
    """
    md5, sha1, sha256 = crypto_hashes(data)
    out = FileHashes(md5=md5, sha1=sha1, sha256=sha256, size=len(data))
    if looks_like_video(data):
        out.media = "video"
        try:
            out.pdq = video_pdq(data)
        except RejectedInput as exc:
            out.error = str(exc)
        return out
    if looks_like_image(data):
        out.media = "image"
        try:
            out.pdq = [pdq_bytes(data)]
        except RejectedInput as exc:
            out.error = str(exc)
    return out
