"""The tip form in a real browser (Debian's Chromium driven by Playwright): filled and sent in
English and in Hindi, at phone width and on a desktop, with a generated image attached; the
tracking number and secret read off the page and the status looked up with them; the file
stored encrypted and scanned, the report routed. Every page is checked with axe-core
(browse.py).

Set TIPS_SHOTS_DIR to keep a screenshot of each filled form."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import pytest
from tests.browser.browse import new_page, open_page, submit, visit

from tipline.intake.models import ReportFile
from tipline.tips.models import Tip
from tipline.tips.tests.helpers import png

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
#: what the status page says once the tip is routed to Beed's unit, in each language
FORWARDED = {"en": "Forwarded to the police.", "hi": "पुलिस को भेज दी गई है।"}
WHAT = {"en": "A group on ExampleChat shares abuse images of children.",
        "hi": "ExampleChat पर एक समूह बच्चों की शोषण वाली तस्वीरें साझा करता है।"}

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("language", ["en", "hi"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_tip_sent_from_a_browser_and_looked_up(
        live_server: Any, browser: Any, request: pytest.FixtureRequest, tree: None,
        immediate_tasks: None, settings: Any, tmp_path: Path, language: str,
        viewport: dict[str, int]) -> None:
    settings.TIP_POW_BITS = 12  # real work in the browser's pow.js, quickly
    image = png(seed=len(language) + viewport["width"])
    upload = tmp_path / "pattern.png"
    upload.write_bytes(image)
    shots = os.environ.get("TIPS_SHOTS_DIR", "")
    page = new_page(browser, request, base=live_server.url, viewport=viewport,
                    locale="hi-IN" if language == "hi" else "en-IN")
    visit(page, "/tip/")
    assert page.locator("html").get_attribute("lang") == language
    assert "112" in page.locator(".emergency").inner_text()
    # the page fits the screen: nothing wider than the viewport
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    page.fill("#id_what", WHAT[language])
    page.select_option("#id_state", "MH")
    page.fill("#id_district", "Beed")
    page.fill("#id_pin", "431122")
    page.fill("#id_place", "Bus stand road")
    page.fill("#id_links", "https://chat.example.com/g/42")
    page.set_input_files("#id_attachments", str(upload))
    page.check("input[name=contact][value=contact]")
    page.fill("#id_email", "tipster@example.org")
    page.wait_for_function("document.getElementById('pow-solution').value !== ''")
    if shots:
        page.screenshot(path=str(Path(shots) / f"tip-{language}-"
                                 f"{'phone' if viewport is PHONE else 'desktop'}.png"),
                        full_page=True)
    submit(page, page.locator("button.send"))
    page.wait_for_selector("#tracking")
    tracking = page.inner_text("#tracking").strip()
    secret = page.inner_text("#secret").strip()
    assert "pattern.png" not in page.content()  # never shown back
    visit(page, "/tip/status/")
    page.fill("#id_tracking", tracking)
    page.fill("#id_secret", secret)
    submit(page, page.locator("button.send"))
    page.wait_for_selector("#tip-status")
    status = page.inner_text("#tip-status .word").strip()

    assert status == FORWARDED[language]
    tip = Tip.objects.select_related("report").get(tracking=tracking)
    assert tip.language == language and not tip.anonymous
    assert tip.report.additional_info == WHAT[language]
    assert tip.report.reporter == {"email": "tipster@example.org"}
    file = ReportFile.objects.select_related("scan").get(report=tip.report)
    assert file.stored and file.sha256 == hashlib.sha256(image).hexdigest()
    assert file.scan.scanned_at is not None  # the scan ran once the tip committed
    assert tip.report.jurisdiction.code.startswith("IN-MH")


def test_without_javascript_the_browser_answers_the_question(
        live_server: Any, browser: Any, request: pytest.FixtureRequest, tree: None,
        settings: Any) -> None:
    from tipline.tips.tests.helpers import question_answer

    # axe-core cannot run without JavaScript: the same pages are checked above
    page = new_page(browser, request, base=live_server.url, checked=False,
                    java_script_enabled=False)
    open_page(page, "/tip/")
    label = page.inner_text("label[for=id_question_answer]")
    page.fill("#id_what", "A website sells abuse videos.")
    page.fill("#id_links", "https://shop.example.com/v")
    page.fill("#id_question_answer", question_answer(label))
    with page.expect_navigation():
        page.click("button.send")
    page.wait_for_selector("#tracking")
    tracking = page.inner_text("#tracking").strip()
    tip = Tip.objects.select_related("report").get(tracking=tracking)
    assert tip.anonymous and tip.report.urls == ["https://shop.example.com/v"]
