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
from pipelines.thumbnails import VariantSpec


def media_path(relative: str) -> Path:
    return settings.current.media_dir / relative


def frame_paths(tl_id: int, slot: dt.datetime) -> tuple[str, str]:
    """(frame, thumbnail) paths for a slot, relative to the media dir; one folder per UTC day.
    The thumbnail name is the one used before variants carried their settings in their
    names (see `variant_path`); rows made then still point at it."""
    day, stamp = slot.strftime("%Y-%m-%d"), slot.strftime("%H%M%S")
    return (f"timelapses/{tl_id}/frames/{day}/{stamp}.jpg",
            f"timelapses/{tl_id}/thumbs/{day}/{stamp}.jpg")


# A frame's files live in these folders of its timelapse; the orphan check walks them.
VARIANT_FOLDERS = {"thumb": "thumbs", "small": "small"}
FRAME_FOLDERS = ("frames", *VARIANT_FOLDERS.values())


def variant_path(tl_id: int, slot: dt.datetime, kind: str, spec: VariantSpec) -> str:
    """Where the KIND ("thumb" | "small") variant of a slot's frame lives, e.g.
    timelapses/3/small/2026-05-01/080000.w1280q80.jpg: other settings, another name."""
    day, stamp = slot.strftime("%Y-%m-%d"), slot.strftime("%H%M%S")
    return f"timelapses/{tl_id}/{VARIANT_FOLDERS[kind]}/{day}/{stamp}.{spec.tag}.{spec.ext}"


def quarantine_path(camera_id: int, tl_id: int, slot: dt.datetime, attempt: int) -> str:
    """Where a discarded frame waits for a person to check the detector; under the camera's
    folder, so deleting the camera deletes it (the tick removes it after a while)."""
    return f"cameras/{camera_id}/quarantine/{slot:%Y-%m-%d}/{tl_id}-{slot:%H%M%S}-{attempt}.jpg"


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
