"""The language switch in a real browser: on the login page before logging in, then on staff
pages after it, at desktop and phone width. Each page it leads to is in the chosen language
(its heading, its <html lang>) and passes axe-core (browse.py's `visit` and `submit`)."""

from __future__ import annotations

from typing import Any

import pytest
from tests.browser.browse import PHONE, World, login, new_page, submit, visit

pytestmark = pytest.mark.django_db(transaction=True)


def switch(page: Any, code: str) -> None:
    """Press the header's button for language `code` and check the page it reloads."""
    submit(page, page.locator(f"header form.lang button[value={code}]"))
    assert page.locator("html").get_attribute("lang") == code
    assert page.locator(f"header form.lang button[value={code}]").is_disabled()


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_the_switch_before_and_after_login(site: Any, world: World, browser: Any,
                                           request: pytest.FixtureRequest, width: str) -> None:
    page = site if width == "desktop" else new_page(browser, request, base=site.tipline_base,
                                                    viewport=PHONE)
    visit(page, "/login/")
    assert page.locator("h1").inner_text() == "Log in"
    switch(page, "hi")
    assert "/login/" in page.url and page.locator("h1").inner_text() == "लॉग इन"
    login(page, world.users["auditor"])  # the password and second-factor pages, in Hindi
    assert page.locator("h1").inner_text().startswith("नमस्ते")
    visit(page, "/audit/")
    assert page.locator("h1").inner_text() == "ऑडिट ट्रेल"
    switch(page, "en")
    assert "/audit/" in page.url and page.locator("h1").inner_text() == "Audit trail"
    visit(page, "/")
    assert page.locator("h1").inner_text().startswith("Good to see you")
