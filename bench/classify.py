"""Benchmark: images per second through the classifier stage (media/classifiers).

    .venv/bin/python bench/classify.py --n 500

Generates N benign images (gradients, stripes, checkerboards, shapes, text, noise, a drawn
smiley; 1000x667 pixels), decoded in memory before timing, then times `classify_many` on them
twice: as deployed (faces, age and expression run only where NudeNet finds exposed regions,
which generated images rarely trigger) and in the worst case: `run_all=True` (face detection
on every image) plus, since dlib finds no face in generated images, one face box per image
pushed through landmarks, the age network and the expression model, so every image pays for
nudity + face detection + one face's age and expression. Models are loaded before timing.
Also counts the benign images the nudity model put in the exposure tier (false positives).
Last line `classify_images_per_s=<value>` (as deployed); the line before it is the worst case.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _home import database_option, fresh_home  # noqa: E402

CHUNK = 32


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=500, help="images to classify")
    parser.add_argument("--seed", type=int, default=7)
    database_option(parser)
    args = parser.parse_args()
    home = fresh_home("tipline-classify-", args.database_url)
    from PIL import Image

    from tipline.media.classifiers import classify_many
    from tipline.media.classifiers.base import DETECTORS
    from tipline.media.classifiers.pipeline import detector, face_pixels
    from tipline.media.classifiers.samples import benign_image

    def one_face(image: Image.Image) -> None:
        """Landmarks, age and expression for one central box, as for a found face."""
        pixels, _ = face_pixels(image)
        height, width = pixels.shape[:2]
        box = (width // 3, height // 4, width // 3, height // 2)
        (face,) = detector("faces").faces(pixels, boxes=[box])
        detector("expression").expressions(pixels, [face.box])

    images = [benign_image(i, size=(1000, 667), seed=args.seed) for i in range(args.n)]
    started = time.perf_counter()
    for model in DETECTORS.values():
        model.load()
    print(f"models loaded in {time.perf_counter() - started:.1f} s")

    rates = {}
    for run_all in (False, True):
        started, cpu = time.perf_counter(), time.process_time()
        assessments = []
        for start in range(0, len(images), CHUNK):
            assessments += classify_many(images[start : start + CHUNK], run_all=run_all)
            if run_all:
                for image in images[start : start + CHUNK]:
                    one_face(image)
        elapsed = time.perf_counter() - started
        cpu_ms = (time.process_time() - cpu) / len(images) * 1000
        rates[run_all] = len(images) / elapsed
        exposed = sum(1 for a in assessments if not a.reasons.startswith("exposed regions: 0"))
        faces = sum(len(a.faces or ()) for a in assessments)
        label = "worst case (faces, age, expression on every image)" if run_all else "as deployed"
        print(
            f"{label}: {len(images)} images in {elapsed:.1f} s ({cpu_ms:.0f} ms of CPU each); "
            f"benign images in the exposure tier: {exposed}; faces found: {faces}"
        )
    shutil.rmtree(home, ignore_errors=True)
    print(f"classify_forced_images_per_s={rates[True]:.1f}")
    print(f"classify_images_per_s={rates[False]:.1f}")


if __name__ == "__main__":
    main()
