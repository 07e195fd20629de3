"""Camera sources (rtsp/rtsps, http snapshot, mjpeg, demo) and frame transforms.

    grab(url, timeout) -> BGR frame          take_frame(...) -> FrameResult
    validate_url(url) / mask_url(url)        Transform + apply_transform(frame, t)
    scrub(text, url): TEXT with URL's password and secret query values replaced by ***

Every failure is a CaptureError subclass whose message is safe to show (masked).
Importing this package sets OPENCV_FFMPEG_CAPTURE_OPTIONS (see capture/rtsp.py).
"""
from pipelines.capture.errors import (
    CaptureAuthError,
    CaptureBadData,
    CaptureError,
    CaptureRefused,
    CaptureTimeout,
)
from pipelines.capture.frame import FrameResult, take_frame
from pipelines.capture.sources import grab
from pipelines.capture.transform import Transform, apply_transform
from pipelines.capture.urls import mask_url, scrub, validate_url

__all__ = [
    "CaptureAuthError",
    "CaptureBadData",
    "CaptureError",
    "CaptureRefused",
    "CaptureTimeout",
    "FrameResult",
    "Transform",
    "apply_transform",
    "grab",
    "mask_url",
    "scrub",
    "take_frame",
    "validate_url",
]
