"""Everything that knows about HX-* headers sits here."""
from __future__ import annotations

import datetime as dt

from flask import Response, redirect, render_template, request

import settings


def is_fragment_request() -> bool:
    """An htmx swap wants the fragment; a history restore wants the whole page."""
    return (request.headers.get("HX-Request") == "true"
            and request.headers.get("HX-History-Restore-Request") != "true")


def render(page: str, fragment: str, **context) -> str:
    """The same endpoint serves the page or, for htmx, just its fragment."""
    return render_template(fragment if is_fragment_request() else page, **context)


def redirect_to(url: str) -> Response:
    """A redirect that also works for htmx (a 302 would be followed inside the XHR)."""
    if request.headers.get("HX-Request") == "true":
        response = Response(status=200)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url)


def trigger_after_settle(body: str, event: str) -> Response:
    """BODY as a response that makes htmx fire EVENT (on the body) once it has settled."""
    response = Response(body)
    response.headers["HX-Trigger-After-Settle"] = event
    return response


def vary_on_htmx(response: Response) -> Response:
    response.vary.add("HX-Request")
    return response


def local_time(value: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M:%S") -> str:
    """UTC from the database, shown in the configured time zone."""
    if value is None:
        return "—"
    return value.astimezone(settings.current.tz).strftime(fmt)


def seconds_until(value: dt.datetime | None) -> int | None:
    if value is None:
        return None
    return max(0, round((value - dt.datetime.now(dt.UTC)).total_seconds()))


def human_bytes(n: int | None) -> str:
    n = float(n or 0)
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TB"


def interval_text(seconds: int) -> str:
    if seconds % 3600 == 0:
        return f"{seconds // 3600} h"
    if seconds % 60 == 0:
        return f"{seconds // 60} min"
    return f"{seconds} s"


FILTERS = {"local_time": local_time, "seconds_until": seconds_until,
           "human_bytes": human_bytes, "interval_text": interval_text}
