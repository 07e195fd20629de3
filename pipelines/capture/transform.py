"""Frame transforms applied to every capture, in a fixed order: crop, rotate, aspect."""
from __future__ import annotations

import re
from dataclasses import dataclass

import cv2
import numpy as np

_ROTATIONS = {0: None, 90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180,
              270: cv2.ROTATE_90_COUNTERCLOCKWISE}
_ASPECT = re.compile(r"\s*(\d{1,5})\s*:\s*(\d{1,5})\s*")


@dataclass(frozen=True)
class Transform:
    """How to turn a raw camera frame into the stored one.

    rotation: clockwise degrees (0/90/180/270); crop: (x, y, w, h) in source pixels,
    clipped to the frame; aspect: "" or "W:H"; aspect_mode: "crop" (centre crop) or
    "pad" (black bars). Invalid values raise ValueError on construction.
    """

    rotation: int = 0
    crop: tuple[int, int, int, int] | None = None
    aspect: str = ""
    aspect_mode: str = "crop"

    def __post_init__(self) -> None:
        if self.rotation not in _ROTATIONS:
            raise ValueError(f"rotation must be 0, 90, 180 or 270, not {self.rotation!r}")
        if self.crop is not None:
            # Accept a list (from JSON) but store a tuple, so Transform stays hashable.
            object.__setattr__(self, "crop", tuple(int(v) for v in self.crop))
        if self.crop is not None and (len(self.crop) != 4 or min(self.crop[2:]) <= 0):
            raise ValueError(f"crop must be (x, y, width, height), size > 0: {self.crop}")
        if self.aspect:
            parse_aspect(self.aspect)
        if self.aspect_mode not in ("crop", "pad"):
            raise ValueError(f'aspect_mode must be "crop" or "pad", not {self.aspect_mode!r}')


def parse_aspect(aspect: str) -> tuple[int, int]:
    """"16:9" -> (16, 9); ValueError for anything else."""
    match = _ASPECT.fullmatch(aspect)
    if not match or 0 in (int(match[1]), int(match[2])):
        raise ValueError(f'aspect must look like "16:9", not {aspect!r}')
    return int(match[1]), int(match[2])


def apply_transform(frame: np.ndarray, transform: Transform) -> np.ndarray:
    """FRAME cropped, rotated, then fitted to the aspect (a new array when anything changes)."""
    if transform.crop is not None:
        frame = crop_frame(frame, transform.crop)
    rotate_code = _ROTATIONS[transform.rotation]
    if rotate_code is not None:
        frame = cv2.rotate(frame, rotate_code)
    if transform.aspect:
        frame = fit_aspect(frame, parse_aspect(transform.aspect), transform.aspect_mode)
    return frame


def crop_frame(frame: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    """The part of FRAME inside BOX, clipped; ValueError when BOX misses the frame."""
    height, width = frame.shape[:2]
    x, y, w, h = (int(v) for v in box)
    x0, y0, x1, y1 = max(0, x), max(0, y), min(width, x + w), min(height, y + h)
    if x1 <= x0 or y1 <= y0:
        raise ValueError(f"crop {box} lies outside the {width}x{height} frame")
    # A copy, so the stored frame does not pin the whole source image in memory.
    return np.ascontiguousarray(frame[y0:y1, x0:x1])


def fit_aspect(frame: np.ndarray, ratio: tuple[int, int], mode: str) -> np.ndarray:
    """FRAME centre-cropped ("crop") or padded with black ("pad") to RATIO (w, h)."""
    height, width = frame.shape[:2]
    aw, ah = ratio
    if width * ah == height * aw:
        return frame
    wider = width * ah > height * aw  # wider than the target ratio
    if mode == "crop":
        if wider:
            new_w = max(1, round(height * aw / ah))
            left = (width - new_w) // 2
            return np.ascontiguousarray(frame[:, left:left + new_w])
        new_h = max(1, round(width * ah / aw))
        top = (height - new_h) // 2
        return np.ascontiguousarray(frame[top:top + new_h])
    if wider:
        extra = round(width * ah / aw) - height
        top = extra // 2
        return cv2.copyMakeBorder(frame, top, extra - top, 0, 0, cv2.BORDER_CONSTANT, value=0)
    extra = round(height * aw / ah) - width
    left = extra // 2
    return cv2.copyMakeBorder(frame, 0, 0, left, extra - left, cv2.BORDER_CONSTANT, value=0)
