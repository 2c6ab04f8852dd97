"""The browser suite's fixtures: Debian's Chromium driven by Playwright (one browser per test
module, a fresh context per test), pytest-django's live server (in the test process, on the
test database, SQLite or PostgreSQL), a small seeded world, and a full-page screenshot of each
of a failed test's pages under var/test-artifacts/ (kept by CI). The helpers are browse.py.

Skips, saying so, only when /usr/bin/chromium is missing (`make test` installs it as root).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.browser.browse import World, new_page

CHROMIUM = Path("/usr/bin/chromium")
#: where screenshots of failed tests go (CI keeps the folder as an artifact)
ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts"


@pytest.fixture(scope="module")
def browser(django_db_setup: None) -> Iterator[Any]:
    """One Chromium per test module (Debian's build, nothing downloaded).

    Playwright's synchronous API keeps an asyncio loop running in this thread while it is
    open, and Django then refuses every database call from the thread (it takes the test for
    async code): the check is switched off (DJANGO_ALLOW_ASYNC_UNSAFE) only while the browser
    is open, and the browser lives one module, not the session, so the rest of the suite runs
    with the check on. The test database is set up before, outside the loop."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (/usr/bin/chromium): "
                    "apt-get install chromium, or run `make test` as root")
    from playwright.sync_api import sync_playwright

    args = ["--no-sandbox"] if os.geteuid() == 0 else []
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=args)
            yield chromium
            chromium.close()
    finally:
        if before is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture
def site(live_server: Any, browser: Any, request: pytest.FixtureRequest) -> Any:
    """A desktop-sized page on the live server."""
    return new_page(browser, request, base=live_server.url)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """A failed test leaves a full-page screenshot of each of its pages in var/test-artifacts/."""
    report = yield
    if report.failed and report.when in ("call", "setup"):
        item.tipline_failed = True  # type: ignore[attr-defined]
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid)[-150:]
        for n, page in enumerate(getattr(item, "tipline_pages", [])):
            try:
                ARTIFACTS.mkdir(parents=True, exist_ok=True)
                path = ARTIFACTS / f"{name}-{n}.png"
                page.screenshot(path=str(path), full_page=True)
                report.sections.append(("screenshot", str(path)))
            except Exception as exc:  # noqa: BLE001 - a closed page must not hide the failure
                report.sections.append(("screenshot", f"none: {exc}"))
    return report


@pytest.fixture
def world(transactional_db: None, make_report: Callable[..., Any], hub_admin: Any,
          analyst: Any, mh_nodal: Any, beed_officer: Any, pune_officer: Any, auditor: Any,
          reviewer: Any, settings: Any) -> World:
    """The seeded world (browse.py `World`): every persona with a page to open, made again
    for each test (the live server sees committed rows, so each test's are flushed after)."""
    from tipline.cases.services import cases_open
    from tipline.intake.models import Report
    from tipline.review.tests.helpers import report_with_images

    settings.TIP_POW_BITS = 12
    queued = make_report("IN", status=Report.Status.NEW)
    fir, files = report_with_images(make_report, "IN-MH-BEED", seeds=(3, 4), scan=False,
                                    status=Report.Status.ROUTED)
    close = make_report("IN-MH-BEED", status=Report.Status.ROUTED)
    cases_open(actor=None, report_ids=[fir.pk, close.pk])
    fir.refresh_from_db()
    close.refresh_from_db()
    users = {"hub_admin": hub_admin, "analyst": analyst, "mh_nodal": mh_nodal,
             "beed_officer": beed_officer, "pune_officer": pune_officer, "auditor": auditor,
             "reviewer": reviewer}
    return World(users=users, queued=queued, fir=fir, close=close, files=files)


@pytest.fixture
def packet(world: World) -> Any:
    """The packet of the world's two Beed reports, built by the hub analyst, not yet
    acknowledged."""
    from tipline.dispatch.services import packet_build

    return packet_build(actor=world.users["analyst"], target_code="IN-MH-BEED").packet
