"""grab(): pick the source module by URL scheme."""
from __future__ import annotations

import numpy as np

from pipelines.capture.demo import grab_demo
from pipelines.capture.errors import CaptureError
from pipelines.capture.http_source import grab_http
from pipelines.capture.rtsp import grab_rtsp
from pipelines.capture.urls import validate_url


def grab(url: str, timeout: float) -> np.ndarray:
    """One BGR uint8 frame (H, W, 3) from URL, within about TIMEOUT seconds.

    Raises only CaptureError subclasses (an invalid URL is a plain CaptureError)."""
    if not timeout > 0:
        raise ValueError(f"timeout must be positive, not {timeout!r}")
    try:
        url = validate_url(url)
    except ValueError as exc:
        raise CaptureError(str(exc)) from None  # validate_url masks its messages
    scheme = url.partition("://")[0].lower()
    if scheme == "demo":
        return grab_demo(url)
    if scheme in ("rtsp", "rtsps"):
        return grab_rtsp(url, timeout)
    return grab_http(url, timeout)
