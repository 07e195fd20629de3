"""Turn the bytes a camera sent into a BGR frame, or say clearly why they are not one."""
from __future__ import annotations

import cv2
import numpy as np

from pipelines.capture.errors import CaptureBadData, failure

SOI, EOI = b"\xff\xd8", b"\xff\xd9"


def decode_image(data: bytes, url: str, content_type: str = "") -> np.ndarray:
    """DATA decoded to a BGR uint8 frame; CaptureBadData for pages, garbage or cut JPEGs."""
    if not data:
        raise failure(CaptureBadData, url, "the camera sent an empty response")
    if _looks_like_page(data, content_type):
        raise failure(CaptureBadData, url, "the camera answered with a web page, not an image: "
                      "check the snapshot URL and the credentials")
    # imread-style decoders happily return a half-grey image for a cut JPEG; imdecode
    # usually refuses, but the end marker check is cheap (~0.01 ms) and certain.
    if data.startswith(SOI) and not data.rstrip(b"\r\n\x00 ").endswith(EOI):
        raise failure(CaptureBadData, url, "the JPEG is truncated (no end-of-image marker)")
    frame = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if frame is None or frame.size == 0:
        kind = content_type or "unknown type"
        raise failure(CaptureBadData, url, f"the body ({len(data)} bytes, {kind}) "
                      "is not a decodable image")
    return frame


def _looks_like_page(data: bytes, content_type: str) -> bool:
    if "html" in content_type.lower():
        return True
    return data[:256].lstrip().lower().startswith((b"<!doctype", b"<html", b"<?xml", b"<head"))
