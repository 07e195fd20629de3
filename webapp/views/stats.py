"""Statistics (summary, per camera, per timelapse) with server-rendered SVG charts, and the
capture timing view per camera."""
from __future__ import annotations

from flask import Blueprint, abort, request

from models import Camera, Timelapse, utcnow
from webapp import charts, htmx, statistics, timing
from webapp.views import context

blueprint = Blueprint("stats", __name__)

CHART_POINTS = 300  # a chart needs no more points than it has pixels to spare


def _mb(value: float) -> str:
    return f"{value / 1e6:.1f} MB" if value < 1e9 else f"{value / 1e9:.2f} GB"


def day_charts(stats: dict) -> dict:
    days = stats["days"]
    label = [d["day"].strftime("%d %b") for d in days]
    corruption = [(f"day {c['day']}", c["score"]) for c in stats.get("corruption", [])]
    return {
        "frames_chart": charts.bars("Frames per day", [(lb, d["frames"]) for lb, d in
                                                        zip(label, days, strict=True)]),
        "disk_chart": charts.line("Disk used by frames", [(lb, d["cumulative_bytes"]) for lb, d
                                                          in zip(label, days, strict=True)],
                                  fmt=_mb),
        "corruption_chart": charts.line("Average corruption score per day", corruption,
                                        fmt=lambda v: f"{v:.2f}") if corruption else None,
    }


@blueprint.route("/stats")
def index():
    """Show the statistics summary over all cameras."""
    stats = statistics.summary(utcnow())
    return htmx.render("stats/index.html", "stats/index.html", stats=stats, **day_charts(stats))


@blueprint.route("/cameras/<int:camera_id>/stats")
def camera(camera_id: int):
    """Show one camera's statistics."""
    cam = context.or_404(Camera, camera_id)
    stats = statistics.camera_stats(cam, utcnow())
    return htmx.render("stats/camera.html", "stats/camera.html", camera=cam, stats=stats,
                       **day_charts(stats))


@blueprint.route("/timelapses/<int:tl_id>/stats")
def timelapse(tl_id: int):
    """Show one timelapse's statistics."""
    tl = context.or_404(Timelapse, tl_id, Timelapse.ordered())
    stats = statistics.timelapse_stats(tl, utcnow())
    return htmx.render("stats/timelapse.html", "stats/timelapse.html", tl=tl, stats=stats,
                       **day_charts(stats))


def _thin(series: list, n: int = CHART_POINTS) -> list:
    step = max(1, -(-len(series) // n))
    return series[::step]


@blueprint.route("/cameras/<int:camera_id>/timing")
def timing_view(camera_id: int):
    """Show scheduled against actual grab times, lateness, grab time and missed slots."""
    cam = context.or_404(Camera, camera_id)
    span = request.args.get("span", "1h")
    if span not in timing.SPANS:
        abort(400, description="'span' must be one of " + ", ".join(timing.SPANS) + ".")
    data = timing.camera_timing(cam, utcnow(), timing.SPANS[span])
    points = _thin(data["series"])
    label = [htmx.local_time(at, "%H:%M:%S") for at, _, _ in points]
    late_chart = charts.line("Lateness of each grab behind its slot (s)",
                             [(lb, late) for lb, (_, late, _) in zip(label, points, strict=True)],
                             fmt=lambda v: f"{v:.1f}")
    grab_chart = charts.line("Grab duration (ms)",
                             [(lb, ms) for lb, (_, _, ms) in zip(label, points, strict=True)])
    hist_chart = charts.bars("Lateness distribution (frames)", data["histogram"])
    return htmx.render("stats/timing.html", "stats/_timing.html", camera=cam, data=data,
                       span=span, spans=list(timing.SPANS), late_chart=late_chart,
                       grab_chart=grab_chart, hist_chart=hist_chart)
