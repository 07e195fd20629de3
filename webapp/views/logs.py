"""Logs: the application's log lines (web and worker) from the database, filtered by level,
camera, source and text, paged by key; and the retention setting the scheduler enforces."""
from __future__ import annotations

import logging

from flask import Blueprint, abort, flash, render_template, request, url_for

from models import Camera, LogEntry, Setting
from tasks import logbook, schedule
from webapp import htmx
from webapp.views import context

blueprint = Blueprint("logs", __name__)

LOGS_PAGE = 100
LEVELS = {"": 0, "info": logging.INFO, "warning": logging.WARNING, "error": logging.ERROR}
SOURCES = ("", "web", "worker")
RETENTION_RANGE = (1, 365)


@blueprint.app_template_filter("level_name")
def level_name(level: int) -> str:
    return logging.getLevelName(level).lower()


def _filters() -> dict:
    args = request.args
    level, source = args.get("level", "").strip(), args.get("source", "").strip()
    if level not in LEVELS:
        abort(400, description="'level' must be one of info, warning, error.")
    if source not in SOURCES:
        abort(400, description="'source' must be web or worker.")
    text = args.get("q", "").strip()
    if len(text) > 200:
        abort(400, description="The search text is too long (200 characters at most).")
    return {"level": level, "source": source, "camera": context.query_id("camera"),
            "q": text, "before": context.query_id("before")}


def log_page(f: dict) -> dict:
    """logs/_list.html: one page, newest first; `older` keys the next page."""
    rows = list(LogEntry.page(f["before"], LEVELS[f["level"]], f["source"], f["camera"],
                              f["q"], LOGS_PAGE + 1))
    older = rows[LOGS_PAGE - 1].id if len(rows) > LOGS_PAGE else None
    query = {k: v for k, v in f.items() if v not in ("", None) and k != "before"}
    return {"entries": rows[:LOGS_PAGE], "f": f, "older": older, "query": query,
            "live": f["before"] is None}


@blueprint.route("/logs")
def index():
    """Show the log, newest first, filtered."""
    logbook.flush()  # this process's own latest lines too
    filters = _filters()
    return htmx.render("logs/index.html", "logs/_list.html", **log_page(filters),
                       cameras=list(Camera.ordered()), levels=list(LEVELS)[1:])


def retention_days() -> int:
    return Setting.get_value(schedule.LOG_RETENTION_KEY, schedule.DEFAULT_LOG_DAYS)


@blueprint.route("/settings/logs", methods=["GET", "POST"])
def settings():
    """Show or change how long log lines are kept."""
    error = ""
    value = str(retention_days())
    if request.method == "POST":
        value = request.form.get("retention_days", "").strip()
        lo, hi = RETENTION_RANGE
        if not value.isdigit() or not lo <= int(value) <= hi:
            error = f"Enter a whole number of days from {lo} to {hi}."
        else:
            Setting.set_value(schedule.LOG_RETENTION_KEY, int(value))
            flash(f"Log lines are now kept for {int(value)} days.", "success")
            return htmx.redirect_to(url_for(".settings"))
    return render_template("logs/settings.html", value=value, error=error), 400 if error else 200
