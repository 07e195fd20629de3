"""The capture task: a thin wrapper around pipelines.capture.take_frame.

The scheduler decides whether the slot is still wanted (`claim_capture`) and what follows
(`frame_captured` / `capture_failed` / `frame_scored`: re-capture, degraded mode); this
module only grabs and saves. The corruption score is made inside take_frame from the frame
in memory: a corrupt frame goes to the quarantine and gets no Image row.
"""
from __future__ import annotations

import datetime as dt

from peewee import IntegrityError

import settings
from models import Camera, Image, utcnow
from pipelines import capture as capture_pipeline
from pipelines.corruption import FLAG
from pipelines.files import remove_quietly
from pipelines.thumbnails import Target
from tasks import corruption, schedule, storage, thumbnail_settings
from tasks import overlays as overlay_tasks
from tasks import weather as weather_tasks
from tasks.queue import huey


def camera_transform(camera: Camera) -> capture_pipeline.Transform:
    return capture_pipeline.Transform(
        rotation=camera.rotation,
        crop=tuple(camera.crop) if camera.crop else None,
        aspect=camera.aspect,
        aspect_mode=camera.aspect_mode,
    )


def variant_paths(tl_id: int, slot: dt.datetime) -> dict:
    """kind -> (spec, relative path) of the variants a new frame gets (running timelapse)."""
    conf = thumbnail_settings.load()
    return {kind: (conf.spec(kind), storage.variant_path(tl_id, slot, kind, conf.spec(kind)))
            for kind in thumbnail_settings.KINDS}


@huey.task()
def capture(tl_id: int, slot_iso: str, generation: int, attempt: int = 0) -> None:
    slot = dt.datetime.fromisoformat(slot_iso)
    tl = schedule.claim_capture(tl_id, slot, generation, attempt, utcnow())
    if tl is None:
        return
    camera = tl.camera
    rel = storage.frame_paths(tl_id, slot)[0]
    variants = variant_paths(tl_id, slot)
    quarantine = storage.quarantine_path(camera.id, tl_id, slot, attempt)
    started = utcnow()
    weather = weather_tasks.snapshot(started)  # the cached reading: never a network call
    day = schedule.day_number(tl, started)
    try:
        frame = capture_pipeline.take_frame(
            camera.url, camera_transform(camera), storage.media_path(rel),
            [Target(spec, storage.media_path(p)) for spec, p in variants.values()],
            quality=camera.jpeg_quality, timeout=settings.current.capture_timeout,
            check=corruption.frame_check(camera), quarantine=storage.media_path(quarantine),
            paint=overlay_tasks.burn_in(tl, started, day, weather))
    except (capture_pipeline.CaptureError, ValueError) as exc:
        schedule.capture_failed(tl_id, slot, generation, attempt, str(exc))
        return
    finally:
        schedule.release_camera(camera.id)
    score = frame.evaluation
    if not frame.kept:
        schedule.frame_scored(tl_id, slot, generation, attempt, score, quarantine=quarantine)
        return
    try:
        image = Image.create(
            timelapse=tl_id, slot_at=slot, captured_at=started, bytes=frame.bytes,
            day_number=day, width=frame.width, height=frame.height, weather=weather,
            path=rel, thumb_path=variants["thumb"][1], small_path=variants["small"][1],
            grab_ms=frame.grab_ms, corruption_score=score.score if score else None,
            flagged=score is not None and score.action == FLAG)
    except IntegrityError:  # the slot was filled meanwhile (or the timelapse deleted)
        remove_quietly(*(storage.media_path(p) for p in (rel, *(v[1] for v in variants.values()))))
        return
    if score is not None:
        schedule.frame_scored(tl_id, slot, generation, attempt, score, image_id=image.id)
    schedule.frame_captured(tl_id, image.id)
