"""In a real Chromium against the live app: the jobs page shows a job's progress bar move
and the job finish, pushed by the event stream, without a reload. The job runs through the
real `run_job` (in this test process, writing the live database as a worker would)."""
from __future__ import annotations

import threading
import time

import pytest

import models
from tasks.jobs import run_job
from tests.e2e.test_operations_live import live_database
from tests.fixtures.browser import log_in

pytestmark = pytest.mark.browser

STEPS = (10, 30, 50, 70, 90)


def slow_work(job, progress):
    for percent in STEPS:
        progress._last = 0  # every step is reported (the throttle is tested elsewhere)
        progress(percent, f"step {percent}")
        time.sleep(1.0)  # a person watches the bar move
    return "All steps done", None


def test_a_progress_bar_moves_and_finishes_without_a_reload(browser, live_app):
    context = browser.new_context(base_url=live_app.url)
    page = context.new_page()
    page.set_default_timeout(20_000)
    log_in(page, live_app)
    page.goto("/jobs")
    page.evaluate("window.notReloaded = true")
    with live_database(live_app):
        job = models.Job.create(kind="browser_demo", message="Waiting…")
        worker = threading.Thread(target=run_job, args=(job.id, slow_work))
        worker.start()
        try:
            row = f"#job-row-{job.id}"
            bar = f"{row} progress"
            page.wait_for_selector(bar)
            first = float(page.get_attribute(bar, "value"))
            page.wait_for_function(
                "([sel, v]) => { const b = document.querySelector(sel);"
                " return b && Number(b.value) > v; }", arg=[bar, first])
            page.wait_for_selector(f'{row}[data-status="done"]')
        finally:
            worker.join(timeout=30)
    assert first < 90
    assert "All steps done" in page.inner_text(row)
    assert page.evaluate("window.notReloaded") is True
    context.close()
