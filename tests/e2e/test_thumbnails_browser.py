"""Thumbnails in a real Chromium against the live app (real gunicorn, real Huey consumer):
the scrubber shows the thumbnail of any point at once and never loads a full-size frame;
a regenerate job runs in the consumer while its progress fragment polls itself."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from tests.fixtures.browser import log_in
from tests.fixtures.live import ROOT

pytestmark = pytest.mark.browser

FRAMES = 40


@pytest.fixture(scope="module")
def planted(live_app):
    done = subprocess.run([sys.executable, "-m", "tests.fixtures.frames", "Scrubber test",
                           str(FRAMES)], cwd=ROOT, env=live_app.env, capture_output=True,
                          text=True, timeout=120, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_skimming_shows_each_point_from_thumbnails_only(page, live_app, planted):  # noqa: F811
    loaded = []
    page.on("request", lambda request: loaded.append(request.url))
    log_in(page, live_app)
    page.goto(f"/timelapses/{planted['timelapse']}")
    scrubber = page.locator("[data-scrubber]")
    slider = scrubber.locator("input[type=range]")
    slider.wait_for()
    first, last = planted["frames"][0], planted["frames"][-1]
    assert scrubber.locator(".scrubber-number").inner_text() == str(FRAMES)

    slider.focus()  # reaching for the slider starts the prefetch of every stop's thumbnail
    page.wait_for_function(
        "n => performance.getEntriesByType('resource')"
        ".filter(e => /\\/images\\/\\d+\\/thumb/.test(e.name)).length >= n", arg=FRAMES)
    page.keyboard.press("Home")
    img = scrubber.locator(".scrubber-img")
    assert re.search(rf"/images/{first}/thumb\?v=", img.get_attribute("src"))
    assert scrubber.locator(".scrubber-number").inner_text() == "1"
    assert scrubber.locator(".scrubber-view").get_attribute("href") == f"/images/{first}"
    page.keyboard.press("ArrowRight")
    second = planted["frames"][1]
    assert re.search(rf"/images/{second}/thumb\?v=", img.get_attribute("src"))
    assert "scrubber-approx" not in (scrubber.get_attribute("class") or "")  # already there

    pictures = [url for url in loaded if "/images/" in url]  # other tests' cards included
    assert pictures and all(re.search(r"/images/\d+/thumb(\?v=\w+)?$", url) for url in pictures)
    assert {f"/images/{i}/thumb" for i in (first, last)} <= {
        re.sub(r"^https?://[^/]+|\?.*$", "", url) for url in pictures}

    scrubber.locator(".scrubber-view").click()  # the frame under the handle, in the viewer
    page.wait_for_url(re.compile(rf"/images/{second}$"))
    assert "/small?v=" in page.locator("figure.viewer img").get_attribute("src")


def test_a_regenerate_job_runs_in_the_consumer_and_reports_in_the_page(page, live_app,  # noqa: F811
                                                                         planted):
    log_in(page, live_app)
    page.goto(f"/timelapses/{planted['timelapse']}")
    page.get_by_role("link", name="Thumbnails").click()
    page.wait_for_url(re.compile(rf"/timelapses/{planted['timelapse']}/thumbnails$"))
    page.check("input[name=force]")
    page.get_by_role("button", name="Regenerate").click()
    done = page.locator(".job", has_text=f"Made new variants for {FRAMES} of {FRAMES} frames")
    done.wait_for(timeout=60_000)
    assert done.locator(".badge-done").is_visible()
    assert page.url.endswith("/thumbnails")  # htmx swapped the fragment: no reload
