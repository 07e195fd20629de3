"""Renders: the render task (on the render queue), a timelapse's effective settings, and
removing videos with their files.

The scheduler (`schedule.request_render`) decides when a render runs and merges requests;
this module only makes the video it is handed and says when it is done.
"""
from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator

from peewee import IntegrityError

import pipelines.video as video_pipeline
import settings
from models import Event, Image, Job, RenderRule, Setting, Timelapse, Video, db, utcnow
from pipelines.files import remove_quietly
from pipelines.video import FrameRef, Outputs, RenderError, RenderSettings, Selection
from pipelines.video.piped import Overlay
from tasks import jobs as job_tasks
from tasks import overlays as overlay_tasks
from tasks import schedule, storage
from tasks.queue import render_huey

DEFAULTS_KEY = "video_defaults"  # Setting: the global defaults, a partial settings dict
PAGE = 2000  # frames read per query: no cursor stays open while the render writes the job
RANGE_MARGIN = dt.timedelta(hours=1)  # slot vs capture time: the query may only widen
TRIGGER_NAMES = {"manual": "Made by hand", "milestone": "Milestone", "scheduled": "Scheduled",
                 "capture": "After a capture", "completion": "On completion"}


def global_defaults() -> dict:
    return Setting.get_value(DEFAULTS_KEY) or {}


def timelapse_settings(tl_id: int, override: dict | None = None) -> RenderSettings:
    """Built-in defaults < global defaults < the timelapse's own < OVERRIDE."""
    rule = RenderRule.get_or_none(RenderRule.timelapse == tl_id)
    return RenderSettings.merged(global_defaults(), rule.settings if rule else None, override)


def video_paths(tl_id: int, job_id: int, container: str) -> tuple[str, str, str]:
    """(video, poster, preview), relative to the media dir."""
    stem = f"timelapses/{tl_id}/videos/{utcnow():%Y%m%d-%H%M%S}-job{job_id}"
    return f"{stem}.{container}", f"{stem}.jpg", f"{stem}.webp"


def cache_dir(tl_id: int) -> str:
    return f"timelapses/{tl_id}/videos/cache"


def frame_refs(tl_id: int, s: RenderSettings) -> Iterator[FrameRef]:
    """The timelapse's frames in capture order, read a page at a time (keyed by slot)."""
    start, end = Selection.of(s, settings.current.tz).utc_range()
    query = Image.select(Image.slot_at, Image.path, Image.captured_at, Image.width,
                         Image.height, Image.day_number, Image.weather
                         ).where(Image.timelapse == tl_id)
    # The slot narrows the query; the pipeline applies the exact range to capture times.
    if start:
        query = query.where(Image.slot_at >= start - RANGE_MARGIN)
    if end:
        query = query.where(Image.slot_at < end + RANGE_MARGIN)
    flagged = Image._meta.fields.get("flagged")  # set by the corruption checks, once they exist
    if s.skip_flagged and flagged is not None:
        query = query.where(flagged == False)  # noqa: E712
    after = None
    while True:
        page = query if after is None else query.where(Image.slot_at > after)
        rows = list(page.order_by(Image.slot_at).limit(PAGE))
        for row in rows:
            yield FrameRef(storage.media_path(row.path), row.captured_at, row.width, row.height,
                           row.day_number, row.weather)
        if len(rows) < PAGE:
            return
        after = rows[-1].slot_at


@render_huey.task()
def render(job_id: int) -> None:
    job_tasks.run_job(job_id, _render)
    schedule.render_finished(job_id)


def _render(job: Job, progress: job_tasks.Progress) -> tuple[str, dict]:
    tl = Timelapse.get_or_none(Timelapse.id == job.timelapse_id)
    if tl is None:
        raise job_tasks.JobFailed("The timelapse was deleted.")
    # Read again after the claim: a request merged into this job just before it started
    # changed its parameters, and must not be lost.
    params = Job.get_by_id(job.id).params or {}
    s = timelapse_settings(tl.id, params.get("settings"))
    trigger = params.get("trigger", "manual")
    rel_video, rel_poster, rel_preview = video_paths(tl.id, job.id, s.container)
    # Automatic renders repeat, so they start a day cache; a one-off uses one if it exists.
    outputs = Outputs(storage.media_path(rel_video), storage.media_path(rel_poster),
                      storage.media_path(rel_preview), storage.media_path(cache_dir(tl.id)),
                      fill_cache=trigger != "manual")
    started = time.monotonic()
    overlay = _overlay(tl, s)
    try:
        result = video_pipeline.render(frame_refs(tl.id, s), s, outputs, settings.current.tz,
                                       progress, overlay)
    except RenderError as exc:
        raise job_tasks.JobFailed(str(exc)) from None
    fields = dict(
        name=params.get("name") or _default_name(tl, result), path=rel_video,
        poster_path=rel_poster if result.has_poster else "",
        preview_path=rel_preview if result.has_preview else "", codec=s.codec,
        width=result.width, height=result.height, frames=result.frames, fps=result.fps,
        fps_clamped=result.fps_clamped, duration=result.duration, bytes=result.bytes,
        settings={**s.to_dict(), "overlay": overlay.painter.config if overlay else None},
        trigger=trigger, reason="; ".join(params.get("reasons", [])),
        first_frame_at=result.first_at, last_frame_at=result.last_at, notes=result.notes,
        job_id=job.id, render_seconds=round(time.monotonic() - started, 1))
    video = _save(tl, fields)
    replaced = replace_older(video) if video.automatic else 0
    Event.record("video_rendered", f"{tl.name}: video “{video.name}” is ready",
                 camera_id=tl.camera_id, timelapse_id=tl.id, video_id=video.id)
    message = f"{result.frames} frames, {result.duration:.1f} s at {result.fps:g} fps"
    return message, {"video_id": video.id, "frames": result.frames, "duration": result.duration,
                     "replaced": replaced, "notes": result.notes}


def _overlay(tl: Timelapse, s: RenderSettings) -> Overlay | None:
    """The timelapse's overlay for this render, unless it has none or S leaves it off."""
    config = overlay_tasks.effective(tl) if s.overlays else None
    if config is None:
        return None
    return Overlay(overlay_tasks.painter(tl, config), overlay_tasks.fingerprint(tl, config))


def _save(tl: Timelapse, fields: dict) -> Video:
    """The Video row for the finished files; if the timelapse went meanwhile, the files go."""
    try:
        with db.atomic():
            return Video.create(timelapse=tl.id, **fields)
    except IntegrityError:
        remove_quietly(*(storage.media_path(fields[k]) for k in (
            "path", "poster_path", "preview_path") if fields[k]))
        raise job_tasks.JobFailed("The timelapse was deleted while it rendered.") from None


def _default_name(tl: Timelapse, result: video_pipeline.RenderResult) -> str:
    tz = settings.current.tz
    first, last = (result.first_at.astimezone(tz), result.last_at.astimezone(tz))
    span = f"{first:%Y-%m-%d}" if first.date() == last.date() else \
        f"{first:%Y-%m-%d} – {last:%Y-%m-%d}"
    return f"{tl.name}, {span}"


def replace_older(video: Video) -> int:
    """An automatic video replaces the timelapse's older automatic ones when its rule says
    so (near-identical files would fill the disk). Returns how many were removed."""
    rule = RenderRule.get_or_none(RenderRule.timelapse == video.timelapse_id)
    if rule is None or not rule.replace_automatic:
        return 0
    older = list(Video.older_automatic(video))
    for old in older:
        delete_video(old)
    return len(older)


def delete_video(video: Video) -> None:
    """Delete the row, then its files (a reader never finds a row without its file)."""
    with db.atomic():
        video.delete_instance()
    remove_quietly(*(storage.media_path(p) for p in video.files()))
