"""THE clock. Every decision about *when* something happens is made here and nowhere else.

- `tick()` runs every minute (under a lock, so two consumers never plan twice) and hands
  each running timelapse's grid slots for the coming minute to the queue with exact etas.
- Gate functions (`start_timelapse`, `pause_timelapse`, `request_camera_test`, ...) are how
  people's requests become work: they check preconditions, write rows, enqueue, return.
- Event hooks (`frame_captured`, `capture_failed`) decide what follows a capture.

Due times live on rows (`Timelapse.next_capture_at`, `planned_until`, `Camera.retry_at`),
so a restart loses nothing, and slots missed while nothing ran are skipped, not back-filled.
"""
from __future__ import annotations

import datetime as dt
import logging
import time

from huey import crontab

import settings
from models import Camera, Event, Image, Job, Setting, Timelapse, db, utcnow
from tasks import capture as capture_tasks
from tasks import jobs as job_tasks
from tasks.queue import huey
from tasks.windows import Window, WindowSpec, next_slot, slots_in

log = logging.getLogger(__name__)

HORIZON = dt.timedelta(seconds=75)  # ticks are ~60 s apart; overlap is harmless
START_GRACE = dt.timedelta(seconds=1)  # a slot this recent is still taken, not skipped
DEGRADED_AFTER = 2  # consecutive failed grabs
OFFLINE_AFTER = 5
MAX_BACKOFF = 300.0  # seconds between retries of a failing camera
MAX_SLOT_RETRIES = 2
STUCK_JOB_AFTER = dt.timedelta(minutes=10)
CAPTURE_PRIORITY = 100  # captures first; SqliteHuey honours priorities
HEARTBEAT_KEY = "consumer_heartbeat"


class ScheduleError(Exception):
    """A request that does not fit the current state (e.g. pausing a completed timelapse)."""


# ---------------------------------------------------------------- due-time maths

def window_spec(tl: Timelapse) -> WindowSpec:
    conf = settings.current
    return WindowSpec(
        tz=conf.tz,
        windows=tuple(Window.parse(w) for w in tl.windows or ()),
        days=frozenset(int(d) for d in tl.days),
        daylight=tl.sun_mode == "daylight",
        sunrise_offset=tl.sunrise_offset,
        sunset_offset=tl.sunset_offset,
        latitude=conf.latitude,
        longitude=conf.longitude,
    )


def late_limit(interval: int) -> dt.timedelta:
    """How late a capture may start before its slot is given up (the next slot is near)."""
    return dt.timedelta(seconds=max(2.0, min(interval / 2, 60.0)))


def backoff(failures: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(5.0 * 2 ** max(failures - 1, 0), MAX_BACKOFF))


def stop_reason(tl: Timelapse, now: dt.datetime) -> str | None:
    """Why an auto-stop rule ends the timelapse now, or None."""
    if tl.stop_at and now >= tl.stop_at:
        return "reached its stop date"
    if tl.stop_after_frames and tl.frame_count >= tl.stop_after_frames:
        return f"took {tl.frame_count} frames"
    if tl.stop_after_days and tl.started_at and \
            now >= tl.started_at + dt.timedelta(days=tl.stop_after_days):
        return f"ran for {tl.stop_after_days} days"
    return None


def upcoming_slot(tl: Timelapse, after: dt.datetime) -> dt.datetime | None:
    slot = next_slot(window_spec(tl), tl.anchor_at, tl.interval_seconds, after)
    if slot is not None and tl.stop_at and slot >= tl.stop_at:
        return None
    return slot


def day_number(tl: Timelapse, when: dt.datetime) -> int:
    tz = settings.current.tz
    return (when.astimezone(tz).date() - tl.started_at.astimezone(tz).date()).days + 1


# ---------------------------------------------------------------- the tick

# Huey 3.5's consumer enqueues periodic tasks once at start-up, then every minute: a
# restarted consumer plans at once instead of leaving a minute's gap.
@huey.periodic_task(crontab(minute="*"))
@huey.lock_task("schedule-tick")
def tick() -> None:
    plan_all(utcnow())


def plan_all(now: dt.datetime) -> int:
    """One tick's work; returns how many captures were handed to the queue."""
    started = time.perf_counter()
    Setting.set_value(HEARTBEAT_KEY, now.isoformat())
    reap_stuck(now)
    ids = [tl.id for tl in Timelapse.select(Timelapse.id).where(Timelapse.status == "running")]
    planned = sum(len(plan_timelapse(tl_id, now)) for tl_id in ids)
    # The benchmark reads this line: the tick's own cost must stay small per timelapse.
    log.info("tick: planned %d captures for %d timelapses in %.1f ms", planned, len(ids),
             (time.perf_counter() - started) * 1000)
    return planned


def plan_timelapse(tl_id: int, now: dt.datetime) -> list[dt.datetime]:
    """Enqueue the timelapse's slots up to now + HORIZON not yet handed out."""
    with db.atomic():
        tl = Timelapse.get_or_none(Timelapse.id == tl_id)
        if tl is None or tl.status != "running":
            return []
        reason = stop_reason(tl, now)
        if reason:
            _complete(tl, now, f"Stopped automatically: {reason}")
            return []
        earliest = now - START_GRACE
        if tl.planned_until and tl.planned_until >= earliest:
            earliest = tl.planned_until + dt.timedelta(microseconds=1)
        slots = slots_in(window_spec(tl), tl.anchor_at, tl.interval_seconds, earliest,
                         now + HORIZON)
        slots = [s for s in slots if not tl.stop_at or s < tl.stop_at]
        if slots:
            tl.planned_until = slots[-1]
        tl.next_capture_at = upcoming_slot(tl, now - START_GRACE)
        tl.save(only=[Timelapse.planned_until, Timelapse.next_capture_at])
    for slot in slots:
        _enqueue_capture(tl.id, slot, tl.generation, attempt=0, eta=slot)
    return slots


def _enqueue_capture(tl_id: int, slot: dt.datetime, generation: int, attempt: int,
                     eta: dt.datetime) -> None:
    capture_tasks.capture.schedule(args=(tl_id, slot.isoformat(), generation, attempt),
                                   eta=eta, priority=CAPTURE_PRIORITY)


def reap_stuck(now: dt.datetime) -> None:
    """Jobs whose worker died stay "running" forever (Huey is at-most-once): fail them.
    Camera claims left by a killed grab are released."""
    (Job.update(status="failed", error="Interrupted: the worker stopped while it ran",
                finished_at=now)
     .where(Job.status == "running", Job.started_at < now - STUCK_JOB_AFTER).execute())
    stale = now - dt.timedelta(seconds=settings.current.capture_timeout * 3 + 30)
    Camera.update(busy_since=None).where(Camera.busy_since < stale).execute()


# ---------------------------------------------------------------- gates: timelapses

def start_timelapse(tl_id: int, now: dt.datetime | None = None) -> Timelapse:
    """A new timelapse starts now: the grid is anchored here, the first frame is due at once."""
    now = now or utcnow()
    anchor = now.replace(microsecond=0) + dt.timedelta(seconds=1)
    Timelapse.update(status="running", anchor_at=anchor, started_at=anchor, planned_until=None,
                     generation=Timelapse.generation + 1).where(Timelapse.id == tl_id).execute()
    _record_state(tl_id, "timelapse_started", "Timelapse started")
    plan_timelapse(tl_id, now)
    return Timelapse.get_by_id(tl_id)


def replan_timelapse(tl_id: int, now: dt.datetime | None = None) -> None:
    """Timing settings changed: drop what was queued and plan again on a grid from now."""
    now = now or utcnow()
    tl = Timelapse.get_by_id(tl_id)
    if tl.status != "running":
        return
    Timelapse.update(anchor_at=now.replace(microsecond=0) + dt.timedelta(seconds=1),
                     planned_until=None, generation=Timelapse.generation + 1
                     ).where(Timelapse.id == tl_id).execute()
    plan_timelapse(tl_id, now)


def pause_timelapse(tl_id: int, now: dt.datetime | None = None) -> Timelapse:
    _transition(tl_id, ("running",), "paused", "pause")
    _record_state(tl_id, "timelapse_paused", "Timelapse paused")
    return Timelapse.get_by_id(tl_id)


def resume_timelapse(tl_id: int, now: dt.datetime | None = None) -> Timelapse:
    _transition(tl_id, ("paused",), "running", "resume")
    _record_state(tl_id, "timelapse_resumed", "Timelapse resumed")
    plan_timelapse(tl_id, now or utcnow())  # the grid continues where it was
    return Timelapse.get_by_id(tl_id)


def stop_timelapse(tl_id: int, now: dt.datetime | None = None) -> Timelapse:
    with db.atomic():
        tl = Timelapse.get_by_id(tl_id)
        if tl.status == "completed":
            raise ScheduleError("This timelapse is already completed.")
        _complete(tl, now or utcnow(), "Timelapse stopped")
    return Timelapse.get_by_id(tl_id)


def _transition(tl_id: int, allowed: tuple[str, ...], target: str, verb: str) -> None:
    """Change status and bump the generation, so every queued capture of the old state quits."""
    changed = (Timelapse.update(status=target, next_capture_at=None, planned_until=None,
                                generation=Timelapse.generation + 1)
               .where(Timelapse.id == tl_id, Timelapse.status.in_(allowed)).execute())
    if not changed:
        tl = Timelapse.get_by_id(tl_id)
        raise ScheduleError(f"Cannot {verb} a timelapse that is {tl.status}.")


def _complete(tl: Timelapse, now: dt.datetime, message: str) -> None:
    Timelapse.update(status="completed", completed_at=now, next_capture_at=None,
                     planned_until=None, generation=Timelapse.generation + 1
                     ).where(Timelapse.id == tl.id).execute()
    _record_state(tl.id, "timelapse_completed", message)


def _record_state(tl_id: int, kind: str, message: str) -> None:
    tl = Timelapse.get_by_id(tl_id)
    Event.record(kind, f"{tl.name}: {message}", camera_id=tl.camera_id, timelapse_id=tl.id)


# ---------------------------------------------------------------- gates: jobs

def request_camera_test(camera_id: int) -> Job:
    """Grab one preview frame from the camera, as a job the page can watch."""
    job = Job.create(kind="camera_test", camera=camera_id, message="Connecting…")
    job_tasks.test_camera(job.id)
    return job


def cancel_job(job_id: int) -> Job:
    """Stop a job: at once while queued, at its next progress report while running."""
    job = Job.get_by_id(job_id)
    if not job.request_cancel():
        raise ScheduleError(f"This job has already ended ({job.status}).")
    Event.record("job_cancel_requested", f"Cancel requested for {job.kind} job {job.id}",
                 camera_id=job.camera_id, timelapse_id=job.timelapse_id, job_id=job.id)
    return Job.get_by_id(job_id)


# ---------------------------------------------------------------- capture hooks

def claim_capture(tl_id: int, slot: dt.datetime, generation: int, attempt: int,
                  now: dt.datetime) -> Timelapse | None:
    """Should this capture run now? If so the camera is claimed (one grab per camera)."""
    with db.atomic():
        tl = (Timelapse.select(Timelapse, Camera).join(Camera)
              .where(Timelapse.id == tl_id).get_or_none())
        if tl is None or tl.status != "running" or tl.generation != generation:
            return None
        camera = tl.camera
        lateness = now - slot
        allowed = late_limit(tl.interval_seconds)
        if attempt:
            allowed = dt.timedelta(seconds=tl.interval_seconds / 2)
        if lateness > allowed:
            log.warning("timelapse %s: slot %s skipped, %.1f s late", tl_id, slot,
                        lateness.total_seconds())
            return None
        if not camera.enabled or (attempt == 0 and camera.retry_at and camera.retry_at > now):
            return None
        if Image.select().where(Image.timelapse == tl_id, Image.slot_at == slot).exists():
            return None
        busy_limit = now - dt.timedelta(seconds=settings.current.capture_timeout * 3 + 30)
        claimed = (Camera.update(busy_since=now)
                   .where(Camera.id == camera.id,
                          (Camera.busy_since.is_null()) | (Camera.busy_since < busy_limit))
                   .execute())
        if not claimed:
            log.warning("timelapse %s: slot %s skipped, camera busy", tl_id, slot)
            return None
    return tl


def release_camera(camera_id: int) -> None:
    Camera.update(busy_since=None).where(Camera.id == camera_id).execute()


def frame_captured(tl_id: int, image_id: int, now: dt.datetime | None = None) -> None:
    """A frame is saved: count it, bring the camera back online, maybe auto-stop."""
    now = now or utcnow()
    image = Image.get_by_id(image_id)
    with db.atomic():
        Timelapse.update(frame_count=Timelapse.frame_count + 1, last_frame_at=image.captured_at
                         ).where(Timelapse.id == tl_id).execute()
        tl = Timelapse.get_by_id(tl_id)
        camera = Camera.get_by_id(tl.camera_id)
        _camera_succeeded(camera, now)
        reason = stop_reason(tl, now)
        if reason:
            _complete(tl, now, f"Stopped automatically: {reason}")
        elif tl.status == "running":
            after = max(now, image.slot_at + dt.timedelta(seconds=1))
            tl.next_capture_at = upcoming_slot(tl, after)
            tl.save(only=[Timelapse.next_capture_at])
    Event.record("frame_captured", f"{tl.name}: frame {tl.frame_count}", camera_id=camera.id,
                 timelapse_id=tl_id, image_id=image_id)


def _camera_succeeded(camera: Camera, now: dt.datetime) -> None:
    if camera.status not in ("online", "unknown"):
        Event.record("camera_online", f"{camera.name} is back online", camera_id=camera.id)
    Camera.update(status="online", failures=0, last_error="", retry_at=None, last_success_at=now
                  ).where(Camera.id == camera.id).execute()


def capture_failed(tl_id: int, slot: dt.datetime, generation: int, attempt: int, error: str,
                   now: dt.datetime | None = None) -> None:
    """A grab failed: back off, mark the camera degraded/offline, maybe retry the same slot."""
    now = now or utcnow()
    tl = Timelapse.get_or_none(Timelapse.id == tl_id)
    if tl is None:
        return
    camera = Camera.get_by_id(tl.camera_id)
    failures = camera.failures + 1
    retry_at = now + backoff(failures)
    status = camera.status
    if failures >= OFFLINE_AFTER:
        status = "offline"
    elif failures >= DEGRADED_AFTER:
        status = "degraded"
    Camera.update(failures=failures, last_error=error, last_failure_at=now, retry_at=retry_at,
                  status=status).where(Camera.id == camera.id).execute()
    Event.record("capture_failed", f"{camera.name}: {error}", camera_id=camera.id,
                 timelapse_id=tl_id)
    if status != camera.status and status in ("degraded", "offline"):
        Event.record(f"camera_{status}", f"{camera.name} is {status} after {failures} failed grabs",
                     camera_id=camera.id)
    # Worth another try at the same slot only while the next slot is still far away.
    half_interval = dt.timedelta(seconds=tl.interval_seconds / 2)
    if attempt < MAX_SLOT_RETRIES and retry_at < slot + half_interval:
        _enqueue_capture(tl_id, slot, generation, attempt + 1, eta=retry_at)
