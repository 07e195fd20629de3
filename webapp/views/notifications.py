"""Settings » Notifications: where messages go (apprise URLs, shown masked, never echoed),
the cooldown that makes one outage one message, a test button, and what was sent."""
from __future__ import annotations

from flask import Blueprint, flash, render_template, request, url_for

from models import Notification, Setting
from pipelines import notify as notify_pipeline
from tasks import notify, schedule
from webapp import htmx
from webapp.views import context

blueprint = Blueprint("notifications", __name__, url_prefix="/settings/notifications")

MAX_URLS = 10


def page_context(errors: dict | None = None, cooldown: str | None = None) -> dict:
    return {"urls": notify.masked_urls(), "errors": errors or {},
            "cooldown": cooldown if cooldown is not None else
            str(int(notify.cooldown().total_seconds() // 60)),
            "sent": list(Notification.recent(20)), "max_urls": MAX_URLS}


def _again(errors: dict, **kw):
    return render_template("notifications/index.html", **page_context(errors, **kw)), 400


@blueprint.get("")
def index():
    """Show the notification settings and what was sent."""
    return render_template("notifications/index.html", **page_context())


@blueprint.post("/urls")
def add_url():
    """Add a notification URL."""
    current = notify.urls()
    if len(current) >= MAX_URLS:
        return _again({"url": f"At most {MAX_URLS} URLs; remove one first."})
    try:
        url = notify_pipeline.check_url(request.form.get("url", ""))
    except ValueError as exc:
        return _again({"url": f"The URL {exc}."})
    Setting.set_value(notify.URLS_KEY, [*current, url])
    flash("Notification URL added. Send a test to check it.", "success")
    return htmx.redirect_to(url_for(".index"))


@blueprint.post("/urls/<int:index>/remove")
def remove_url(index: int):
    """Remove a notification URL (by its place in the list)."""
    current = notify.urls()
    if not 0 <= index < len(current):
        return _again({"url": "That URL is no longer in the list."})
    Setting.set_value(notify.URLS_KEY, current[:index] + current[index + 1:])
    flash("Notification URL removed.", "success")
    return htmx.redirect_to(url_for(".index"))


@blueprint.post("/cooldown")
def cooldown():
    """Change the cooldown between two messages about the same outage."""
    raw = request.form.get("cooldown", "").strip()
    lo, hi = notify.COOLDOWN_RANGE
    if not raw.isdigit() or not lo <= int(raw) <= hi:
        return _again({"cooldown": f"Enter a whole number of minutes from {lo} to {hi}."},
                      cooldown=raw[:20])
    Setting.set_value(notify.COOLDOWN_KEY, int(raw))
    flash(f"Cooldown set to {int(raw)} minutes.", "success")
    return htmx.redirect_to(url_for(".index"))


@blueprint.post("/test")
def test():
    """Send a test notification (as a job the page watches)."""
    try:
        job = schedule.request_test_notification()
    except schedule.ScheduleError as exc:
        return _again({"test": str(exc)})
    if htmx.is_fragment_request():
        return render_template("jobs/_job.html", **context.job_status(job))
    return htmx.redirect_to(url_for("jobs.show", job_id=job.id))
