"""rtsp:// and rtsps:// cameras through OpenCV's FFmpeg backend.

RTSPS decision: the opencv-python-headless wheel's FFmpeg is built with
--enable-openssl (its libavformat links the bundled libssl), and tests grab a frame
over TLS from a real GStreamer RTSPS server. So rtsps:// URLs go to OpenCV unchanged;
nothing here ever rewrites rtsps to rtsp, so a TLS failure is an error, never a silent
downgrade. FFmpeg does not verify the camera's certificate (its default; cameras use
self-signed ones): RTSPS protects against eavesdropping, not against impersonation.
"""
from __future__ import annotations

import os
import time

import cv2
import numpy as np

from pipelines.capture.errors import CaptureError, CaptureTimeout, failure
from pipelines.capture.rtsp_probe import diagnose

# Process-global and read by FFmpeg at every open. Setting it REPLACES OpenCV's own
# default (rtsp_transport=tcp), so TCP is restated here: interleaved TCP passes NAT and
# firewalls and never loses packets mid-keyframe. Low probing cut open -> first frame
# from ~3 s to ~1.3 s here. Set once at import, since setenv is not thread-safe.
CAPTURE_OPTIONS = "rtsp_transport;tcp|analyzeduration;500000|probesize;100000|fflags;nobuffer"
os.environ["OPENCV_FFMPEG_CAPTURE_OPTIONS"] = CAPTURE_OPTIONS

# OpenCV fixes both the open and the read timeout when the capture is created, so the
# budget is split: half to connect and describe, half to wait for a keyframe.
OPEN_SHARE = 0.5


def grab_rtsp(url: str, timeout: float) -> np.ndarray:
    """One BGR frame from an RTSP(S) stream within about TIMEOUT seconds."""
    start = time.monotonic()
    open_s = timeout * OPEN_SHARE
    params = [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, max(1, int(open_s * 1000)),
              cv2.CAP_PROP_READ_TIMEOUT_MSEC, max(1, int((timeout - open_s) * 1000))]
    try:
        capture = cv2.VideoCapture(url, cv2.CAP_FFMPEG, params)
    except cv2.error as exc:
        raise failure(CaptureError, url, f"OpenCV could not start the capture ({exc})") from None
    try:
        if not capture.isOpened():
            raise _open_failure(url, start, open_s, timeout)
        read_start = time.monotonic()
        ok, frame = capture.read()
    except cv2.error as exc:
        raise failure(CaptureError, url, f"OpenCV failed reading the stream ({exc})") from None
    finally:
        capture.release()
    if not ok or frame is None:
        raise _read_failure(url, time.monotonic() - read_start, timeout - open_s)
    return _as_bgr(frame)


def _open_failure(url: str, start: float, open_s: float, timeout: float) -> CaptureError:
    elapsed = time.monotonic() - start
    if elapsed >= open_s * 0.9:  # OpenCV's open timeout fired: the camera was too slow
        return failure(CaptureTimeout, url, f"the stream did not open in time "
                       f"(gave up after {elapsed:.1f} s)")
    # A quick failure has a reason worth naming (refused, 401, 404): ask the camera.
    return diagnose(url, max(0.5, timeout - elapsed))


def _read_failure(url: str, elapsed: float, read_s: float) -> CaptureError:
    if elapsed >= read_s * 0.9:
        return failure(CaptureTimeout, url, f"the stream opened but sent no frame within "
                       f"{read_s:.1f} s")
    return failure(CaptureError, url, "the stream ended before a frame could be decoded")


def _as_bgr(frame: np.ndarray) -> np.ndarray:
    if frame.ndim == 2:
        return cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)
    if frame.shape[2] == 4:
        return cv2.cvtColor(frame, cv2.COLOR_BGRA2BGR)
    return frame
