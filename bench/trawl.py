"""Benchmark: crawl a local generated site of N pages, each with 3 unique images.

    .venv/bin/python bench/trawl.py --n 1000

Serves the test site's generated part (`trawler/tests/site.py`, `/gen/<i>`: a binary tree of
N pages, each linking its two children and showing 3 small unique PNGs) from a process of its
own on 127.0.0.1, adds `/gen/0` as a source deep enough to reach every page, and times
`crawl_run` over it with the per-host rate limit off (TIPLINE_TRAWL_HOST_INTERVAL_SECONDS=0):
robots.txt, every page fetched and its links queued, every image fetched, hashed (MD5, SHA-1,
SHA-256, PDQ) and judged (judging.media_judge) in a fresh database. Prints the counts, the
crawling process's peak memory (`peak_rss_mb`, ru_maxrss) and last
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
    database_option(parser)
    args = parser.parse_args()
    os.environ["TIPLINE_TRAWL_HOST_INTERVAL_SECONDS"] = "0"
    os.environ.setdefault("TIPLINE_TRAWL_BATCH", "100")
    fresh_home("tipline-trawl-", args.database_url)
    from django.db import connection

    from tipline.core.progress import TerminalProgress
    from tipline.trawler.crawl import crawl_run
    from tipline.trawler.models import MediaSeen, Url
    from tipline.trawler.services import source_add

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
    print(f"database: {connection.vendor}; site: {args.n:,} pages, {3 * args.n:,} images")
    print(f"fetched {stats.fetched:,} URLs ({pages:,} pages, {media:,} images hashed and "
          f"judged, {stats.failed} failed) in {seconds:.1f} s: "
          f"{stats.fetched / seconds:.0f} fetches/s")
    if pages != args.n or media != 3 * args.n:
        sys.exit(f"the crawl missed part of the site: {pages} pages, {media} images")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak_rss_mb={peak:.0f}")
    print(f"trawl_pages_per_s={pages / seconds:.1f}")


if __name__ == "__main__":
    main()
