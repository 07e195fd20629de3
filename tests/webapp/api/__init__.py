"""Helpers for the API tests: rows with real JPEG files, and a DB snapshot to prove that a
refused request changed nothing."""
from __future__ import annotations

import datetime as dt

import cv2
import numpy as np

from models import Camera, Image, Job, Timelapse
from tasks import storage

T0 = dt.datetime(2026, 3, 14, 12, 0, tzinfo=dt.UTC)
PASSWORD = "s3cret-Pw"
SECRET_URL = f"rtsp://admin:{PASSWORD}@192.0.2.10:554/stream1"
MASKED_URL = "rtsp://admin:***@192.0.2.10:554/stream1"


def make_timelapse(camera: Camera, status: str = "running", **fields) -> Timelapse:
    fields.setdefault("name", "Garden")
    fields.setdefault("interval_seconds", 60)
    return Timelapse.create(camera=camera, status=status, started_at=T0, anchor_at=T0, **fields)


def make_image(tl: Timelapse, n: int, width: int = 64, height: int = 48) -> Image:
    """Frame N (0-based) of TL, a real JPEG on disk, one minute after the previous."""
    slot = T0 + dt.timedelta(minutes=n)
    rel, _ = storage.frame_paths(tl.id, slot)
    path = storage.media_path(rel)
    path.parent.mkdir(parents=True, exist_ok=True)
    pixels = np.full((height, width, 3), (n * 40) % 256, dtype=np.uint8)
    assert cv2.imwrite(str(path), pixels)
    return Image.create(timelapse=tl, slot_at=slot, captured_at=slot, day_number=1,
                        bytes=path.stat().st_size, width=width, height=height, path=rel)


def snapshot() -> dict:
    """Every row the API can change, to compare before and after a refused request."""
    return {model.__name__: list(model.select().order_by(model.id).dicts())
            for model in (Camera, Timelapse, Image, Job)}


def assert_error(response, status: int, field: str | None = None) -> dict:
    """A JSON error of STATUS with a message (and FIELD named in `fields`, if given)."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    body = response.get_json()
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body["fields"], dict)
    if field is not None:
        assert field in body["fields"], body
        assert body["fields"][field]
    return body
