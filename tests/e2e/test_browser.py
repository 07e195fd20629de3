"""A person's first minutes, in a real Chromium against the live app (real gunicorn and a
real Huey consumer): log in, find the demo camera, start a timelapse, watch frames arrive
without reloading, step through them, stop it. With TL_UPDATE_SCREENSHOT=1 it also
refreshes docs/screenshot.png (the README's)."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.fixtures.browser import log_in

pytestmark = pytest.mark.browser

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshot.png"
FRAME_WAIT_MS = 40_000  # a 5 s interval, plus the consumer's start-up and first grab
THUMB = 'img[src^="/images/"][src*="/thumb"]'  # variant URLs end in ?v=<version>
NAME = "Browser test"


@pytest.fixture
def stops_its_timelapse(live_app):
    """Even when the test fails midway, leave the shared demo camera free for other tests."""
    yield
    api = live_app.api_session()
    for tl in api.get(f"{live_app.url}/api/v1/timelapses", timeout=10).json()["timelapses"]:
        if tl["name"] == NAME and tl["status"] != "completed":
            api.patch(f"{live_app.url}/api/v1/timelapses/{tl['id']}", json={"status": "completed"},
                      timeout=10)


def test_a_person_starts_a_timelapse_and_watches_frames_arrive(page, live_app, tmp_path,
                                                                stops_its_timelapse):
    log_in(page, live_app)
    card = page.locator("article.card", has_text="Demo camera")
    # The demo camera's connection test ran at start-up: a real picture before any timelapse.
    card.locator('img.thumb[src*="preview"]').wait_for(timeout=FRAME_WAIT_MS)

    card.get_by_role("link", name="Start timelapse").click()
    page.wait_for_url(re.compile(r"/timelapses/new\?camera_id=\d+"))
    page.fill("#name", NAME)
    page.get_by_role("button", name="5 s", exact=True).click()  # the interval preset
    assert page.input_value("#interval_seconds") == "5"
    page.get_by_role("button", name="Start timelapse").click()
    page.wait_for_url(re.compile(r"/timelapses/\d+$"))
    assert page.locator(".badge-running").first.is_visible()

    # Mark this document: if the page reloaded, the mark would be gone.
    page.evaluate("window.notReloaded = true")
    gallery = page.locator("section.gallery")
    gallery.locator(THUMB).first.wait_for(timeout=FRAME_WAIT_MS)
    assert page.evaluate("window.notReloaded") is True
    assert int(page.locator(".controls .frame-count").inner_text()) >= 1

    gallery.locator(THUMB).first.click()  # the newest frame, full size
    page.wait_for_url(re.compile(r"/images/\d+$"))
    viewer = page.locator("figure.viewer img")
    viewer.wait_for()
    assert page.evaluate("img => img.complete && img.naturalWidth", viewer.element_handle()) > 0

    page.goto("/")
    first = card.locator(THUMB)
    first.wait_for(timeout=FRAME_WAIT_MS)
    src = first.get_attribute("src")
    page.evaluate("window.notReloaded = true")
    # The card polls itself: the next frame replaces the thumbnail without a reload.
    page.wait_for_function(
        "src => { const img = document.querySelector('article.card img.thumb');"
        " return img && img.getAttribute('src') !== src; }", arg=src, timeout=FRAME_WAIT_MS)
    assert page.evaluate("window.notReloaded") is True
    assert "next capture" in card.inner_text()
    card.locator(THUMB).evaluate("img => img.complete || new Promise(r => img.onload = r)")

    update = os.environ.get("TL_UPDATE_SCREENSHOT") == "1"
    page.screenshot(path=str(SCREENSHOT if update else tmp_path / "dashboard.png"))

    card.get_by_role("button", name="Stop").click()  # leave the demo camera free
    card.get_by_role("link", name="Start timelapse").wait_for()
    assert card.get_attribute("hx-trigger") is None  # nothing to watch: polling stopped
