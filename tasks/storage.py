"""Where files live under TL_DATA_DIR/media, and removing them with their rows.

Rows store paths relative to the media dir, so the data dir can move.
"""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import settings
from models import Camera, Timelapse, db
from pipelines.files import remove_quietly


def media_path(relative: str) -> Path:
    return settings.current.media_dir / relative


def frame_paths(tl_id: int, slot: dt.datetime) -> tuple[str, str]:
    """(frame, thumbnail) paths for a slot, relative to the media dir; one folder per UTC day."""
    day, stamp = slot.strftime("%Y-%m-%d"), slot.strftime("%H%M%S")
    return (f"timelapses/{tl_id}/frames/{day}/{stamp}.jpg",
            f"timelapses/{tl_id}/thumbs/{day}/{stamp}.jpg")


def preview_paths(camera_id: int) -> tuple[str, str]:
    return f"cameras/{camera_id}/preview.jpg", f"cameras/{camera_id}/preview_thumb.jpg"


def delete_timelapse(tl: Timelapse) -> None:
    """Delete the timelapse, its frames and jobs; its queued captures then find no row."""
    with db.atomic():
        tl.delete_instance(recursive=True)
    shutil.rmtree(media_path(f"timelapses/{tl.id}"), ignore_errors=True)


def delete_camera(camera: Camera) -> None:
    for tl in list(camera.timelapses):
        delete_timelapse(tl)
    with db.atomic():
        camera.delete_instance(recursive=True)
    remove_quietly(*(media_path(p) for p in preview_paths(camera.id)))
    shutil.rmtree(media_path(f"cameras/{camera.id}"), ignore_errors=True)
