"""Hashing: PDQ conformance on Meta's reference set, every image mode, EXIF, hostile input."""

from __future__ import annotations

import csv
import io
import json
import zlib
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from PIL import Image

from tipline.core.errors import RejectedInput
from tipline.media.content import file_hashes
from tipline.media.hashing import (
    crypto_hashes,
    hamming,
    image_open,
    pdq_bytes,
    pdq_dihedral,
)
from tipline.media.tests.media_helpers import REFERENCE, encode, pattern


def _expected() -> dict[str, str]:
    with (REFERENCE / "expected.csv").open(newline="") as fh:
        return {row["path"]: row["pdq_hex"] for row in csv.DictReader(fh)}


def test_reference_set_is_present() -> None:
    assert (REFERENCE / "expected.csv").is_file(), f"PDQ reference set missing at {REFERENCE}"
    assert len(_expected()) >= 10


def test_pdq_conformance_with_meta_reference() -> None:
    """Every reference image of quality >= 80 is within distance 10 of Meta's hash."""
    checked = 0
    for path, reference in _expected().items():
        signal = pdq_bytes((REFERENCE / "images" / path).read_bytes())
        if signal.quality >= 80:
            assert hamming(signal.hash, reference) <= 10, (path, signal.hash, reference)
            checked += 1
    assert checked >= 10


def test_bridge_mods_match_original_and_nothing_else() -> None:
    mods = sorted((REFERENCE / "images" / "bridge-mods").glob("*.jpg"))
    assert len(mods) >= 10
    original = pdq_bytes((REFERENCE / "images" / "bridge-mods" / "aaa-orig.jpg").read_bytes())
    unrelated = [pdq_bytes(p.read_bytes()) for p in
                 sorted((REFERENCE / "images" / "labelme-subset").glob("*.jpg"))]
    unrelated.append(pdq_bytes((REFERENCE / "images" / "pen-and-coaster.png").read_bytes()))
    for path in mods:
        mod = pdq_bytes(path.read_bytes())
        assert hamming(mod.hash, original.hash) <= 31, path.name
        for other in unrelated:
            assert hamming(mod.hash, other.hash) > 31, path.name


def test_dihedral_variants_find_rotated_and_flipped_copies() -> None:
    folder = REFERENCE / "images" / "dih"
    original = image_open((folder / "bridge-1-original.jpg").read_bytes())
    variants = pdq_dihedral(original)
    assert len(variants) == 8
    for path in sorted(folder.glob("*.jpg")):
        turned = pdq_bytes(path.read_bytes())
        best = min(hamming(turned.hash, v.hash) for v in variants.values())
        assert best <= 31, path.name
    plain = pdq_bytes((folder / "bridge-2-rotate-90.jpg").read_bytes())
    assert hamming(plain.hash, variants["original"].hash) > 31  # needs the variants


@pytest.mark.parametrize("mode", ["RGB", "L", "LA", "P", "RGBA", "CMYK", "I", "I;16", "F",
                                  "1", "YCbCr"])
def test_every_mode_hashes_like_the_rgb_image(mode: str) -> None:
    base = pattern(3)
    reference = pdq_bytes(encode(base, "PNG"))
    converted = base.convert(mode) if mode not in ("I;16",) else base.convert("L").convert(
        "I").point(lambda v: v * 200).convert("I;16")
    fmt = "TIFF" if mode in ("CMYK", "I", "I;16", "F", "YCbCr") else "PNG"
    if mode == "YCbCr":
        fmt = "JPEG"
    signal = pdq_bytes(encode(converted, fmt))
    assert len(signal.hash) == 64
    limit = 80 if mode == "1" else 40  # 1-bit dithering changes the picture most
    assert hamming(signal.hash, reference.hash) <= limit, mode


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "GIF", "BMP", "TIFF", "WEBP", "PPM", "ICO"])
def test_formats_pillow_reads(fmt: str) -> None:
    img = pattern(4, (128, 96))
    reference = pdq_bytes(encode(img, "PNG"))
    hashes = file_hashes(encode(img if fmt != "GIF" else img.convert("P"), fmt))
    assert hashes.media == "image" and not hashes.error
    assert hamming(hashes.pdq[0].hash, reference.hash) <= 40


def test_exif_orientation_is_applied() -> None:
    img = pattern(5)
    upright = pdq_bytes(encode(img))
    stored_turned = img.transpose(Image.Transpose.ROTATE_90)  # as a camera stores it
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 CW to display"
    tagged = pdq_bytes(encode(stored_turned, exif=exif.tobytes()))
    untagged = pdq_bytes(encode(stored_turned))
    assert hamming(tagged.hash, upright.hash) <= 20
    assert hamming(untagged.hash, upright.hash) > 31


def test_flat_image_has_low_quality() -> None:
    flat = pdq_bytes(encode(Image.new("RGB", (200, 200), (120, 120, 120)), "PNG"))
    assert flat.quality < 50


def test_crypto_hashes_are_those_of_the_bytes() -> None:
    md5, sha1, sha256 = crypto_hashes(b"abc")
    assert md5 == "900150983cd24fb0d6963f7d28e17f72"
    assert sha1 == "a9993e364706816aba3e25717850c26c9cd0d89d"
    assert sha256.startswith("ba7816bf")


def _png_bomb(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge picture (compressed zeros)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (len(data).to_bytes(4, "big") + kind + data
                + zlib.crc32(kind + data).to_bytes(4, "big"))
    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])
    raw = zlib.compress(b"\x00" * (width + 1) * 16, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + \
        chunk(b"IEND", b"")


def test_decompression_bomb_is_refused_cleanly(settings: object) -> None:
    for width, height in ((12_000, 9_000), (50_000, 50_000)):  # ours, then Pillow's own limit
        bomb = _png_bomb(width, height)
        with pytest.raises(RejectedInput, match="decompression bomb"):
            pdq_bytes(bomb)
        hashes = file_hashes(bomb)
        assert hashes.pdq == [] and "decompression bomb" in hashes.error
        assert hashes.md5 == crypto_hashes(bomb)[0]


def test_limit_is_a_setting(settings: object) -> None:
    settings.MAX_IMAGE_PIXELS = 100 * 100  # type: ignore[attr-defined]
    with pytest.raises(RejectedInput):
        pdq_bytes(encode(pattern(1, (200, 200))))
    assert pdq_bytes(encode(pattern(1, (90, 90)))).hash


@pytest.mark.parametrize("data", [
    b"", b"\xff\xd8\xff\xe0garbage", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, b"GIF89a\x01",
    b"not an image at all",
])
def test_broken_images_are_refused_cleanly(data: bytes) -> None:
    with pytest.raises(RejectedInput):
        pdq_bytes(data)
    assert file_hashes(data).pdq == []


def test_truncated_jpeg_is_refused() -> None:
    whole = encode(pattern(6))
    hashes = file_hashes(whole[: len(whole) // 2])
    assert hashes.media == "image" and hashes.pdq == [] and hashes.error


def test_hash_command_prints_every_hash(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                        db: object) -> None:
    path = tmp_path / "a.png"
    path.write_bytes(encode(pattern(7), "PNG"))
    call_command("hash", str(path), "--json")
    out = json.loads(capsys.readouterr().out.strip().splitlines()[0])
    expected = pdq_bytes(path.read_bytes())
    assert out["pdq"] == expected.hash and out["pdq_quality"] == expected.quality
    assert out["md5"] == crypto_hashes(path.read_bytes())[0]
    assert {"sha1", "sha256"} <= set(out)


def test_rgb_arrays_unchanged_by_hashing() -> None:
    img = pattern(8)
    before = np.asarray(img).copy()
    pdq_bytes(encode(img))
    assert (np.asarray(img) == before).all()
    assert io.BytesIO(encode(img)).getbuffer().nbytes > 0


def test_stored_content_is_hashed_once_per_distinct_content(settings: object,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    from tipline.core.blobs import blob_put
    from tipline.media import parallel

    a, b = (blob_put([encode(pattern(seed))]).sha256 for seed in (21, 22))
    seen: list[str] = []
    real = parallel.hash_stored

    def counting(sha256: str) -> object:
        seen.append(sha256)
        return real(sha256)

    monkeypatch.setattr(parallel, "hash_stored", counting)
    out = parallel.hash_stored_many([a, b, a, a])
    assert sorted(seen) == sorted([a, b])  # each content decoded once
    assert [h.sha256 for h in out] == [a, b, a, a] and out[0].pdq == out[2].pdq
