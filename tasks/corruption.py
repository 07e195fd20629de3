"""Corruption detection, the database side: what a capture checks a frame against, the
record of every evaluation, a camera's degraded mode, its reset, and the clean-up.

The scheduler's hook (`schedule.frame_scored`) calls `record` and decides the re-capture;
this module only keeps state. The camera's recent frames live on the camera row
(`corruption_history`), so reading them costs no query per capture.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from models import Camera, CorruptionEvaluation, Event, Timelapse, db, utcnow
from pipelines.corruption import (
    ACTIONS,
    DISCARD,
    KEEP,
    Evaluation,
    FrameCheck,
    FrameStats,
    History,
)
from pipelines.files import remove_quietly
from tasks import storage
from tasks.corruption_settings import PER_CAMERA, camera_settings, global_settings, thresholds

log = logging.getLogger(__name__)

RECENT = 8  # kept frames the detectors compare against
PURGE_BATCH = 500  # quarantine files removed per tick
PRUNE_BATCH = 5000  # evaluation rows deleted per tick


@dataclass(frozen=True)
class Outcome:
    degraded: bool
    retries: int  # quick re-captures allowed for a discarded frame


def history(camera: Camera) -> History:
    data = camera.corruption_history or {}
    previous = data.get("previous")
    return History(previous=FrameStats.from_json(previous) if previous else None,
                   recent=tuple(FrameStats.from_json(s) for s in data.get("recent", [])))


def frame_check(camera: Camera) -> FrameCheck | None:
    """The check for CAMERA's next frame, or None when its detection is switched off."""
    conf = camera_settings(camera)
    if not conf["enabled"]:
        return None
    return FrameCheck(thresholds(conf), history(camera), bool(conf["heavy"]))


def _next_history(camera: Camera, evaluation: Evaluation) -> dict | None:
    """The previous frame is always the last one seen (a repeat is a repeat, kept or not);
    only frames kept without a flag teach the detectors what normal looks like."""
    data = dict(camera.corruption_history or {})
    if evaluation.stats is None:
        return data or None
    stats = evaluation.stats.as_json()
    data["previous"] = stats
    if evaluation.action == KEEP:
        data["recent"] = [stats, *data.get("recent", [])][:RECENT]
    return data


def record(tl: Timelapse, slot: dt.datetime | None, attempt: int, evaluation: Evaluation,
           image_id: int | None = None, quarantine: str = "",
           now: dt.datetime | None = None) -> Outcome | None:
    """Store EVALUATION of a frame of TL's camera; enter or leave degraded mode."""
    now = now or utcnow()
    with db.atomic():
        camera = Camera.get_or_none(Camera.id == tl.camera_id)
        if camera is None:
            return None
        conf = camera_settings(camera)
        CorruptionEvaluation.create(
            camera=camera.id, timelapse=tl.id, image=image_id, slot_at=slot, attempt=attempt,
            score=evaluation.score, action=evaluation.action,
            failed=[c.as_dict() for c in evaluation.failed], fast_ms=evaluation.fast_ms,
            heavy_ms=evaluation.heavy_ms, quarantine_path=quarantine, created_at=now)
        streak = camera.corrupt_streak + 1 if evaluation.action == DISCARD else 0
        fields = {Camera.corrupt_streak: streak,
                  Camera.corruption_history: _next_history(camera, evaluation)}
        degraded = camera.corruption_degraded_at is not None
        if not degraded:
            reason = degraded_reason(camera, streak, conf)
            if reason:
                fields.update(_enter_degraded(camera, reason, conf, now))
                degraded = True
        elif _recovered(camera, conf):
            fields.update(_leave_degraded(camera, now))
            degraded = False
        Camera.update(fields).where(Camera.id == camera.id).execute()
    if evaluation.action == DISCARD:
        Event.record("frame_discarded", f"{camera.name}: frame discarded, score "
                     f"{evaluation.score} ({evaluation.reasons()})", camera_id=camera.id,
                     timelapse_id=tl.id, score=evaluation.score, attempt=attempt)
    return Outcome(degraded=degraded, retries=0 if degraded else int(conf["retries"]))


def degraded_reason(camera: Camera, streak: int, conf: dict) -> str:
    """Why the camera's frames count as broken now ("" when they do not)."""
    if streak >= conf["degraded_after"]:
        return f"{streak} bad frames in a row"
    size = conf["degraded_window"]
    window = CorruptionEvaluation.window(camera.id, size, since=camera.corruption_reset_at)
    bad = window.count(DISCARD)
    if len(window) >= size and bad * 100 >= conf["degraded_percent"] * size:
        return f"{bad} of the last {size} frames were bad"
    return ""


def _recovered(camera: Camera, conf: dict) -> bool:
    """As many good frames in a row as bad ones made it degraded: back to normal."""
    need = conf["degraded_after"]
    window = CorruptionEvaluation.window(camera.id, need, since=camera.corruption_degraded_at)
    return len(window) >= need and all(action == KEEP for action in window)


def _enter_degraded(camera: Camera, reason: str, conf: dict, now: dt.datetime) -> dict:
    fields = {Camera.corruption_degraded_at: now, Camera.corruption_note: reason}
    message = f"{camera.name}: frames look broken ({reason}); degraded mode"
    if conf["auto_disable"] and camera.enabled:
        fields.update({Camera.enabled: False, Camera.corruption_disabled: True})
        message += ", camera switched off"
    Event.record("camera_corruption_degraded", message, camera_id=camera.id, reason=reason)
    log.warning("%s", message, extra={"camera_id": camera.id})
    return fields


def _leave_degraded(camera: Camera, now: dt.datetime) -> dict:
    Event.record("camera_corruption_recovered", f"{camera.name}: frames look good again",
                 camera_id=camera.id)
    # The bad-frame rate starts afresh, or the old window would pull it straight back.
    return {Camera.corruption_degraded_at: None, Camera.corruption_note: "",
            Camera.corruption_reset_at: now}


def reset(camera_id: int, now: dt.datetime | None = None) -> Camera:
    """A person says the camera is fine again: leave degraded mode, forget the recent
    frames (it may have moved), count the bad-frame rate from now, and switch it back on
    if the detector switched it off."""
    now = now or utcnow()
    with db.atomic():
        camera = Camera.get_by_id(camera_id)
        fields = {Camera.corrupt_streak: 0, Camera.corruption_degraded_at: None,
                  Camera.corruption_note: "", Camera.corruption_reset_at: now,
                  Camera.corruption_history: None}
        if camera.corruption_disabled:
            fields.update({Camera.enabled: True, Camera.corruption_disabled: False})
        Camera.update(fields).where(Camera.id == camera_id).execute()
    Event.record("camera_corruption_reset", f"{camera.name}: corruption state reset",
                 camera_id=camera_id)
    return Camera.get_by_id(camera_id)


def summary(camera: Camera, now: dt.datetime | None = None) -> dict:
    """The camera's corruption state and recent statistics (the page and the API show it)."""
    now = now or utcnow()
    conf = camera_settings(camera)
    size = conf["degraded_window"]
    window = CorruptionEvaluation.window(camera.id, size, since=camera.corruption_reset_at)
    day = {action: {"count": 0, "mean_score": None, "mean_ms": None} for action in ACTIONS}
    for row in CorruptionEvaluation.counts(camera.id, now - dt.timedelta(hours=24)):
        day[row.action] = {"count": row.n, "mean_score": round(row.mean_score, 1),
                           "mean_ms": round(row.mean_ms, 2)}
    evaluated = sum(v["count"] for v in day.values())
    return {
        "enabled": bool(conf["enabled"]),
        "heavy": bool(conf["heavy"]),
        "custom_settings": camera.corruption is not None,
        "degraded": camera.corruption_degraded_at is not None,
        "degraded_at": camera.corruption_degraded_at,
        "note": camera.corruption_note,
        "streak": camera.corrupt_streak,
        "switched_off": camera.corruption_disabled,
        "window": {"size": size, "evaluated": len(window), "bad": window.count(DISCARD),
                   "bad_percent": round(100.0 * window.count(DISCARD) / len(window), 1)
                   if window else None},
        "last_24h": {"evaluated": evaluated, **day},
        "settings": {name: conf[name] for name in PER_CAMERA},
    }


def purge(now: dt.datetime) -> int:
    """Discarded frames leave the quarantine after `quarantine_hours`; evaluation rows go
    after `keep_days`. Bounded batches: a backlog is worked off over several ticks."""
    conf = global_settings()
    expired = list(CorruptionEvaluation.expired_quarantine(
        now - dt.timedelta(hours=conf["quarantine_hours"]), PURGE_BATCH))
    remove_quietly(*(storage.media_path(row.quarantine_path) for row in expired))
    if expired:
        (CorruptionEvaluation.update(quarantine_path="")
         .where(CorruptionEvaluation.id.in_([row.id for row in expired])).execute())
    cutoff = now - dt.timedelta(days=conf["keep_days"])
    old = list(CorruptionEvaluation.select(CorruptionEvaluation.id,
                                           CorruptionEvaluation.quarantine_path)
               .where(CorruptionEvaluation.created_at < cutoff)
               .order_by(CorruptionEvaluation.id).limit(PRUNE_BATCH))
    # Deleting a row deletes its file, even one the quarantine would still have kept.
    remove_quietly(*(storage.media_path(r.quarantine_path) for r in old if r.quarantine_path))
    if old:
        CorruptionEvaluation.delete().where(
            CorruptionEvaluation.id.in_([r.id for r in old])).execute()
    return len(expired) + len(old)
