"""Health: GET /health (JSON for monitors, 200 or 503) and the health page a person reads.

Both show tasks.health.snapshot(): database, queues, the consumer's heartbeat, disk with
its forecast, ffmpeg, each running timelapse's last frame against its grid (a timelapse
that should have captured and did not makes the answer 503), cameras and the weather.
"""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, jsonify
from flask_login import current_user

from models import utcnow
from tasks import health as checks
from webapp import htmx

blueprint = Blueprint("health", __name__)

PRIVATE = ("name", "camera", "path", "error")  # not for anonymous monitors


def jsonable(value, public: bool = False):
    """Datetimes as ISO 8601 UTC; names and paths left out for anonymous callers."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, dict):
        return {k: jsonable(v, public) for k, v in value.items()
                if not (public and k in PRIVATE)}
    if isinstance(value, list | tuple):
        return [jsonable(v, public) for v in value]
    return value


@blueprint.route("/health")
def health():
    """Report every check as JSON; 503 when something needs a person."""
    snap = checks.snapshot(utcnow())
    body = {"status": "ok" if snap["ok"] else "unhealthy", **snap["checks"], **snap["warnings"]}
    public = not current_user.is_authenticated
    return jsonify(jsonable(body, public)), 200 if snap["ok"] else 503


def page_context() -> dict:
    now = utcnow()
    return {"snap": checks.snapshot(now), "now": now}


@blueprint.route("/status")
def page():
    """Show the health of the whole system."""
    return htmx.render("health/page.html", "health/_checks.html", **page_context())
