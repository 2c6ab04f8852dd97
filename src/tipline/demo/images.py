"""A pool of benign generated demo images: gradients, geometric shapes and a "DEMO FILE" label.

Nothing here depicts a person or anything else: every image is abstract geometry drawn with
Pillow, so demo and test data can carry "uploaded files" with real bytes and real hashes.
"""

from __future__ import annotations

import hashlib
import io
import random
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont, ImageOps

# fmt: off
_PALETTE = [
    (230, 57, 70), (241, 250, 238), (168, 218, 220), (69, 123, 157), (29, 53, 87),
    (244, 162, 97), (233, 196, 106), (42, 157, 143), (38, 70, 83), (231, 111, 81),
    (131, 56, 236), (58, 134, 255), (255, 190, 11), (251, 86, 7), (255, 0, 110),
    (6, 214, 160), (17, 138, 178), (7, 59, 76), (239, 71, 111), (255, 209, 102),
]
# fmt: on


@dataclass(frozen=True, slots=True)
class PoolImage:
    number: int
    ext: str  # "jpg" or "png"
    data: bytes
    md5: str
    width: int
    height: int


@lru_cache(maxsize=4)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _draw_image(number: int, rng: random.Random, *, png: bool) -> Image.Image:
    width, height = rng.choice([(200, 150), (192, 192), (150, 200), (224, 126)])
    c1, c2, c3 = rng.sample(_PALETTE, 3)
    if png:
        # flat background: PNG stays small
        img = Image.new("RGB", (width, height), c1)
    else:
        gradient = Image.linear_gradient("L").rotate(rng.choice([0, 45, 90, 135, 180, 270]))
        img = ImageOps.colorize(gradient.resize((width, height)), c1, c2)
    draw = ImageDraw.Draw(img)
    for _ in range(rng.randint(3, 7)):
        colour = rng.choice(_PALETTE)
        x0, y0 = rng.randint(-20, width - 20), rng.randint(-20, height - 20)
        x1, y1 = x0 + rng.randint(20, width // 2), y0 + rng.randint(20, height // 2)
        shape = rng.choice(["rect", "ellipse", "triangle", "line", "grid"])
        if shape == "rect":
            draw.rectangle([x0, y0, x1, y1], fill=colour)
        elif shape == "ellipse":
            draw.ellipse([x0, y0, x1, y1], fill=colour, outline=c3, width=2)
        elif shape == "triangle":
            draw.polygon([(x0, y1), ((x0 + x1) // 2, y0), (x1, y1)], fill=colour)
        elif shape == "line":
            draw.line([x0, y0, x1, y1], fill=colour, width=rng.randint(2, 6))
        else:
            step = rng.randint(8, 16)
            for x in range(x0, x1, step):
                draw.line([x, y0, x, y1], fill=colour, width=1)
    label = f"DEMO FILE {number:03d}"
    font = _font(18)
    box = draw.textbbox((0, 0), label, font=font)
    tw, th = box[2] - box[0], box[3] - box[1]
    tx, ty = (width - tw) // 2, height - th - 12
    draw.rectangle([tx - 4, ty - 2, tx + tw + 4, ty + th + 6], fill=(255, 255, 255))
    draw.text((tx, ty - box[1] + 2), label, fill=(0, 0, 0), font=font)
    return img


@lru_cache(maxsize=2)
def make_pool(size: int = 300, seed: int = 7) -> tuple[PoolImage, ...]:
    """`size` distinct images, the same bytes for the same (size, seed)."""
    pool: list[PoolImage] = []
    seen: set[str] = set()
    number = 0
    while len(pool) < size:
        number += 1
        rng = random.Random(f"demo-image:{seed}:{number}")
        png = rng.random() < 0.35
        img = _draw_image(number, rng, png=png)
        buf = io.BytesIO()
        if png:
            img.quantize(colors=32, method=Image.Quantize.MEDIANCUT).save(
                buf, format="PNG", optimize=False
            )
        else:
            img.save(buf, format="JPEG", quality=70, optimize=False)
        data = buf.getvalue()
        md5 = hashlib.md5(data, usedforsecurity=False).hexdigest()
        if md5 in seen:  # pragma: no cover - vanishingly unlikely
            continue
        seen.add(md5)
        pool.append(PoolImage(number, "png" if png else "jpg", data, md5, img.width, img.height))
    return tuple(pool)
