"""GET /metrics: Prometheus text format, for people who already run Grafana.

The numbers are read from the database at scrape time (a collector, not counters in this
process), so every gunicorn worker answers the same. Authenticate with an API token
(`authorization: {credentials: <token>}` in the scrape config) or a logged-in session.
"""
from __future__ import annotations

from flask import Blueprint, Response, request
from flask_login import current_user
from peewee import fn
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily

from models import Image, Job, Timelapse, utcnow
from tasks import health as checks
from webapp import auth

blueprint = Blueprint("metrics", __name__)

CAMERA_STATES = ("unknown", "online", "degraded", "offline")


def _ts(value) -> float:
    return value.timestamp() if value else 0.0


def _gauge(name: str, doc: str, labels: tuple[str, ...] = ()) -> GaugeMetricFamily:
    return GaugeMetricFamily(f"timelapser_{name}", doc, labels=list(labels))


class SnapshotCollector:
    """Turns one health snapshot plus a few counts into metric families."""

    def collect(self):
        now = utcnow()
        snap = checks.snapshot(now)
        c, w = snap["checks"], snap["warnings"]
        yield from self._system(snap, c)
        yield from self._queues(c["queue"])
        yield from self._cameras(w["cameras"]["items"])
        yield from self._timelapses(c["timelapses"]["items"])
        jobs = _gauge("jobs", "Jobs by status", ("status",))
        by_status = Job.select(Job.status, fn.COUNT(Job.id)).group_by(Job.status).tuples()
        for status, count in by_status:
            jobs.add_metric([status], count)
        yield jobs

    def _system(self, snap: dict, c: dict):
        up = _gauge("healthy", "1 when /health answers 200")
        up.add_metric([], 1.0 if snap["ok"] else 0.0)
        beat = _gauge("consumer_heartbeat_age_seconds", "Seconds since the scheduler's last tick")
        age = c["consumer"]["heartbeat_age_seconds"]
        beat.add_metric([], float("inf") if age is None else age)
        disk_free = _gauge("disk_free_bytes", "Free bytes on the media disk")
        disk_free.add_metric([], c["disk"]["free_bytes"])
        rate = _gauge("capture_bytes_per_day", "Frame bytes written per day (last 24 h)")
        rate.add_metric([], c["disk"]["bytes_per_day"] or 0)
        stored = _gauge("frames_bytes", "Bytes of all stored frames")
        stored.add_metric([], Image.select(fn.COALESCE(fn.SUM(Image.bytes), 0)).scalar())
        yield from (up, beat, disk_free, rate, stored)

    def _queues(self, queue: dict):
        pending = _gauge("queue_pending", "Tasks ready to run", ("queue",))
        scheduled = _gauge("queue_scheduled", "Tasks waiting for their time", ("queue",))
        oldest = _gauge("queue_oldest_wait_seconds", "How long the most overdue task waits",
                        ("queue",))
        for q in queue.get("queues", []):
            pending.add_metric([q["name"]], q["pending"])
            scheduled.add_metric([q["name"]], q["scheduled"])
            oldest.add_metric([q["name"]], q["oldest_wait_seconds"])
        yield from (pending, scheduled, oldest)

    def _cameras(self, cameras: list[dict]):
        state = _gauge("camera_state", "1 for the camera's current state", ("camera", "state"))
        failures = _gauge("camera_failures", "Consecutive failed grabs", ("camera",))
        success = _gauge("camera_last_success_timestamp_seconds", "Last good grab", ("camera",))
        for cam in cameras:
            label = str(cam["id"])
            for s in CAMERA_STATES:
                state.add_metric([label, s], 1.0 if cam["status"] == s else 0.0)
            failures.add_metric([label], cam["failures"])
            success.add_metric([label], _ts(cam["last_success_at"]))
        yield from (state, failures, success)

    def _timelapses(self, items: list[dict]):
        frames = _gauge("timelapse_frames", "Frames taken", ("timelapse",))
        last = _gauge("timelapse_last_frame_timestamp_seconds", "Last frame", ("timelapse",))
        stalled = _gauge("timelapse_stalled", "1 when a due frame is missing", ("timelapse",))
        counts = dict(Timelapse.select(Timelapse.id, Timelapse.frame_count).where(
            Timelapse.id.in_([t["id"] for t in items])).tuples()) if items else {}
        for tl in items:
            label = str(tl["id"])
            frames.add_metric([label], counts.get(tl["id"], 0))
            last.add_metric([label], _ts(tl["last_frame_at"]))
            stalled.add_metric([label], 1.0 if tl["stalled"] else 0.0)
        yield from (frames, last, stalled)


def _allowed() -> bool:
    return current_user.is_authenticated or \
        auth.token_from_header(request.headers.get("Authorization")) is not None


@blueprint.route("/metrics")
def metrics():
    """Prometheus metrics."""
    if not _allowed():
        return Response("Send 'Authorization: Bearer <API token>'.\n", status=401,
                        mimetype="text/plain")
    registry = CollectorRegistry(auto_describe=False)
    registry.register(SnapshotCollector())
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)
