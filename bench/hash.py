"""Benchmark: decode + every hash (MD5, SHA-1, SHA-256, PDQ with quality) of 1000x667 JPEGs.

    .venv/bin/python bench/hash.py --n 1000

Generates distinct benign patterned photo-sized JPEGs and stores them encrypted in a fresh
TIPLINE_HOME's blob store (not timed), then times what a scan does with N of them:
read + decrypt + decode + MD5, SHA-1, SHA-256 and PDQ, on every core (media/parallel.py;
TIPLINE_SCAN_PROCESSES), and, for comparison, in one process. Last line
`hash_images_per_s=<value>` (all cores).
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _home import database_option, fresh_home  # noqa: E402


def photo(seed: int) -> bytes:
    """A 1000x667 JPEG of smooth waves and noise, different for every seed."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:667, 0:1000].astype(np.float32)
    channels = []
    for _ in range(3):
        fx, fy, phase = rng.uniform(0.002, 0.03), rng.uniform(0.002, 0.03), rng.uniform(0, 6)
        wave = np.sin(fx * x + fy * y + phase) * 90 + 128
        channels.append(np.clip(wave + rng.normal(0, 12, wave.shape), 0, 255))
    img = Image.fromarray(np.stack(channels, axis=-1).astype(np.uint8), "RGB")
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=85)
    return buf.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1000, help="images to hash")
    parser.add_argument("--distinct", type=int, default=0,
                        help="distinct images generated (default: all N; the scan hashes "
                             "each distinct content once, so repeats would flatter it)")
    database_option(parser)
    args = parser.parse_args()
    fresh_home("tipline-hash-", args.database_url)
    from tipline.core.blobs import blob_put
    from tipline.media.parallel import hash_stored, hash_stored_many, processes

    images = [photo(seed) for seed in range(min(args.distinct or args.n, args.n))]
    keys = [blob_put([data]).sha256 for data in images]
    work = [keys[i % len(keys)] for i in range(args.n)]
    hash_stored(keys[0])  # warm up (library loading)
    single = work[: max(1, min(len(work), 100))]
    started = time.perf_counter()
    for key in single:
        hash_stored(key)
    one = len(single) / (time.perf_counter() - started)
    started = time.perf_counter()
    results = hash_stored_many(work)
    elapsed = time.perf_counter() - started
    assert all(r.media == "image" and r.pdq and not r.error for r in results)
    low = sum(1 for r in results if r.pdq[0].quality < 50)
    print(f"images: {args.n} of 1000x667 JPEG ({len(images)} distinct), "
          f"{sum(map(len, images)) // len(images):,} bytes each on average")
    print(f"one process: {one:.1f} images/s; {processes()} processes: {elapsed:.2f} s; "
          f"PDQ quality < 50: {low}")
    print(f"hash_images_per_s={args.n / elapsed:.1f}")


if __name__ == "__main__":
    main()
