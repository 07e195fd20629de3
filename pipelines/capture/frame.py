"""take_frame(): grab, transform, encode and store one capture and its thumbnail."""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from pipelines.capture.errors import CaptureError
from pipelines.capture.sources import grab
from pipelines.capture.transform import Transform, apply_transform
from pipelines.files import remove_quietly, write_atomic

THUMB_QUALITY = 80


@dataclass(frozen=True)
class FrameResult:
    """What was stored: the frame's size and JPEG bytes, the grab time, the thumb size."""

    width: int
    height: int
    bytes: int
    grab_ms: float
    thumb_width: int
    thumb_height: int


def take_frame(url: str, transform: Transform, dest: Path, thumb_dest: Path, quality: int,
               timeout: float, thumb_width: int = 320) -> FrameResult:
    """Grab a frame from URL and store it as a JPEG at DEST plus a thumbnail at THUMB_DEST.

    Both files appear atomically; on any failure neither is left behind. The thumbnail
    is made from the frame in memory, never by decoding the JPEG just written."""
    if not 1 <= quality <= 100:
        raise ValueError(f"quality must be within 1..100, not {quality}")
    if thumb_width < 1:
        raise ValueError(f"thumb_width must be positive, not {thumb_width}")
    start = time.perf_counter()
    frame = grab(url, timeout)
    grab_ms = (time.perf_counter() - start) * 1000.0
    frame = apply_transform(frame, transform)
    height, width = frame.shape[:2]
    thumb = thumbnail(frame, thumb_width)
    jpeg, thumb_jpeg = encode_jpeg(frame, quality), encode_jpeg(thumb, THUMB_QUALITY)
    dest, thumb_dest = Path(dest), Path(thumb_dest)
    try:
        write_atomic(dest, jpeg)
        write_atomic(thumb_dest, thumb_jpeg)
    except BaseException:
        remove_quietly(dest, thumb_dest)
        raise
    return FrameResult(width=width, height=height, bytes=len(jpeg), grab_ms=round(grab_ms, 1),
                       thumb_width=thumb.shape[1], thumb_height=thumb.shape[0])


def thumbnail(frame: np.ndarray, width: int) -> np.ndarray:
    """FRAME resized to WIDTH pixels wide, aspect kept (INTER_AREA: no aliasing); a frame
    already narrower is kept as it is, never enlarged."""
    src_h, src_w = frame.shape[:2]
    if src_w <= width:
        return frame
    height = max(1, round(src_h * width / src_w))
    return cv2.resize(frame, (width, height), interpolation=cv2.INTER_AREA)


def encode_jpeg(frame: np.ndarray, quality: int) -> bytes:
    """FRAME as JPEG bytes at QUALITY (1..100)."""
    ok, buf = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:
        raise CaptureError(f"could not encode a {frame.shape} frame as JPEG")
    return buf.tobytes()
