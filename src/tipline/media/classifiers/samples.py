"""Generated benign images (gradients, stripes, checkerboards, shapes, text, noise) for tests
and the classifier benchmark. Never photographs of people."""

from __future__ import annotations

import random

import numpy as np
from PIL import Image, ImageDraw

KINDS = ("gradient", "stripes", "checker", "shapes", "text", "noise", "smiley")


def benign_image(index: int, *, size: tuple[int, int] = (640, 480), seed: int = 7) -> Image.Image:
    """The `index`-th image of a deterministic series cycling through `KINDS`."""
    rng = random.Random(seed * 100_003 + index)
    width, height = size
    kind = KINDS[index % len(KINDS)]
    color = tuple(rng.randrange(256) for _ in range(3))
    if kind == "gradient":
        across = np.linspace(0, 1, width, dtype=np.float32)[None, :, None]
        down = np.linspace(0, 1, height, dtype=np.float32)[:, None, None]
        base = np.asarray(color, dtype=np.float32)[None, None, :]
        pixels = (base * across + (255 - base) * down).clip(0, 255).astype(np.uint8)
        return Image.fromarray(pixels, "RGB")
    if kind == "noise":
        generator = np.random.default_rng(rng.randrange(2**32))
        return Image.fromarray(generator.integers(0, 256, (height, width, 3), dtype=np.uint8))
    image = Image.new("RGB", size, (255, 255, 255))
    draw = ImageDraw.Draw(image)
    if kind == "stripes":
        step = rng.randrange(8, 40)
        for x in range(0, width, step * 2):
            draw.rectangle((x, 0, x + step, height), fill=color)
    elif kind == "checker":
        step = rng.randrange(16, 64)
        for y in range(0, height, step):
            for x in range((y // step) % 2 * step, width, step * 2):
                draw.rectangle((x, y, x + step, y + step), fill=color)
    elif kind == "shapes":
        for _ in range(12):
            x, y = rng.randrange(width), rng.randrange(height)
            r = rng.randrange(10, 120)
            fill = tuple(rng.randrange(256) for _ in range(3))
            if rng.random() < 0.5:
                draw.ellipse((x - r, y - r, x + r, y + r), fill=fill)
            else:
                draw.rectangle((x - r, y - r // 2, x + r, y + r // 2), fill=fill)
    elif kind == "text":
        for line in range(0, height, 24):
            draw.text((10, line), f"Tipline benign sample {index} line {line}", fill=color)
    else:  # smiley: a drawn cartoon face (circle, dots, arc), not a person
        cx, cy, r = width // 2, height // 2, min(width, height) // 3
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(250, 220, 40), outline=(0, 0, 0))
        for dx in (-r // 3, r // 3):
            draw.ellipse((cx + dx - 12, cy - r // 3 - 12, cx + dx + 12, cy - r // 3 + 12), fill=0)
        draw.arc((cx - r // 2, cy - r // 4, cx + r // 2, cy + r // 2), 20, 160, fill=0, width=6)
    return image
