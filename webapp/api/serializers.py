"""Rows as JSON-ready dicts, one function per resource (the HTML views may reuse them).

Camera URLs are masked and error texts scrubbed here, once, so no endpoint can leak a
stored password. Datetimes are ISO 8601 UTC with a trailing Z.
"""
from __future__ import annotations

import datetime as dt

from flask import url_for

from models import ACTIVE_STATES, Camera, Image, Job, Timelapse, Video
from pipelines.capture import mask_url, scrub
from webapp.views.images import variant_token


def iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def camera(row: Camera, active_ids: dict[int, int] | None = None) -> dict:
    """ACTIVE_IDS (from `active_timelapse_ids`) saves a list one query per camera."""
    if active_ids is None:
        active = row.active_timelapse()
        active_timelapse_id = active.id if active else None
    else:
        active_timelapse_id = active_ids.get(row.id)
    return {
        "id": row.id,
        "name": row.name,
        "url": mask_url(row.url),
        "enabled": row.enabled,
        "rotation": row.rotation,
        "crop": row.crop,
        "aspect": row.aspect,
        "aspect_mode": row.aspect_mode,
        "jpeg_quality": row.jpeg_quality,
        "status": row.status,
        "failures": row.failures,
        "last_error": scrub(row.last_error, row.url),
        "last_success_at": iso(row.last_success_at),
        "active_timelapse_id": active_timelapse_id,
        "created_at": iso(row.created_at),
        "latest_url": url_for("api.camera_latest", camera_id=row.id),
    }


def active_timelapse_ids() -> dict[int, int]:
    """camera id -> its running or paused timelapse id, in one query (for camera lists)."""
    query = Timelapse.select(Timelapse.id, Timelapse.camera).where(
        Timelapse.status.in_(ACTIVE_STATES))
    return {tl.camera_id: tl.id for tl in query}


def timelapse(row: Timelapse) -> dict:
    return {
        "id": row.id,
        "camera_id": row.camera_id,
        "name": row.name,
        "status": row.status,
        "interval_seconds": row.interval_seconds,
        "frame_count": row.frame_count,
        "next_capture_at": iso(row.next_capture_at),
        "last_frame_at": iso(row.last_frame_at),
        "started_at": iso(row.started_at),
        "completed_at": iso(row.completed_at),
        "created_at": iso(row.created_at),
        "windows": row.windows or [],
        "days": [int(d) for d in row.days],
        "sun_mode": row.sun_mode,
        "sunrise_offset": row.sunrise_offset,
        "sunset_offset": row.sunset_offset,
        "stop_at": iso(row.stop_at),
        "stop_after_frames": row.stop_after_frames,
        "stop_after_days": row.stop_after_days,
        "overlay_preset": row.overlay_preset,  # "" none, a built-in name, "custom:<id>"
        "images_url": url_for("api.timelapse_images", timelapse_id=row.id),
    }


def image(row: Image, full: bool = False) -> dict:
    """The list entry; FULL adds the fields of the single-image view."""
    data = {
        "id": row.id,
        "captured_at": iso(row.captured_at),
        "width": row.width,
        "height": row.height,
        "bytes": row.bytes,
        "url": url_for("api.image_file", image_id=row.id),
        "thumb_url": image_variant_url(row, "thumb"),
        "small_url": image_variant_url(row, "small"),
        "corruption_score": row.corruption_score,  # 0-100, 100 = perfect; null = not scored
        "flagged": row.flagged,  # suspect: kept, left out of videos
    }
    if full:
        data.update(timelapse_id=row.timelapse_id, slot_at=iso(row.slot_at),
                    day_number=row.day_number, weather=row.weather)  # weather at capture
    return data


def image_variant_url(row: Image, kind: str) -> str:
    """A variant's API URL, versioned by its file name like the pages' (cacheable for long)."""
    relative = row.thumb_path if kind == "thumb" else row.small_path
    version = {"v": variant_token(relative)} if relative else {}
    return url_for("api.image_variant", image_id=row.id, kind=kind, **version)


def job(row: Job) -> dict:
    # Capture errors are masked at the source; scrubbing again costs one query and
    # guarantees a password never leaves through a job either.
    url = row.camera.url if row.camera_id else ""
    return {
        "id": row.id,
        "kind": row.kind,
        "status": row.status,
        "progress": row.progress,
        "message": scrub(row.message, url),
        "error": scrub(row.error, url),
        "result": row.result,
        "camera_id": row.camera_id,
        "timelapse_id": row.timelapse_id,
        "created_at": iso(row.created_at),
        "started_at": iso(row.started_at),
        "finished_at": iso(row.finished_at),
    }


def images_after(timelapse_id: int, after_id: int, limit: int) -> tuple[list[Image], int | None]:
    """Up to LIMIT images with id > AFTER_ID, oldest first, and the cursor for the next page."""
    rows = list(Image.page(timelapse_id, after_id=after_id, limit=limit + 1))
    if len(rows) > limit:
        return rows[:limit], rows[limit - 1].id
    return rows, None


def video(row: Video) -> dict:
    return {
        "id": row.id,
        "timelapse_id": row.timelapse_id,
        "name": row.name,
        "codec": row.codec,
        "width": row.width,
        "height": row.height,
        "frames": row.frames,
        "fps": row.fps,
        "fps_clamped": row.fps_clamped,
        "duration": row.duration,
        "bytes": row.bytes,
        "trigger": row.trigger,
        "reason": row.reason,
        "settings": row.settings,
        "notes": row.notes,
        "first_frame_at": iso(row.first_frame_at),
        "last_frame_at": iso(row.last_frame_at),
        "created_at": iso(row.created_at),
        "render_seconds": row.render_seconds,
        "job_id": row.job_id,
        "file_url": url_for("api.video_file", video_id=row.id),
    }
