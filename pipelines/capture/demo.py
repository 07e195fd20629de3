"""demo:// — a synthetic camera, so the app can be tried (and tested) without hardware.

The scene moves with the wall clock: the sun crosses the sky once a minute and the
current date/time is printed on the frame, so consecutive captures always differ.
"""
from __future__ import annotations

import functools
import time
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import cv2
import numpy as np

from pipelines.capture.errors import CaptureError, failure

DEFAULT_SIZE = (1280, 720)
MAX_SIDE = 7680


def grab_demo(url: str) -> np.ndarray:
    """One BGR frame of the demo scene; size from ?width=&height= (default 1280x720)."""
    width, height = _size(url)
    frame = _background(width, height).copy()
    now = time.time()
    _draw_sun(frame, now)
    _draw_cloud(frame, now)
    _draw_text(frame, datetime.now().astimezone())
    return frame


def _size(url: str) -> tuple[int, int]:
    query = parse_qs(urlsplit(url).query)
    try:
        width = int(query.get("width", [DEFAULT_SIZE[0]])[0])
        height = int(query.get("height", [DEFAULT_SIZE[1]])[0])
    except ValueError:
        raise failure(CaptureError, url, "width and height must be whole numbers") from None
    if not (16 <= width <= MAX_SIDE and 16 <= height <= MAX_SIDE):
        raise failure(CaptureError, url, f"width and height must be within 16..{MAX_SIDE}")
    return width, height


@functools.lru_cache(maxsize=4)
def _background(width: int, height: int) -> np.ndarray:
    """Sky gradient, ground and houses: static, so drawn once per size (read-only cache)."""
    horizon = int(height * 0.7)
    ramp = np.linspace(0.0, 1.0, horizon, dtype=np.float32)[:, None]
    top, bottom = np.array([160, 90, 30], np.float32), np.array([250, 215, 170], np.float32)
    frame = np.empty((height, width, 3), np.uint8)
    frame[:horizon] = (top + (bottom - top) * ramp)[:, None, :].astype(np.uint8)
    frame[horizon:] = (60, 130, 70)  # grass (BGR)
    unit = max(1, width // 32)
    for i, x in enumerate(range(unit * 2, width - unit * 4, unit * 7)):
        roof = horizon - unit * (3 + i % 3)
        cv2.rectangle(frame, (x, roof), (x + unit * 4, horizon + unit), (70, 90, 150), -1)
        peak = np.array([[x - unit // 2, roof], [x + unit * 2, roof - unit * 2],
                         [x + unit * 4 + unit // 2, roof]], np.int32)
        cv2.fillPoly(frame, [peak], (40, 40, 120))
        cv2.rectangle(frame, (x + unit, roof + unit), (x + unit * 2, roof + unit * 2),
                      (120, 220, 240), -1)
    # A real sensor leaves a little noise in every row; without it whole stretches of the
    # drawn scene repeat row for row, which is exactly what a lost-packet smear looks like.
    noise = np.random.default_rng(7).normal(0.0, 2.0, frame.shape)
    frame = np.clip(frame + noise, 0, 255).astype(np.uint8)
    frame.setflags(write=False)
    return frame


def _draw_sun(frame: np.ndarray, now: float) -> None:
    height, width = frame.shape[:2]
    phase = (now % 60.0) / 60.0  # one crossing per minute
    x = int(phase * width)
    y = int(height * (0.6 - 0.45 * np.sin(np.pi * phase)))
    radius = max(4, height // 14)
    cv2.circle(frame, (x, y), radius, (60, 220, 255), -1, cv2.LINE_AA)


def _draw_cloud(frame: np.ndarray, now: float) -> None:
    height, width = frame.shape[:2]
    x = int((now * width / 120.0) % (width + height // 2)) - height // 4
    y, size = height // 6, max(3, height // 20)
    for dx, dy in ((0, 0), (size, -size // 2), (size * 2, 0), (size, size // 3)):
        cv2.circle(frame, (x + dx, y + dy), size, (245, 245, 245), -1, cv2.LINE_AA)


def _draw_text(frame: np.ndarray, now: datetime) -> None:
    height = frame.shape[0]
    scale = max(0.4, height / 720.0)
    text = now.strftime("%Y-%m-%d %H:%M:%S %Z")
    org = (int(16 * scale), height - int(20 * scale))
    # Dark outline under white text keeps it readable on any background.
    cv2.putText(frame, text, org, cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0),
                max(2, int(5 * scale)), cv2.LINE_AA)
    cv2.putText(frame, text, org, cv2.FONT_HERSHEY_SIMPLEX, scale, (255, 255, 255),
                max(1, int(2 * scale)), cv2.LINE_AA)
