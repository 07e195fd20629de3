"""What "healthy" means, measured: database, queues, the consumer's heartbeat, cameras,
running timelapses (did each capture when its grid said it should?), disk with a forecast,
ffmpeg and the weather provider.

Pure reads. GET /health, the health page, /metrics and the scheduler's watch all ask here;
only tasks/schedule.py acts on the answers (events, notifications).
"""
from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable

from huey import Huey
from peewee import fn

import settings
from models import Camera, Event, Image, Job, Setting, Timelapse, db
from pipelines.process import ProcessError, ffmpeg_path
from tasks import queue as queues
from tasks import windows

HEARTBEAT_KEY = "consumer_heartbeat"  # written by every tick
TICK_EVERY = dt.timedelta(seconds=60)
HEARTBEAT_LIMIT = 120  # seconds without a tick before the consumer counts as stopped
FORECAST_WINDOW = dt.timedelta(hours=24)  # the capture rate behind "full in ~N days"
MIN_FORECAST_SPAN = dt.timedelta(minutes=10)
DISK_WARN_DAYS = 3  # "disk low" warns this long before the disk is forecast to be full
QUEUE_PEEK = 1000  # queued messages read to find the oldest waiting one

# Other areas add their own checks here (e.g. the weather provider): name -> check(now).
EXTRA_CHECKS: dict[str, Callable[[dt.datetime], dict]] = {}


def stall_after(interval: int) -> dt.timedelta:
    """How long past its due slot a missing frame may be before the timelapse is stalled:
    two intervals (one failed grab is not an outage), at least five minutes."""
    return dt.timedelta(seconds=max(2 * interval, 300))


def database() -> dict:
    try:
        db.execute_sql("SELECT 1")
        return {"ok": True}
    except Exception as exc:  # a health check reports, it does not raise
        return {"ok": False, "error": str(exc)}


def consumer(now: dt.datetime) -> dict:
    raw = Setting.get_value(HEARTBEAT_KEY)
    beat = dt.datetime.fromisoformat(raw) if raw else None
    age = None if beat is None else (now - beat).total_seconds()
    return {"ok": age is not None and age <= HEARTBEAT_LIMIT, "heartbeat_at": beat,
            "heartbeat_age_seconds": None if age is None else round(age, 1),
            "next_tick_at": beat + TICK_EVERY if beat else None}


def huey_instances() -> list[Huey]:
    """Every queue tasks/queue.py defines (captures, and e.g. a render queue)."""
    found = {id(v): v for v in vars(queues).values() if isinstance(v, Huey)}
    return list(found.values())


def _eta(message) -> dt.datetime | None:
    eta = getattr(message, "eta", None)
    if eta is None:
        return None
    return eta if eta.tzinfo else eta.replace(tzinfo=dt.UTC)  # huey(utc=True): naive UTC


def _messages(instance: Huey, raw_items: list) -> list:
    # The serializer alone: the registry would refuse tasks this process never imported.
    out = []
    for raw in raw_items:
        try:
            out.append(instance.serializer.deserialize(raw))
        except Exception:  # an unreadable message is skipped, not fatal to a health check
            continue
    return out


def queue_stats(instance: Huey, now: dt.datetime) -> dict:
    """Depth, the oldest overdue task, and what is due within the next minute, by task."""
    pending = _messages(instance, instance.storage.enqueued_items(QUEUE_PEEK))
    scheduled = _messages(instance, instance.storage.scheduled_items(QUEUE_PEEK))
    waiting = [now - eta for eta in map(_eta, pending + scheduled) if eta and eta <= now]
    due: dict[str, int] = {}
    for message in scheduled:
        eta = _eta(message)
        if eta and eta <= now + TICK_EVERY:
            name = message.name.rsplit(".", 1)[-1]
            due[name] = due.get(name, 0) + 1
    return {"name": instance.name, "pending": instance.pending_count(),
            "scheduled": instance.scheduled_count(), "due_next_minute": due,
            "oldest_wait_seconds": round(max(waiting).total_seconds(), 1) if waiting else 0.0}


def queue(now: dt.datetime) -> dict:
    try:
        stats = [queue_stats(instance, now) for instance in huey_instances()]
    except Exception as exc:
        return {"ok": False, "error": str(exc), "queues": []}
    oldest_job = Job.select(fn.MIN(Job.created_at)).where(Job.status == "queued").scalar()
    job_wait = (now - oldest_job).total_seconds() if oldest_job else 0.0
    oldest = max([s["oldest_wait_seconds"] for s in stats] + [job_wait])
    return {"ok": True, "pending": sum(s["pending"] for s in stats),
            "scheduled": sum(s["scheduled"] for s in stats),
            "oldest_wait_seconds": round(oldest, 1), "queues": stats}


def cameras() -> list[dict]:
    return [{"id": c.id, "name": c.name, "status": c.status, "enabled": c.enabled,
             "failures": c.failures, "last_success_at": c.last_success_at,
             "ok": not c.enabled or c.status != "offline"} for c in Camera.ordered()]


def resumed_at(tl_ids: list[int]) -> dict[int, dt.datetime]:
    """When each timelapse last (re)started: slots missed while it was paused are not due."""
    if not tl_ids:
        return {}
    query = (Event.select(Event.timelapse_id, fn.MAX(Event.created_at).alias("at"))
             .where(Event.timelapse_id.in_(tl_ids),
                    Event.kind.in_(("timelapse_started", "timelapse_resumed")))
             .group_by(Event.timelapse_id))
    field = Event.created_at
    return {row.timelapse_id: field.python_value(row.at) for row in query}


def missed_since(tl: Timelapse, resumed: dt.datetime | None = None) -> dt.datetime | None:
    """The first grid slot after the last frame, the (re)start or a re-anchored grid:
    the frame that is due now."""
    from tasks import schedule  # schedule asks health too; imported late to avoid a cycle

    starts = [t for t in (tl.anchor_at, resumed) if t]
    if tl.last_frame_at:
        starts.append(tl.last_frame_at + dt.timedelta(seconds=1))
    if not starts or tl.anchor_at is None:
        return None
    return windows.next_slot(schedule.window_spec(tl), tl.anchor_at, tl.interval_seconds,
                             max(starts))


def timelapse_state(tl: Timelapse, now: dt.datetime, resumed: dt.datetime | None = None) -> dict:
    due = missed_since(tl, resumed)
    stalled = (tl.camera.enabled and due is not None
               and now - due > stall_after(tl.interval_seconds))
    return {"id": tl.id, "name": tl.name, "camera_id": tl.camera_id,
            "camera": tl.camera.name, "interval_seconds": tl.interval_seconds,
            "last_frame_at": tl.last_frame_at, "due_since": due,
            "late_seconds": round((now - due).total_seconds()) if due and due < now else 0,
            "stalled": bool(stalled), "ok": not stalled}


def timelapses(now: dt.datetime) -> list[dict]:
    rows = list(Timelapse.running().order_by(Timelapse.id))
    resumed = resumed_at([tl.id for tl in rows])
    return [timelapse_state(tl, now, resumed.get(tl.id)) for tl in rows]


def timelapses_due(now: dt.datetime) -> list[dict]:
    """Per running timelapse, the grid slots falling in the next minute (what the tick
    hands, or has handed, to the queue)."""
    from tasks import schedule

    due = []
    for tl in Timelapse.running().order_by(Timelapse.id):
        if tl.anchor_at is None:
            continue
        slots = windows.slots_in(schedule.window_spec(tl), tl.anchor_at, tl.interval_seconds,
                                 now, now + TICK_EVERY)
        if slots:
            due.append({"id": tl.id, "name": tl.name, "camera": tl.camera.name,
                        "count": len(slots), "next_at": slots[0]})
    return due


def capture_rate(now: dt.datetime) -> float | None:
    """Bytes of frames per day over the last day, from the real frame sizes; None when
    there is too little history to say."""
    since = now - FORECAST_WINDOW
    total, first = (Image.select(fn.SUM(Image.bytes), fn.MIN(Image.captured_at))
                    .where(Image.captured_at >= since).scalar(as_tuple=True))
    if not total or first is None:
        return None
    span = now - first
    if span < MIN_FORECAST_SPAN:
        return None
    return total / span.total_seconds() * 86400


def disk(now: dt.datetime) -> dict:
    conf = settings.current
    path = conf.media_dir if conf.media_dir.exists() else conf.data_dir
    usage = shutil.disk_usage(path)
    rate = capture_rate(now)
    days_left = usage.free / rate if rate else None
    mb = 1024 * 1024
    return {"ok": usage.free // mb >= conf.disk_min_free_mb, "free_bytes": usage.free,
            "total_bytes": usage.total, "free_mb": usage.free // mb,
            "total_mb": usage.total // mb, "min_free_mb": conf.disk_min_free_mb,
            "bytes_per_day": round(rate) if rate else None,
            "days_left": round(days_left, 1) if days_left is not None else None,
            "low": usage.free // mb < conf.disk_min_free_mb
            or (days_left is not None and days_left < DISK_WARN_DAYS)}


def ffmpeg() -> dict:
    try:
        return {"ok": True, "path": ffmpeg_path()}
    except ProcessError as exc:
        return {"ok": False, "error": str(exc)}


def extra(now: dt.datetime) -> dict:
    checks = {"weather": {"ok": True, "state": "not configured"}}
    for name, check in EXTRA_CHECKS.items():
        try:
            checks[name] = check(now)
        except Exception as exc:
            checks[name] = {"ok": False, "error": str(exc)}
    return checks


def snapshot(now: dt.datetime) -> dict:
    """Every check. `ok` is false when something a person must act on is wrong: the
    database, queue, consumer, disk or ffmpeg, or a running timelapse that stalled.
    Cameras and extras are shown but only warn (a stalled timelapse already tells)."""
    tls = timelapses(now)
    checks = {"database": database(), "queue": queue(now), "consumer": consumer(now),
              "disk": disk(now), "ffmpeg": ffmpeg(),
              "timelapses": {"ok": all(t["ok"] for t in tls), "items": tls}}
    cams = cameras()
    warnings = {"cameras": {"ok": all(c["ok"] for c in cams), "items": cams}, **extra(now)}
    ok = all(check["ok"] for check in checks.values())
    return {"ok": ok, "checks": checks, "warnings": warnings}
