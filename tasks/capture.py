"""The capture task: a thin wrapper around pipelines.capture.take_frame.

The scheduler decides whether the slot is still wanted (`claim_capture`) and what follows
(`frame_captured` / `capture_failed`); this module only grabs and saves.
"""
from __future__ import annotations

import datetime as dt

from peewee import IntegrityError

import settings
from models import Camera, Image, utcnow
from pipelines import capture as capture_pipeline
from pipelines.files import remove_quietly
from tasks import schedule, storage
from tasks.queue import huey


def camera_transform(camera: Camera) -> capture_pipeline.Transform:
    return capture_pipeline.Transform(
        rotation=camera.rotation,
        crop=tuple(camera.crop) if camera.crop else None,
        aspect=camera.aspect,
        aspect_mode=camera.aspect_mode,
    )


@huey.task()
def capture(tl_id: int, slot_iso: str, generation: int, attempt: int = 0) -> None:
    slot = dt.datetime.fromisoformat(slot_iso)
    tl = schedule.claim_capture(tl_id, slot, generation, attempt, utcnow())
    if tl is None:
        return
    camera = tl.camera
    rel, rel_thumb = storage.frame_paths(tl_id, slot)
    started = utcnow()
    try:
        frame = capture_pipeline.take_frame(
            camera.url, camera_transform(camera), storage.media_path(rel),
            storage.media_path(rel_thumb), quality=camera.jpeg_quality,
            timeout=settings.current.capture_timeout)
    except (capture_pipeline.CaptureError, ValueError) as exc:
        schedule.capture_failed(tl_id, slot, generation, attempt, str(exc))
        return
    finally:
        schedule.release_camera(camera.id)
    try:
        image = Image.create(
            timelapse=tl_id, slot_at=slot, captured_at=started, bytes=frame.bytes,
            day_number=schedule.day_number(tl, started), width=frame.width, height=frame.height,
            path=rel, thumb_path=rel_thumb, grab_ms=frame.grab_ms)
    except IntegrityError:  # the slot was filled meanwhile (or the timelapse deleted)
        remove_quietly(storage.media_path(rel), storage.media_path(rel_thumb))
        return
    schedule.frame_captured(tl_id, image.id)
