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
from models import (
    Camera,
    Event,
    Image,
    Job,
    LogEntry,
    Notification,
    RenderRule,
    Setting,
    Timelapse,
    Video,
    db,
    utcnow,
)
from tasks import alerts, logbook, render_times, thumbnail_settings
from tasks import capture as capture_tasks
from tasks import corruption as corruption_tasks
from tasks import jobs as job_tasks
from tasks import notify as notify_tasks
from tasks import overlays as overlay_tasks
from tasks import thumbnails as thumbnail_tasks
from tasks import videos as video_tasks
from tasks import weather as weather_tasks
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
EVENT_KEEP = dt.timedelta(days=7)  # the live stream, timing view and success rates read these
LOG_RETENTION_KEY = "log_retention_days"
DEFAULT_LOG_DAYS = 14
PRUNE_BATCH = 5000  # rows per table per tick: a backlog never holds the write lock for long
NOTIFY_CURSOR_KEY = "notify_event_cursor"  # the last event the notifier has looked at
OPEN_ALERTS_KEY = "open_alerts"  # condition key -> when it opened


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
    try:
        plan_renders(now)
    except Exception:  # a render rule must never stop the planning of captures
        log.exception("tick: render planning failed")
    try:
        watch(now)
    except Exception:  # watching must never stop the planning of captures
        log.exception("tick: watch failed")
    try:
        corruption_tasks.purge(now)  # quarantined frames and old evaluations, in batches
    except Exception:  # cleaning up must never stop the planning of captures
        log.exception("tick: corruption clean-up failed")
    try:
        plan_weather(now)
    except Exception:  # the weather must never stop the planning of captures
        log.exception("tick: weather planning failed")
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
    limit = now - STUCK_JOB_AFTER
    # A long render reports progress (the heartbeat) all along: only silence means dead.
    stuck = list(Job.select().where(Job.status == "running", Job.started_at < limit,
                                    Job.heartbeat_at.is_null() | (Job.heartbeat_at < limit)))
    for job in stuck:
        if Job.update(status="failed", error="Interrupted: the worker stopped while it ran",
                      finished_at=now).where(Job.id == job.id, Job.status == "running").execute():
            job_tasks.job_event(job, "failed", "interrupted: the worker stopped while it ran")
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
    # Only the first completion counts: a capture that lands after a stop must not end the
    # timelapse (and fire its completion render) a second time.
    if not Timelapse.update(status="completed", completed_at=now, next_capture_at=None,
                            planned_until=None, generation=Timelapse.generation + 1
                            ).where(Timelapse.id == tl.id, Timelapse.status != "completed"
                                    ).execute():
        return
    _record_state(tl.id, "timelapse_completed", message)
    _drop_small_images(tl.id)
    _render_on_completion(tl.id, now)


def _record_state(tl_id: int, kind: str, message: str) -> None:
    tl = Timelapse.get_by_id(tl_id)
    Event.record(kind, f"{tl.name}: {message}", camera_id=tl.camera_id, timelapse_id=tl.id)


# ---------------------------------------------------------------- gates: jobs

def request_camera_test(camera_id: int) -> Job:
    """Grab one preview frame from the camera, as a job the page can watch."""
    job = Job.create(kind="camera_test", camera=camera_id, message="Connecting…")
    job_tasks.test_camera(job.id)
    return job


def request_test_notification() -> Job:
    """Send a test message to the configured notification URLs, as a job."""
    if not notify_tasks.urls():
        raise ScheduleError("Add a notification URL first.")
    job = Job.create(kind="notification_test", message="Sending…")
    notify_tasks.test_notification(job.id)
    return job


# Job kinds a person may retry -> a callable that enqueues the job's task by id. Lambdas:
# the task modules import this one, so their tasks are looked up only when needed.
RETRY_TASKS = {"camera_test": lambda job_id: job_tasks.test_camera(job_id),
               "notification_test": lambda job_id: notify_tasks.test_notification(job_id)}


def retry_job(job_id: int) -> Job:
    """Run a failed or cancelled job again, as a new job with the same parameters."""
    job = Job.get_by_id(job_id)
    if job.status not in ("failed", "cancelled"):
        raise ScheduleError(f"Only a failed or cancelled job can be retried (this one is "
                            f"{job.status}).")
    task = RETRY_TASKS.get(job.kind)
    if task is None:
        raise ScheduleError(f"A {job.kind.replace('_', ' ')} job cannot be retried.")
    new = Job.create(kind=job.kind, params=job.params, camera=job.camera_id,
                     timelapse=job.timelapse_id, message=f"Retry of job {job.id}")
    task(new.id)
    return new


def cancel_job(job_id: int) -> Job:
    """Stop a job: at once while queued, at its next progress report while running."""
    job = Job.get_by_id(job_id)
    if not job.request_cancel():
        raise ScheduleError(f"This job has already ended ({job.status}).")
    Event.record("job_cancel_requested", f"Cancel requested for {job.kind} job {job.id}",
                 camera_id=job.camera_id, timelapse_id=job.timelapse_id, job_id=job.id)
    return Job.get_by_id(job_id)


# ---------------------------------------------------------------- gates: thumbnails

THUMBNAIL_KINDS = ("thumbnails_regenerate", "thumbnails_repair", "thumbnails_verify",
                   "thumbnails_prune", "thumbnails_delete_orphans")
# Looked up when called: tasks.thumbnails may still be importing while this module loads.
RETRY_TASKS.update(dict.fromkeys(THUMBNAIL_KINDS, lambda job_id: thumbnail_tasks.run(job_id)))


def request_thumbnails(kind: str, timelapse_id: int | None = None, **params) -> Job:
    """A bulk thumbnail job over one timelapse, or all when TIMELAPSE_ID is None. Asking
    again while the same job waits or runs returns that job; any other job that writes
    variants must end first, so two jobs never rewrite the same files. Only a verify may
    run beside another job: it changes nothing."""
    if kind not in THUMBNAIL_KINDS:
        raise ScheduleError(f"Unknown thumbnail job {kind!r}.")
    if timelapse_id is not None and not Timelapse.select().where(
            Timelapse.id == timelapse_id).exists():
        raise ScheduleError(f"There is no timelapse with number {timelapse_id}.")
    with db.atomic():  # IMMEDIATE: two clicks at once are serialised, one job is made
        active = list(Job.select().where(Job.kind.in_(THUMBNAIL_KINDS),
                                         Job.status.in_(("queued", "running"))))
        for job in active:
            if (job.kind, job.timelapse_id, job.params or {}) == (kind, timelapse_id, params):
                return job
        busy = [j for j in active if j.kind != "thumbnails_verify"]
        if busy and kind != "thumbnails_verify":
            raise ScheduleError(f"Another thumbnail job ({busy[0].kind.split('_', 1)[1]}, "
                                f"job {busy[0].id}) is still at work: wait for it or cancel it.")
        if kind == "thumbnails_delete_orphans":
            _check_orphan_list(params.get("source_job_id"))
        return _thumbnail_job(kind, timelapse_id, params)


def _check_orphan_list(source_job_id) -> None:
    source = Job.get_or_none(Job.id == source_job_id) if isinstance(source_job_id, int) else None
    if (source is None or source.kind not in ("thumbnails_verify", "thumbnails_repair")
            or source.status != "done" or not (source.result or {}).get("orphans")):
        raise ScheduleError("There is no list of orphan files to delete: run a check first.")


def _thumbnail_job(kind: str, timelapse_id: int | None, params: dict) -> Job:
    job = Job.create(kind=kind, timelapse=timelapse_id, params=params,
                     message="Waiting for a worker…")
    # After the commit: a worker must never pick up the task before it can see the row.
    db.after_commit(lambda: thumbnail_tasks.run(job.id))
    return job


def thumbnail_settings_changed(before: thumbnail_settings.ThumbnailSettings,
                               after: thumbnail_settings.ThumbnailSettings) -> Job | None:
    """New settings apply to new frames at once; existing ones change only when a person
    regenerates, except that no longer keeping small images drops them now."""
    if before.keep_small_completed and not after.keep_small_completed:
        return _thumbnail_job("thumbnails_prune", None, {})
    return None


def _drop_small_images(tl_id: int) -> None:
    """A timelapse completed: its small images go if the settings do not keep them."""
    if thumbnail_settings.load().keep_small_completed:
        return
    if Image.select().where(Image.timelapse == tl_id, Image.small_path != "").exists():
        _thumbnail_job("thumbnails_prune", tl_id, {})


# ---------------------------------------------------------------- gates and hooks: renders

RENDER_KIND = "render"
MAX_REASONS = 10  # merged requests remembered on one render


def request_render(tl_id: int, settings_override: dict | None = None, trigger: str = "manual",
                   reason: str = "Requested by hand", name: str = "",
                   eta: dt.datetime | None = None) -> Job:
    """Render a video of the timelapse (at ETA, else now). At most one render per timelapse
    is in flight: a request while one waits to start is merged into it (a person's settings
    win over a rule's); one while a render runs becomes one follow-up, started when it ends."""
    with db.atomic():
        if not Image.select().where(Image.timelapse == tl_id).exists():
            raise ScheduleError("This timelapse has no frames to render yet.")
        jobs = list(Job.in_flight(RENDER_KIND, tl_id))
        waiting = next((j for j in jobs if j.status == "queued"), None)
        if waiting and _merge_render(waiting, settings_override, trigger, reason, name):
            return Job.get_by_id(waiting.id)
        # Merging fails when the waiting one started meanwhile: then it is the one running.
        running = waiting is not None or any(j.status == "running" for j in jobs)
        job = Job.create(kind=RENDER_KIND, timelapse=tl_id, params={
            "settings": settings_override or {}, "trigger": trigger, "reasons": [reason],
            "name": name, "waiting": running},
            message="Waits for the render in progress to finish" if running else "")
        if not running:
            _enqueue_render(job.id, eta)
    return job


def _merge_render(job: Job, override: dict | None, trigger: str, reason: str,
                  name: str) -> bool:
    params = dict(job.params or {})
    reasons = params.get("reasons", [])
    params["reasons"] = reasons if reason in reasons else (reasons + [reason])[-MAX_REASONS:]
    if trigger == "manual":
        params.update(settings=override or {}, trigger="manual", name=name)
    if not Job.update(params=params).where(Job.id == job.id, Job.status == "queued").execute():
        return False
    if trigger == "manual" and not params.get("waiting"):
        _enqueue_render(job.id)  # it may be waiting for a scheduled time; it runs once anyway
    return True


def _enqueue_render(job_id: int, eta: dt.datetime | None = None) -> None:
    """After the commit: the render worker must find the job row it is handed."""
    if eta is not None and eta > utcnow():
        db.after_commit(lambda: video_tasks.render.schedule(args=(job_id,), eta=eta))
    else:
        db.after_commit(lambda: video_tasks.render(job_id))


def render_finished(job_id: int) -> None:
    """A render ended, however: start the follow-up that waited for it."""
    job = Job.get_or_none(Job.id == job_id)
    if job is not None and job.timelapse_id is not None:
        _start_follow_up(job.timelapse_id)


def _start_follow_up(tl_id: int) -> None:
    with db.atomic():
        jobs = list(Job.in_flight(RENDER_KIND, tl_id))
        follow = next((j for j in jobs if (j.params or {}).get("waiting")), None)
        if follow is None or any(j.status == "running" for j in jobs):
            return
        Job.update(params={**follow.params, "waiting": False}, message=""
                   ).where(Job.id == follow.id, Job.status == "queued").execute()
        _enqueue_render(follow.id)


def set_render_rule(tl_id: int, values: dict, now: dt.datetime | None = None) -> RenderRule:
    """Save a timelapse's render settings and automation; the next scheduled render is
    worked out from NOW (none once the timelapse is completed)."""
    now = now or utcnow()
    with db.atomic():
        tl = Timelapse.get_by_id(tl_id)
        rule = RenderRule.get_or_none(RenderRule.timelapse == tl_id) or RenderRule(timelapse=tl)
        for key, value in values.items():
            setattr(rule, key, value)
        rule.next_render_at = None if tl.status == "completed" else render_times.next_local_time(
            rule.scheduled, rule.scheduled_time, rule.scheduled_weekday, settings.current.tz, now)
        if not rule.after_capture:
            rule.gap_render_at = None
        rule.save()
    return rule


def plan_renders(now: dt.datetime) -> int:
    """The tick's part for videos: renders due within the horizon get their job now and
    start at their exact time; a follow-up left behind by a dead worker starts. Returns
    how many renders were requested."""
    fired = sum(_fire_due(rule, now) for rule in RenderRule.due(now + HORIZON))
    for job in Job.select().where(Job.kind == RENDER_KIND, Job.status == "queued"):
        if (job.params or {}).get("waiting"):
            _start_follow_up(job.timelapse_id)
    return fired


def _fire_due(rule: RenderRule, now: dt.datetime) -> int:
    fired, changes, until = 0, {}, now + HORIZON
    with db.atomic():
        tl = Timelapse.get_by_id(rule.timelapse_id)
        if rule.next_render_at and rule.next_render_at <= until:
            due = rule.next_render_at
            changes[RenderRule.next_render_at] = render_times.next_local_time(
                rule.scheduled, rule.scheduled_time, rule.scheduled_weekday,
                settings.current.tz, due)
            if tl.status == "running" and _has_new_frames(tl):
                fired += _auto_render(tl.id, "scheduled",
                                      f"Scheduled {rule.scheduled} at {rule.scheduled_time}", due)
        if rule.gap_render_at and rule.gap_render_at <= until:
            due = rule.gap_render_at
            changes.update({RenderRule.gap_render_at: None, RenderRule.last_auto_at: due})
            fired += _auto_render(tl.id, "capture", "New frames held back by the minimum gap",
                                  due)
        RenderRule.update(changes).where(RenderRule.id == rule.id).execute()
    return fired


def _has_new_frames(tl: Timelapse) -> bool:
    """A frame newer than every video of the timelapse (else a render would repeat one)."""
    newest = Video.select().where(Video.timelapse == tl.id).order_by(
        Video.last_frame_at.desc()).first()
    return newest is None or tl.last_frame_at is None or tl.last_frame_at > newest.last_frame_at


def _auto_render(tl_id: int, trigger: str, reason: str, eta: dt.datetime | None = None) -> int:
    try:
        request_render(tl_id, None, trigger, reason, eta=eta)
    except ScheduleError as exc:
        log.info("timelapse %s: no %s render: %s", tl_id, trigger, exc)
        return 0
    return 1


def _render_after_frame(tl: Timelapse, now: dt.datetime) -> None:
    """Milestones, and the per-capture render with its minimum gap (a frame inside the gap
    holds one render back until the gap is over, so the newest frames still get a video)."""
    rule = RenderRule.get_or_none(RenderRule.timelapse == tl.id)
    if rule is None:
        return
    if render_times.is_milestone(tl.frame_count, rule.every_frames):
        _auto_render(tl.id, "milestone", f"Reached {tl.frame_count} frames")
    if not rule.after_capture:
        return
    held = render_times.after_capture(now, rule.last_auto_at,
                                      dt.timedelta(minutes=rule.min_gap_minutes))
    same = RenderRule.last_auto_at.is_null() if rule.last_auto_at is None else \
        RenderRule.last_auto_at == rule.last_auto_at
    if held is None:
        if RenderRule.update(last_auto_at=now, gap_render_at=None).where(
                RenderRule.id == rule.id, same).execute():  # two frames at once: one render
            _auto_render(tl.id, "capture", "A new frame arrived")
    elif rule.gap_render_at is None:
        RenderRule.update(gap_render_at=held).where(RenderRule.id == rule.id,
                                                    RenderRule.gap_render_at.is_null()).execute()


def _render_on_completion(tl_id: int, now: dt.datetime) -> None:
    rule = RenderRule.get_or_none(RenderRule.timelapse == tl_id)
    if rule is None:
        return
    RenderRule.update(next_render_at=None).where(RenderRule.id == rule.id).execute()
    if rule.on_completion:
        _auto_render(tl_id, "completion", "The timelapse was completed")


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
            _skipped(tl, slot, f"{lateness.total_seconds():.1f} s late")
            return None
        if not camera.enabled:
            _skipped(tl, slot, "camera switched off")
            return None
        if attempt == 0 and camera.retry_at and camera.retry_at > now:
            _skipped(tl, slot, "camera backing off after failed grabs")
            return None
        if Image.select().where(Image.timelapse == tl_id, Image.slot_at == slot).exists():
            return None
        busy_limit = now - dt.timedelta(seconds=settings.current.capture_timeout * 3 + 30)
        claimed = (Camera.update(busy_since=now)
                   .where(Camera.id == camera.id,
                          (Camera.busy_since.is_null()) | (Camera.busy_since < busy_limit))
                   .execute())
        if not claimed:
            _skipped(tl, slot, "camera busy with another grab")
            return None
    return tl


def _skipped(tl: Timelapse, slot: dt.datetime, reason: str) -> None:
    """A slot given up: logged, and an event the capture timing view shows as missed."""
    log.warning("timelapse %s: slot %s skipped, %s", tl.id, slot, reason,
                extra={"camera_id": tl.camera_id, "timelapse_id": tl.id})
    Event.record("capture_skipped", f"{tl.name}: slot {slot:%H:%M:%S} skipped, {reason}",
                 camera_id=tl.camera_id, timelapse_id=tl.id, slot=slot.isoformat(),
                 reason=reason)


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
    _render_after_frame(tl, now)


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
                 timelapse_id=tl_id, slot=slot.isoformat(), attempt=attempt)
    if status != camera.status and status in ("degraded", "offline"):
        Event.record(f"camera_{status}", f"{camera.name} is {status} after {failures} failed grabs",
                     camera_id=camera.id)
    # Worth another try at the same slot only while the next slot is still far away.
    half_interval = dt.timedelta(seconds=tl.interval_seconds / 2)
    if attempt < MAX_SLOT_RETRIES and retry_at < slot + half_interval:
        _enqueue_capture(tl_id, slot, generation, attempt + 1, eta=retry_at)


CORRUPT_RETRY_DELAY = dt.timedelta(seconds=1)  # a broken frame is re-grabbed almost at once


def frame_scored(tl_id: int, slot: dt.datetime, generation: int, attempt: int, evaluation,
                 image_id: int | None = None, quarantine: str = "",
                 now: dt.datetime | None = None) -> None:
    """A frame was scored (pipelines.corruption.Evaluation): record it, which may put the
    camera in or out of degraded mode; a discarded frame is re-captured soon, at most the
    camera's `retries` times, never in degraded mode, and only while the slot is near."""
    now = now or utcnow()
    tl = Timelapse.get_or_none(Timelapse.id == tl_id)
    if tl is None:
        return
    outcome = corruption_tasks.record(tl, slot, attempt, evaluation, image_id, quarantine, now)
    if outcome is None or not evaluation.corrupt:
        return
    retry_at = now + CORRUPT_RETRY_DELAY
    if attempt < outcome.retries and retry_at < slot + dt.timedelta(
            seconds=tl.interval_seconds / 2):
        _enqueue_capture(tl_id, slot, generation, attempt + 1, eta=retry_at)


# ---------------------------------------------------------------- weather

WEATHER_ATTEMPT_KEY = "weather_last_attempt"


def plan_weather(now: dt.datetime) -> bool:
    """Refresh the cached weather every weather_tasks.REFRESH_EVERY, only where a location
    is configured. Captures read the cache and never wait for a provider. Returns whether
    a refresh was handed to the queue."""
    if not weather_tasks.configured():
        return False
    last = Setting.get_value(WEATHER_ATTEMPT_KEY)
    if last and now - dt.datetime.fromisoformat(last) < weather_tasks.REFRESH_EVERY:
        return False
    Setting.set_value(WEATHER_ATTEMPT_KEY, now.isoformat())
    weather_tasks.refresh_weather()
    return True


def request_weather_refresh() -> Job:
    """A person asks for the weather now (settings page), as a job they can watch."""
    if not weather_tasks.configured():
        raise ScheduleError("Set TL_LATITUDE and TL_LONGITUDE to get the weather.")
    with db.atomic():
        job = Job.create(kind="weather_refresh", message="Asking the provider…")
        db.after_commit(lambda: weather_tasks.refresh_weather(job.id))
    return job


def store_watermark(data: bytes) -> str:
    """A watermark upload is checked (decoded) and kept at once: a small file, no job.
    Returns its path under the media dir; raises pipelines.overlays.WatermarkError."""
    return overlay_tasks.store_watermark(data)


RETRY_TASKS["weather_refresh"] = lambda job_id: weather_tasks.refresh_weather(job_id)


# ---------------------------------------------------------------- watch: alerts, notices, retention

def watch(now: dt.datetime) -> None:
    """Once per tick: open and clear alerts as events, notify people of new events (once
    per outage), prune old events and logs, and write the worker's buffered log lines."""
    _update_alerts(now)
    _notify_events(now)
    prune(now)
    logbook.flush()


def _update_alerts(now: dt.datetime) -> None:
    """A condition (stalled timelapse, low disk) records one event when it opens and one
    when it clears, however many ticks it lasts."""
    opened = Setting.get_value(OPEN_ALERTS_KEY) or {}
    current = alerts.open_conditions(now)
    changed = False
    for key, cond in current.items():
        if key not in opened:
            Event.record(cond.kind, cond.message, camera_id=cond.camera_id,
                         timelapse_id=cond.timelapse_id)
            opened[key], changed = now.isoformat(), True
    for key in [k for k in opened if k not in current]:
        kind, message, tl_id = alerts.cleared_message(key)
        Event.record(kind, message, timelapse_id=tl_id)
        del opened[key]
        changed = True
    if changed:
        Setting.set_value(OPEN_ALERTS_KEY, opened)


def _notify_events(now: dt.datetime) -> None:
    """New events worth a message become Notification rows and send tasks, unless a message
    with the same key went out within the cooldown (a flapping camera is one outage)."""
    top = Event.latest_id()
    cursor = Setting.get_value(NOTIFY_CURSOR_KEY)
    if cursor is None:  # the first tick ever: history is not news
        Setting.set_value(NOTIFY_CURSOR_KEY, top)
        return
    limit = 500
    events = list(Event.after(cursor, limit).where(Event.id <= top,
                                                   Event.kind.in_(alerts.NOTIFY_KINDS)))
    if top != cursor:
        Setting.set_value(NOTIFY_CURSOR_KEY, events[-1].id if len(events) == limit else top)
    urls, quiet = notify_tasks.urls(), notify_tasks.cooldown()
    for event in events if urls else ():
        found = alerts.notification_for(event)
        if found is None or Notification.sent_since(found[0], now - quiet):
            continue
        key, title, body = found
        row = Notification.create(key=key, kind=event.kind, title=f"Timelapser: {title}",
                                  body=body, event_id=event.id, created_at=now)
        notify_tasks.send_notification(row.id)


def prune(now: dt.datetime) -> None:
    """Retention: events after EVENT_KEEP, logs after the configured number of days."""
    Event.prune(now - EVENT_KEEP, PRUNE_BATCH)
    days = Setting.get_value(LOG_RETENTION_KEY, DEFAULT_LOG_DAYS)
    LogEntry.prune(now - dt.timedelta(days=days), PRUNE_BATCH)
