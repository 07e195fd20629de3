"""Camera-like test frames shared by the benchmarks."""
from __future__ import annotations

import cv2
import numpy as np


def camera_like(width: int, height: int, n: int, rng) -> np.ndarray:
    """A gradient sky, a drifting shape and mild sensor noise: about what a camera sends."""
    y = np.linspace(0, 1, height, dtype=np.float32)[:, None]
    x = np.linspace(0, 1, width, dtype=np.float32)[None, :]
    sky = np.stack(np.broadcast_arrays(150 + 60 * y + 10 * x, 120 + 50 * y + 0 * x,
                                       90 + 40 * x + 0 * y), axis=-1)
    img = np.clip(sky, 0, 255).astype(np.uint8)
    cx, cy = int(width * (0.2 + 0.6 * (n % 100) / 100)), height // 2
    cv2.circle(img, (cx, cy), height // 6, (40, 80, 160), -1)
    cv2.rectangle(img, (0, height * 2 // 3), (width, height), (60, 110, 70), -1)
    noise = rng.normal(0, 4, img.shape).astype(np.int16)
    return np.clip(img.astype(np.int16) + noise, 0, 255).astype(np.uint8)
