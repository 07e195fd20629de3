"""GET /events: the live event stream (server-sent events) for the pages.

Each message is `id: <event id>`, `event: <group>` (job, frame, capture, camera, timelapse,
disk, ...) and `data: <json>`. A client that reconnects sends Last-Event-ID (or
?last_event_id=) and gets everything after it, once; a new client starts with what
happens next. Pages subscribe through htmx's SSE extension (`hx-trigger="sse:job"`).
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, request
from werkzeug.wsgi import ClosingIterator

from webapp.stream import EventFeed, StreamLimit, stream

blueprint = Blueprint("events", __name__)

DEFAULTS = {"EVENTS_POLL": 0.5, "EVENTS_HEARTBEAT": 15.0, "EVENTS_MAX_AGE": 300.0,
            "EVENTS_MAX_STREAMS": 24}


@blueprint.record
def _setup(state) -> None:
    # One feed per app (tests build many apps, each on its own database).
    app = state.app
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    app.extensions["event_feed"] = EventFeed(poll=app.config["EVENTS_POLL"])
    app.extensions["event_streams"] = StreamLimit(app.config["EVENTS_MAX_STREAMS"])


def _cursor(feed: EventFeed) -> int:
    raw = (request.headers.get("Last-Event-ID") or request.args.get("last_event_id") or "").strip()
    latest = feed.latest_id()
    if not raw:
        return latest
    if not raw.isdigit():
        abort(400, description="Last-Event-ID must be an event number.")
    return min(int(raw), latest)  # a cursor from before a database reset starts afresh


@blueprint.route("/events")
def events():
    """Stream events as they happen."""
    feed: EventFeed = current_app.extensions["event_feed"]
    limit: StreamLimit = current_app.extensions["event_streams"]
    cursor = _cursor(feed)
    if not limit.acquire():
        # Every stream holds a server thread: past the limit the page keeps its polling.
        return Response("Too many open live streams; retry later.\n", status=503,
                        headers={"Retry-After": "30"}, mimetype="text/plain")
    conf = current_app.config
    # ClosingIterator: the slot is freed even when the client leaves before the first byte.
    body = ClosingIterator(stream(feed, cursor, conf["EVENTS_HEARTBEAT"], conf["EVENTS_MAX_AGE"]),
                           [limit.release])
    return Response(body, mimetype="text/event-stream",
                    headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
