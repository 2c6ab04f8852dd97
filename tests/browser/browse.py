"""The browser suite's helpers: a page in a fresh browser context, axe-core on every page it
loads, and a person's login through the password and second-factor pages. The fixtures that
use them are in conftest.py.

Every page a test opens goes through `visit` (or `settle` after a click that loads a page):
both run axe-core and fail on any serious or critical violation, naming the rule, its impact
and the offending elements. A page a test's browser loaded but never checked fails the test
at teardown, so no page escapes the check.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 400, "height": 860}
#: the personas' password (conftest.py at the top of the repository)
PASSWORD = "correct-horse-9"  # noqa: S105
#: axe-core impacts that fail the suite
FAILING_IMPACTS = frozenset({"serious", "critical"})


@dataclass
class Visits:
    """What a test's page loaded, and which of those axe-core has checked."""

    loaded: list[str] = field(default_factory=list)
    checked: set[str] = field(default_factory=set)


def page_key(url: str) -> str:
    """A loaded URL as the checks track it: path and query."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def new_page(browser: Any, request: pytest.FixtureRequest, *, base: str = "",
             viewport: dict[str, int] = DESKTOP, checked: bool = True, **options: Any) -> Any:
    """A page in a fresh context (its own cookies) opening paths on `base`, screenshot if the
    test fails, closed after it. Unless `checked` is False (a page without JavaScript, where
    axe-core cannot run), every page it loaded must have been checked by axe-core."""
    context = browser.new_context(viewport=viewport, locale=options.pop("locale", "en-IN"),
                                  **options)
    context.add_init_script(_axe_script())  # axe-core in every page, past the CSP (CDP)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.tipline_base = base
    visits = Visits()
    page.tipline_visits = visits

    def loaded(frame: Any) -> None:
        if frame == page.main_frame and frame.url.startswith("http"):
            visits.loaded.append(page_key(frame.url))

    def close() -> None:
        context.close()
        unchecked = [u for u in visits.loaded if u not in visits.checked]
        if checked and unchecked and not getattr(request.node, "tipline_failed", False):
            pytest.fail(f"pages loaded but never checked with axe-core: {unchecked}")

    page.on("framenavigated", loaded)
    request.node.tipline_pages = [*getattr(request.node, "tipline_pages", []), page]
    request.addfinalizer(close)
    return page


# -- accessibility ----------------------------------------------------------------------

@functools.cache
def _axe_script() -> str:
    """axe-core itself, as axe-playwright-python ships it (no download at test time)."""
    from axe_playwright_python.base import AXE_SCRIPT

    return str(AXE_SCRIPT)


def axe_problems(page: Any) -> list[str]:
    """axe-core's serious and critical violations on the page as it is, one line each with
    the rule, its impact and the offending nodes."""
    violations = page.evaluate("axe.run({resultTypes: ['violations']})")["violations"]
    lines = []
    for v in violations:
        if v.get("impact") not in FAILING_IMPACTS:
            continue
        nodes = "; ".join(f"{' '.join(map(str, n['target']))} <{n['html'][:160]}>"
                          for n in v["nodes"][:8])
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} [{len(v['nodes'])} nodes] "
                     f"{nodes}")
    return lines


def problems(page: Any) -> list[str]:
    """The page has loaded: axe-core's serious and critical findings on it (marked checked)."""
    page.wait_for_load_state("load")
    page.tipline_visits.checked.add(page_key(page.url))
    return axe_problems(page)


def settle(page: Any) -> None:
    """The page has loaded, and axe-core finds nothing serious on it."""
    found = problems(page)
    assert not found, f"axe-core on {page_key(page.url)}:\n" + "\n".join(found)


def open_page(page: Any, url: str) -> Any:
    """Open `url` (a path on the live server, or a full URL); it must answer without an
    error status. Returns the response."""
    if url.startswith("/"):
        url = page.tipline_base + url
    response = page.goto(url)
    assert response is not None and response.status < 400, f"{url}: {response and response.status}"
    return response


def visit(page: Any, url: str) -> Any:
    """Open `url` and check it: no error status, no serious or critical accessibility
    violation. Returns the response."""
    response = open_page(page, url)
    settle(page)
    return response


def submit(page: Any, button: Any) -> None:
    """Click a form's submit button, wait for the page it leads to, and check that page."""
    with page.expect_navigation():
        button.click()
    settle(page)


# -- logging in, the world ----------------------------------------------------

def current_code(user: Any) -> str:
    """The code the user's authenticator shows now, computed from its key."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def login(page: Any, user: Any) -> None:
    """Log `user` in through the login page and the second-factor page, like a person."""
    visit(page, "/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    submit(page, page.locator("form[action='/login/'] button[type=submit]"))
    assert "/2fa/" in page.url, f"no second-factor step after the password: {page.url}"
    page.fill("#id_code", current_code(user))
    submit(page, page.locator("main form button[type=submit]"))
    assert "/2fa/" not in page.url and "/login/" not in page.url, page.url


@dataclass
class World:
    """The seeded data: personas by name, and the records the pages show.

    - `queued`: a report at the country node, waiting in the national queue;
    - `fir`, `close`: two reports routed to Beed, each with a case received there;
    - `fir` also carries two stored generated images (patterns), awaiting review.

    The packet of those two is the `packet` fixture (building one takes seconds).
    """

    users: dict[str, Any]
    queued: Any
    fir: Any
    close: Any
    files: list[Any]

    def urls(self) -> dict[str, Any]:
        """The values page lists fill in (`/cases/{fir_case}/`)."""
        return {"report": self.fir.pk, "queued": self.queued.pk, "fir_case": self.fir.case.pk,
                "close_case": self.close.case.pk, "file": self.files[0].pk}
