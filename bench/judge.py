"""Benchmark: the trawler's judge (trawler/judging.py `media_judge`) as the crawler calls it,
one page's media at a time, against a bank of B entries.

    .venv/bin/python bench/judge.py --n 1000 --bank 10000

Makes a bank of B random hashes (SHA-256 and PDQ) plus the exact and PDQ hashes of 1% of
the generated images, and N pages of 3 generated benign images each (hashed beforehand, as
the crawler hands them over hashed; the hashing is the crawler's cost, bench/trawl.py).
Times `media_judge` on each page's 3 items: matching (exact and PDQ), one bulk MediaSeen
insert, and for the banked 1% a finding, its encrypted copy and its report (classification
off, the default). Last line `judge_pages_per_s=<pages judged a second>` (the crawl's target
is 50 pages/s including everything else, so the judge must be well above it).
"""

from __future__ import annotations

import argparse
import random
import secrets
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _home import database_option, fresh_home  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1000, help="pages of 3 images")
    parser.add_argument("--bank", type=int, default=10_000, help="random bank entries")
    parser.add_argument("--pages-per-call", type=int, default=1,
                        help="pages whose media one call judges (the crawler's batch)")
    parser.add_argument("--profile", action="store_true", help="print where the time went")
    parser.add_argument("--seed", type=int, default=3)
    database_option(parser)
    args = parser.parse_args()
    fresh_home("tipline-judge-", args.database_url)
    import io

    from PIL import Image, ImageDraw

    from tipline.core.bootstrap import seed_reference_data
    from tipline.core.fields import index_of
    from tipline.media.banks import ParsedEntry
    from tipline.media.content import file_hashes
    from tipline.media.services import bank_create, bank_entries_add
    from tipline.trawler.judging import media_judge
    from tipline.trawler.models import Finding, Host, MediaSeen, Source, Url
    from tipline.trawler.types import Fetched, FetchedMedia

    seed_reference_data()
    rng = random.Random(args.seed)

    def image(k: int) -> bytes:
        img = Image.new("RGB", (200, 150), (rng.randrange(256), rng.randrange(256), 90))
        draw = ImageDraw.Draw(img)
        for _ in range(6):
            x, y = rng.randrange(200), rng.randrange(150)
            draw.ellipse((x - 30, y - 20, x + 30, y + 20),
                         fill=tuple(rng.randrange(256) for _ in range(3)))
        draw.text((5, 5), f"bench {k}", fill=(0, 0, 0))
        out = io.BytesIO()
        img.save(out, format="JPEG", quality=80)
        return out.getvalue()

    count = args.n * 3
    started = time.perf_counter()
    datas = [image(k) for k in range(count)]
    hashes = [file_hashes(d) for d in datas]
    print(f"generated and hashed {count:,} images in {time.perf_counter() - started:.1f} s")
    bank = bank_create(actor=None, name="bench")
    entries = [ParsedEntry(sha256=secrets.token_hex(32), pdq=secrets.token_hex(32))
               for _ in range(args.bank)]
    banked = set(rng.sample(range(count), max(1, count // 100)))
    entries += [ParsedEntry(sha256=hashes[k].sha256, pdq=hashes[k].pdq[0].hash)
                for k in banked]
    bank_entries_add(actor=None, bank=bank, entries=entries)
    now = datetime.now(UTC)
    host = Host.objects.create(name="bench.example.in")
    source = Source.objects.create(kind=Source.Kind.MANUAL, url="http://bench.example.in/",
                                   created_at=now)
    urls = [f"http://bench.example.in/i/{k}.jpg" for k in range(count)]
    pages = [f"http://bench.example.in/p/{p}.html" for p in range(args.n)]
    Url.objects.bulk_create(
        [Url(url=u, url_index=index_of(u, purpose="trawl.url"), host=host, source=source,
             due_at=now, kind=Url.Kind.MEDIA) for u in urls + pages], batch_size=1000)
    ids = dict(Url.objects.values_list("url_index", "pk"))
    items = [FetchedMedia(
        url_id=ids[index_of(urls[k], purpose="trawl.url")],
        page_id=ids[index_of(pages[k // 3], purpose="trawl.url")], page_url=pages[k // 3],
        fetched=Fetched(url=urls[k], final_url=urls[k], fetched_at=now, status=200,
                        headers={"content-type": "image/jpeg"}, content=datas[k],
                        content_type="image/jpeg", ip="49.36.10.20"),
        hashes=hashes[k]) for k in range(count)]
    media_judge(items[:3])  # the PDQ index is built on the first call
    step = 3 * args.pages_per_call
    profile = None
    if args.profile:
        import cProfile

        profile = cProfile.Profile()
        profile.enable()
    started = time.perf_counter()
    for start in range(3, count, step):
        media_judge(items[start: start + step])
    took = time.perf_counter() - started
    if profile is not None:
        import pstats

        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
    matched = Finding.objects.count()
    print(f"judged {args.n - 1:,} pages ({(args.n - 1) * 3:,} images) in {took:.2f} s: "
          f"{MediaSeen.objects.count():,} seen, {matched} findings "
          f"({len(banked)} banked), bank of {len(entries):,}")
    print(f"judge_pages_per_s={(args.n - 1) / took:.1f}")


if __name__ == "__main__":
    main()
