"""Capture timing for one camera, so a person can trust the schedule: each frame's grid slot
against its real grab start (lateness), grab durations, and the slots that were expected
but never filled (missed), grouped into gaps with the reason the scheduler recorded.
"""
from __future__ import annotations

import datetime as dt

import settings
from models import Camera, Event, Image, Timelapse
from tasks import schedule, windows

SPANS = {"1h": dt.timedelta(hours=1), "6h": dt.timedelta(hours=6),
         "24h": dt.timedelta(hours=24)}
LATE_BUCKETS = (0.25, 0.5, 1, 2, 5, 10)  # seconds, upper bounds; the last bucket is "more"
MAX_GAPS = 50
RUN_STATES = {"timelapse_started": True, "timelapse_resumed": True,
              "timelapse_paused": False, "timelapse_completed": False}


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def summary(values: list[float]) -> dict:
    return {"p50": percentile(values, 0.5), "p95": percentile(values, 0.95),
            "max": max(values) if values else None, "count": len(values)}


def histogram(values: list[float]) -> list[tuple[str, int]]:
    counts = [0] * (len(LATE_BUCKETS) + 1)
    for value in values:
        counts[next((i for i, b in enumerate(LATE_BUCKETS) if value <= b), len(LATE_BUCKETS))] += 1
    labels = [f"≤{b:g} s" for b in LATE_BUCKETS] + [f">{LATE_BUCKETS[-1]:g} s"]
    return list(zip(labels, counts, strict=True))


def _running(tl: Timelapse, events: list[Event], since: dt.datetime):
    """A function slot -> was the timelapse running then, from its state-change events."""
    changes = [(e.created_at, RUN_STATES[e.kind]) for e in events if e.kind in RUN_STATES]
    if changes:
        initial = not changes[0][1]
    else:
        initial = tl.status == "running" or (tl.completed_at is not None
                                             and tl.completed_at > since)

    def running(slot: dt.datetime) -> bool:
        state = initial
        for at, value in changes:
            if at > slot:
                break
            state = value
        if tl.completed_at and slot >= tl.completed_at:
            return False
        return state
    return running


def _missed(tl: Timelapse, filled: set, events: list[Event], since: dt.datetime,
            until: dt.datetime) -> list[tuple[dt.datetime, str]]:
    if tl.anchor_at is None:
        return []
    start = max(since, tl.anchor_at)
    expected = windows.slots_in(schedule.window_spec(tl), tl.anchor_at, tl.interval_seconds,
                                start, until)
    reasons = {}
    for e in events:
        if e.kind in ("capture_skipped", "capture_failed") and (e.data or {}).get("slot"):
            reasons[e.data["slot"]] = e.data.get("reason") or e.message
    running = _running(tl, events, since)
    return [(slot, reasons.get(slot.isoformat(), "not attempted (was the worker running?)"))
            for slot in expected if slot not in filled and running(slot)]


def gaps(missed: list[tuple[dt.datetime, str]], interval: int) -> list[dict]:
    """Runs of consecutive missed slots, newest first."""
    runs: list[dict] = []
    step = dt.timedelta(seconds=interval)
    for slot, reason in missed:
        last = runs[-1] if runs else None
        if last and slot - last["end"] <= step * 1.001:
            last["end"], last["count"] = slot, last["count"] + 1
        else:
            runs.append({"start": slot, "end": slot, "count": 1, "reason": reason})
    return runs[::-1][:MAX_GAPS]


def camera_timing(camera: Camera, now: dt.datetime, span: dt.timedelta) -> dict:
    since = now - span
    tls = list(camera.timelapses.where(
        (Timelapse.completed_at.is_null()) | (Timelapse.completed_at >= since)))
    ids = [tl.id for tl in tls]
    frames = list(Image.select(Image.timelapse, Image.slot_at, Image.captured_at, Image.grab_ms)
                  .where(Image.timelapse.in_(ids), Image.slot_at >= since)
                  .order_by(Image.slot_at)) if ids else []
    events = list(Event.select().where(Event.timelapse_id.in_(ids), Event.created_at >= since)
                  .order_by(Event.id)) if ids else []
    lateness = [(f.captured_at - f.slot_at).total_seconds() for f in frames]
    missed, all_gaps = 0, []
    grace = dt.timedelta(seconds=settings.current.capture_timeout + 5)
    for tl in tls:
        filled = {f.slot_at for f in frames if f.timelapse_id == tl.id}
        until = now - schedule.late_limit(tl.interval_seconds) - grace
        tl_missed = _missed(tl, filled, [e for e in events if e.timelapse_id == tl.id],
                            since, until)
        missed += len(tl_missed)
        all_gaps += [{**g, "timelapse": tl} for g in gaps(tl_missed, tl.interval_seconds)]
    all_gaps.sort(key=lambda g: g["end"], reverse=True)
    return {"frames": len(frames), "missed": missed, "lateness": summary(lateness),
            "grab": summary([f.grab_ms for f in frames]), "histogram": histogram(lateness),
            "gaps": all_gaps[:MAX_GAPS], "timelapses": tls,
            "series": [(f.captured_at, late, f.grab_ms)
                       for f, late in zip(frames, lateness, strict=True)]}
