"""A crawl killed mid-way (SIGKILL, a real `tipline trawl run` process on its own SQLite
database) resumes where it stopped, and the test site's request log shows that nothing was
fetched twice: the URL in flight when the worker died is not asked again (crawl.py)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tipline.trawler.crawl import INTERRUPTED
from tipline.trawler.tests.site import TestSite

PAGES = 63  # a binary tree six levels deep: 63 pages, 3 media each


def env_for(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TIPLINE_")}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    src = str(Path(__file__).resolve().parents[3])
    env["PYTHONPATH"] = os.pathsep.join([src, env.get("PYTHONPATH", "")])
    env.update(TIPLINE_HOME=str(home), TIPLINE_TRAWL_HOST_INTERVAL_SECONDS="0",
               TIPLINE_TRAWL_LEASE_SECONDS="2", TIPLINE_TRAWL_CLASSIFY="0")
    return env


def tipline(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own command
        [sys.executable, "-m", "tipline.cli", *args], env=env_for(home), capture_output=True,
        text=True, timeout=300, check=False, stdin=subprocess.DEVNULL)


def rows(home: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(f"file:{home / 'tipline.sqlite3'}?mode=ro", uri=True,
                         timeout=30) as db:
        return list(db.execute(sql, params))


def test_a_killed_crawl_resumes_and_fetches_nothing_twice(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with TestSite(pages=PAGES, delay=0.02) as site:
        added = tipline(home, "trawl", "add", site.url("/page/0"), "--depth", "8")
        assert added.returncode == 0, added.stderr
        log = (tmp_path / "crawl.log").open("w")
        crawler = subprocess.Popen(  # noqa: S603 - our own command
            [sys.executable, "-m", "tipline.cli", "trawl", "run", "--quiet"],
            env=env_for(home), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 120
            while len(site.paths()) < 60 and time.monotonic() < deadline:
                assert crawler.poll() is None, (tmp_path / "crawl.log").read_text()
                time.sleep(0.01)
            assert len(site.paths()) >= 60, "the crawl did not get going"
        finally:
            crawler.send_signal(signal.SIGKILL)
            crawler.wait(10)
        before = site.paths()
        assert "/page/62" not in before  # killed mid-way indeed
        time.sleep(2.5)  # the dead worker's lease runs out
        resumed = tipline(home, "trawl", "run", "--until-idle", "--quiet")
        assert resumed.returncode == 0, resumed.stderr
        after = site.paths()

    assert len(after) > len(before)  # the second run carried on
    doubled = sorted({p for p in after if after.count(p) > 1})
    assert doubled == []  # nothing fetched twice, robots.txt included
    states = dict(rows(home, "SELECT state, count(*) FROM trawler_url GROUP BY state"))
    assert set(states) <= {"done", "failed"}  # nothing left queued or leased
    interrupted = rows(home, "SELECT count(*) FROM trawler_url WHERE error = ?",
                       INTERRUPTED)[0][0]
    assert states.get("failed", 0) == interrupted  # the only failures: the ones in flight
    # at most one write's worth (crawl._WRITE_EVERY); none if it died between two writes
    assert int(str(interrupted)) <= 10
    # every URL recorded fetched was asked for once; an interrupted one once or never
    done = int(str(rows(home, "SELECT count(*) FROM trawler_url WHERE state = 'done'")[0][0]))
    asked = len(set(after) - {"/robots.txt"})
    assert done <= asked <= done + int(str(interrupted))
