"""Hashes of a file's content: MD5, SHA-1, SHA-256 and, for images, PDQ with its quality.

PDQ is Meta's perceptual hash (256 bits, 64 hex characters, quality 0-100): images that look
alike have hashes a small Hamming distance apart. Every image mode and format Pillow reads is
hashed after its EXIF orientation is applied; the eight rotations and flips (dihedral
variants) are available for matching turned or mirrored copies. Images over the pixel limit
(decompression bombs) and broken images are refused with a RejectedInput, never a crash.
Videos are hashed one frame a second (video.py); content.py hashes a file whatever it holds.
"""

from __future__ import annotations

import hashlib
import io
import struct
import warnings
from dataclasses import dataclass

import numpy as np
import pdqhash
from django.conf import settings
from PIL import Image, ImageOps, UnidentifiedImageError

from tipline.core.errors import RejectedInput

#: what Pillow raises on damaged or hostile input
_PIL_ERRORS = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, TypeError,
               IndexError, KeyError, struct.error, Image.DecompressionBombError,
               ZeroDivisionError, MemoryError)

DIHEDRAL_NAMES = ("original", "rotate90", "rotate180", "rotate270", "flipx", "flipy",
                  "flip_plus1", "flip_minus1")


@dataclass(frozen=True)
class PdqSignal:
    """One PDQ hash (64 hex characters) with its quality; `timestamp` (seconds) for a frame."""

    hash: str
    quality: int
    timestamp: float | None = None


def crypto_hashes(data: bytes) -> tuple[str, str, str]:
    """MD5, SHA-1 and SHA-256 of the bytes, as lower-case hex."""
    return (hashlib.md5(data, usedforsecurity=False).hexdigest(),
            hashlib.sha1(data, usedforsecurity=False).hexdigest(),
            hashlib.sha256(data).hexdigest())


def max_pixels() -> int:
    return int(settings.MAX_IMAGE_PIXELS)


def image_open(data: bytes) -> Image.Image:
    """The image in `data`, loaded, EXIF-oriented, first frame; RejectedInput if it can't be.

    The pixel count is checked from the header before any pixel is decoded. Images are
    hashed at full resolution: decoding a JPEG at a reduced scale is faster but moves the hash
    up to 12 bits from Meta's reference on the conformance set (the limit is 10).
    """
    limit = max_pixels()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            img: Image.Image = Image.open(io.BytesIO(data))
            width, height = img.size
            if width * height > limit or width <= 0 or height <= 0:
                raise RejectedInput(f"image of {width}x{height} pixels is over the limit of "
                                    f"{limit} pixels (decompression bomb?)")
            img.seek(0)
            img.load()
            ImageOps.exif_transpose(img, in_place=True)
        except RejectedInput:
            raise
        except Image.DecompressionBombError as exc:
            raise RejectedInput(f"image refused as a decompression bomb: {exc}") from exc
        except _PIL_ERRORS as exc:
            raise RejectedInput(f"not a readable image: {type(exc).__name__}: {exc}") from exc
    return img


def image_rgb(img: Image.Image) -> np.ndarray:
    """The image as an RGB uint8 array, whatever its mode (16-bit, float, CMYK, palette...)."""
    mode = img.mode
    if mode in ("I", "I;16", "I;16B", "I;16L", "I;16N", "F"):
        arr = np.asarray(img, dtype=np.float64)
        lo, hi = float(arr.min()), float(arr.max())
        scaled = np.zeros_like(arr) if hi <= lo else (arr - lo) * (255.0 / (hi - lo))
        gray = scaled.astype(np.uint8)
        return np.ascontiguousarray(np.stack([gray, gray, gray], axis=-1))
    if mode in ("RGBA", "LA", "PA") or (mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = Image.alpha_composite(background, rgba)
    if img.mode != "RGB":
        img = img.convert("RGB")
    return np.asarray(img, dtype=np.uint8)


def _hex(bits: np.ndarray) -> str:
    return np.packbits(bits.astype(np.uint8)).tobytes().hex()


def pdq_array(rgb: np.ndarray) -> PdqSignal:
    """PDQ of an RGB uint8 array."""
    bits, quality = pdqhash.compute(np.ascontiguousarray(rgb))
    return PdqSignal(_hex(bits), int(quality))


def pdq_image(img: Image.Image) -> PdqSignal:
    return pdq_array(image_rgb(img))


def pdq_dihedral(img: Image.Image) -> dict[str, PdqSignal]:
    """The PDQ of each of the image's eight rotations and flips (names in DIHEDRAL_NAMES)."""
    hashes, quality = pdqhash.compute_dihedral(np.ascontiguousarray(image_rgb(img)))
    return {name: PdqSignal(_hex(bits), int(quality))
            for name, bits in zip(DIHEDRAL_NAMES, hashes, strict=True)}


def pdq_bytes(data: bytes) -> PdqSignal:
    """PDQ of the image in `data` (RejectedInput if it isn't a readable, safe image)."""
    return pdq_image(image_open(data))


def hamming(a: str, b: str) -> int:
    """Hamming distance between two hex-encoded hashes of equal length."""
    return (int(a, 16) ^ int(b, 16)).bit_count()


_IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG", b"GIF8", b"BM", b"II*\x00", b"MM\x00*", b"RIFF",
                b"\x00\x00\x00\x0cjP", b"P1", b"P2", b"P3", b"P4", b"P5", b"P6",
                b"\x00\x00\x01\x00")


def looks_like_image(data: bytes) -> bool:
    """Whether the bytes start like an image Pillow can read."""
    head = data[:16]
    if head.startswith(b"RIFF"):
        return head[8:12] == b"WEBP"
    if head[4:12] in (b"ftypavif", b"ftypheic", b"ftypmif1"):
        return True
    if any(head.startswith(m) for m in _IMAGE_MAGIC):
        return True
    try:  # anything else Pillow recognises from its header alone
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            Image.open(io.BytesIO(data)).close()
        return True
    except _PIL_ERRORS:
        return False


__all__ = ["PdqSignal", "crypto_hashes", "image_open", "image_rgb", "pdq_bytes", "pdq_image",
           "pdq_dihedral", "pdq_array", "hamming", "looks_like_image"]
