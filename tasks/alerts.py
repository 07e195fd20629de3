"""What is worth telling a person, decided from facts: which health conditions are open
now (a stalled timelapse, a low disk), and which events make a notification.

It decides nothing about *when*: tasks/schedule.py's watch asks these questions once per
tick, records an event when a condition opens or clears, and applies the cooldown.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

from models import Event
from tasks import health

NOTIFY_KINDS = ("camera_offline", "timelapse_stalled", "disk_low", "job_done", "job_failed")


@dataclasses.dataclass(frozen=True)
class Condition:
    key: str  # names the outage: one open condition = one event, one notification
    kind: str  # the event recorded when it opens
    message: str
    camera_id: int | None = None
    timelapse_id: int | None = None


def _when(value: dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "never"


def open_conditions(now: dt.datetime) -> dict[str, Condition]:
    """Conditions true now, by key."""
    found = {}
    for tl in health.timelapses(now):
        if tl["stalled"]:
            key = f"timelapse_stalled:{tl['id']}"
            found[key] = Condition(
                key, "timelapse_stalled",
                f"{tl['name']} has stalled: a frame was due at {_when(tl['due_since'])}, the "
                f"last one came {_when(tl['last_frame_at'])}", tl["camera_id"], tl["id"])
    disk = health.disk(now)
    if disk["low"]:
        forecast = (f", full in ~{disk['days_left']:.0f} days at the current rate"
                    if disk["days_left"] is not None else "")
        found["disk_low"] = Condition(
            "disk_low", "disk_low", f"Disk space is low: {disk['free_mb']} MB free{forecast}")
    return found


CLEARED = {"timelapse_stalled": "timelapse_recovered", "disk_low": "disk_ok"}


def cleared_message(key: str) -> tuple[str, str, int | None]:
    """(event kind, message, timelapse id) for a condition that is no longer true."""
    kind, _, ident = key.partition(":")
    if kind == "timelapse_stalled":
        return CLEARED[kind], "The timelapse is no longer stalled", int(ident)
    return CLEARED.get(kind, f"{kind}_cleared"), "Disk space is sufficient again", None


def notification_for(event: Event) -> tuple[str, str, str] | None:
    """(cooldown key, title, body) for an event a person should hear about, else None.
    Renders tell when they finish or fail; outages once, under a key per thing."""
    data = event.data or {}
    if event.kind == "camera_offline":
        key = f"camera_offline:{event.camera_id}"
        return key, "Camera offline", event.message
    if event.kind == "timelapse_stalled":
        return f"timelapse_stalled:{event.timelapse_id}", "Timelapse stalled", event.message
    if event.kind == "disk_low":
        return "disk_low", "Disk space low", event.message
    if event.kind in ("job_done", "job_failed") and \
            str(data.get("job_kind", "")).startswith("render"):
        verb = "finished" if event.kind == "job_done" else "failed"
        return f"job:{data.get('job_id')}", f"Render {verb}", event.message
    return None
