"""Benchmark: crawl a local generated site of N pages, each with 3 unique images.

    .venv/bin/python bench/trawl.py --n 1000

Serves the test site's generated part (`trawler/tests/site.py`, `/gen/<i>`: a binary tree of
N pages, each linking its two children and showing 3 small unique PNGs) from a process of its
own on 127.0.0.1, adds `/gen/0` as a source deep enough to reach every page, and times
`crawl_run` over it with the per-host rate limit off (TIPLINE_TRAWL_HOST_INTERVAL_SECONDS=0):
robots.txt, every page fetched and its links queued, every image fetched, hashed (MD5, SHA-1,
SHA-256, PDQ) and judged (judging.media_judge) in a fresh database, against a confirmed bank of
`--bank` random entries plus the SHA-256 of one image in a hundred of the site's: those are
found, kept encrypted and filed as reports during the crawl, as in production. Prints the
counts, the crawling process's peak memory (`peak_rss_mb`, ru_maxrss) and last
`trawl_pages_per_s=<pages / seconds>`.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _home import database_option, fresh_home  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1000, help="pages of the generated site")
    parser.add_argument("--bank", type=int, default=10_000, help="random bank entries")
    parser.add_argument("--classify", action="store_true",
                        help="score unmatched images with the classifiers too (off: the "
                             "figure is the crawl with hashing and matching)")
    database_option(parser)
    args = parser.parse_args()
    os.environ["TIPLINE_TRAWL_HOST_INTERVAL_SECONDS"] = "0"
    os.environ["TIPLINE_TRAWL_CLASSIFY"] = "1" if args.classify else "0"
    os.environ.setdefault("TIPLINE_TRAWL_BATCH", "100")
    fresh_home("tipline-trawl-", args.database_url)
    from django.db import connection

    from tipline.core.progress import TerminalProgress
    from tipline.trawler.crawl import crawl_run
    from tipline.trawler.models import Finding, MediaSeen, Url
    from tipline.trawler.services import source_add

    banked = _bank(args.n, args.bank)

    src = str(Path(__file__).resolve().parent.parent / "src")
    server = subprocess.Popen(  # noqa: S603 - our own module
        [sys.executable, "-m", "tipline.trawler.tests.site", "--gen", str(args.n)],
        stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": src})
    try:
        assert server.stdout is not None
        port = int(server.stdout.readline())
        depth = max(1, args.n.bit_length())
        source_add(actor=None, url=f"http://127.0.0.1:{port}/gen/0", depth=depth)
        bar = TerminalProgress("trawl")
        started = time.perf_counter()
        stats = crawl_run(progress=bar)
        seconds = time.perf_counter() - started
        bar.finish()
    finally:
        server.terminate()
        server.wait(10)
    pages = Url.objects.filter(kind=Url.Kind.PAGE, state=Url.State.DONE).count()
    media = MediaSeen.objects.count()
    print(f"database: {connection.vendor}; site: {args.n:,} pages, {3 * args.n:,} images; "
          f"classifiers {'on' if args.classify else 'off'}")
    found = Finding.objects.count()
    print(f"bank: {args.bank:,} random entries and {banked} of the site's images; "
          f"findings: {found}")
    print(f"fetched {stats.fetched:,} URLs ({pages:,} pages, {media:,} images hashed and "
          f"judged, {stats.failed} failed) in {seconds:.1f} s: "
          f"{stats.fetched / seconds:.0f} fetches/s")
    if pages != args.n or media != 3 * args.n:
        sys.exit(f"the crawl missed part of the site: {pages} pages, {media} images")
    if found != banked:
        sys.exit(f"{found} findings, but {banked} of the site's images are in the bank")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak_rss_mb={peak:.0f}")
    print(f"trawl_pages_per_s={pages / seconds:.1f}")


def _bank(pages: int, size: int) -> int:
    """A confirmed bank of `size` random entries (SHA-256 and PDQ, so every image is looked up
    both ways) plus the site's every hundredth image by SHA-256; how many of the site's
    images it holds."""
    import secrets

    from tipline.media.banks import ParsedEntry
    from tipline.media.content import file_hashes
    from tipline.media.services import bank_create, bank_entries_add
    from tipline.trawler.tests.site import gen_image

    entries = [ParsedEntry(sha256=secrets.token_hex(32), pdq=secrets.token_hex(32))
               for _ in range(size)]
    chosen = range(0, 3 * pages, 100)
    for k in chosen:
        hashes = file_hashes(gen_image(k // 3, k % 3))
        # by SHA-256 only: the site's small generated PNGs are alike enough that their PDQs
        # lie within the bank's distance of each other, which real photographs do not
        entries.append(ParsedEntry(sha256=hashes.sha256))
    bank = bank_create(actor=None, name="bench", confirmed=True)
    bank_entries_add(actor=None, bank=bank, entries=entries)
    return len(chosen)


if __name__ == "__main__":
    main()
