"""Page tests for the HTML views, plus helpers that make real rows and real JPEG files."""
from __future__ import annotations

import datetime as dt
import io

from PIL import Image as PILImage

from models import Camera, Image, Timelapse
from tasks import storage

START = dt.datetime(2026, 5, 1, 8, 0, tzinfo=dt.UTC)
SECRET_URL = "rtsp://admin:hunter22@127.0.0.1:8554/x"


def jpeg_bytes(width: int = 64, height: int = 36, shade: int = 128) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), (shade, 90, 200 - shade // 2)).save(buffer, "JPEG")
    return buffer.getvalue()


def make_timelapse(camera: Camera, status: str = "running", **fields) -> Timelapse:
    fields.setdefault("name", "Garden")
    fields.setdefault("interval_seconds", 60)
    return Timelapse.create(camera=camera, status=status, started_at=START, anchor_at=START,
                            **fields)


def make_frames(tl: Timelapse, count: int) -> list[Image]:
    """COUNT frames with real JPEG files (frame and thumbnail), one a minute, oldest first."""
    frames = []
    for i in range(count):
        slot = START + dt.timedelta(minutes=i)
        rel, rel_thumb = storage.frame_paths(tl.id, slot)
        data = jpeg_bytes(shade=i % 256)
        for path, content in ((rel, data), (rel_thumb, jpeg_bytes(32, 18, i % 256))):
            storage.media_path(path).parent.mkdir(parents=True, exist_ok=True)
            storage.media_path(path).write_bytes(content)
        frames.append(Image.create(timelapse=tl, slot_at=slot, captured_at=slot, day_number=1,
                                   bytes=len(data), width=64, height=36, path=rel,
                                   thumb_path=rel_thumb))
    Timelapse.update(frame_count=count).where(Timelapse.id == tl.id).execute()
    return frames


def html(response) -> str:
    return response.get_data(as_text=True)
