"""Run the detectors and turn their checks into one 0-100 score and an action.

`evaluate_frame` takes the frame the capture already decoded (no second decode);
`evaluate_bytes` takes what a camera sent (an upload, a test) and decodes it strictly.
"""
from __future__ import annotations

import io
import time
import warnings

import numpy as np
from PIL import Image as PILImage

from pipelines.corruption import fast, heavy
from pipelines.corruption.model import Check, Evaluation, FrameCheck, History, Thresholds

SOI, EOI = b"\xff\xd8", b"\xff\xd9"
PAGE_STARTS = (b"<!doctype", b"<html", b"<?xml", b"<head", b"<body", b"{")


def evaluate_frame(frame: np.ndarray, thresholds: Thresholds | None = None,
                   history: History | None = None, heavy_checks: bool = False,
                   size: int | None = None) -> Evaluation:
    """Score a decoded BGR (or grey) uint8 FRAME; SIZE is its file size in bytes, if known."""
    if frame is None or frame.size == 0 or frame.dtype != np.uint8:
        raise ValueError("frame must be a non-empty uint8 image array")
    return _evaluate(frame, thresholds or Thresholds(), history or History(), heavy_checks,
                     size, Check("decodable", True, "decoded"), 0.0)


def judge(frame: np.ndarray, check: FrameCheck, size: int | None = None) -> Evaluation:
    """The capture's call: score FRAME as CHECK says (SIZE: its JPEG's bytes, if known)."""
    return evaluate_frame(frame, check.thresholds, check.history, check.heavy, size)


def evaluate_bytes(data: bytes, thresholds: Thresholds | None = None,
                   history: History | None = None, heavy_checks: bool = True) -> Evaluation:
    """Score the bytes a camera sent: an HTML page, a cut JPEG or garbage scores 0."""
    thresholds, history = thresholds or Thresholds(), history or History()
    start = time.perf_counter()
    frame, problem = decode(data)
    decode_ms = (time.perf_counter() - start) * 1000.0
    if frame is None:
        checks = (Check("decodable", False, problem, fast.PENALTY_BROKEN),)
        return Evaluation(score=0, action=thresholds.action(0), checks=checks,
                          fast_ms=round(decode_ms, 2))
    return _evaluate(frame, thresholds, history, heavy_checks, len(data),
                     Check("decodable", True, f"a {problem}"), decode_ms)


def _evaluate(frame: np.ndarray, t: Thresholds, history: History, heavy_checks: bool,
              size: int | None, decodable: Check, spent_ms: float) -> Evaluation:
    start = time.perf_counter()
    sample = fast.sample(frame)
    checks = [decodable, *fast.run(sample, t, history, size)]
    fast_ms = spent_ms + (time.perf_counter() - start) * 1000.0
    heavy_ms = None
    if heavy_checks:
        start = time.perf_counter()
        checks += heavy.run(sample, t, history)
        heavy_ms = round((time.perf_counter() - start) * 1000.0, 2)
    score = max(0, 100 - sum(c.penalty for c in checks if not c.passed))
    return Evaluation(score=score, action=t.action(score), checks=tuple(checks),
                      fast_ms=round(fast_ms, 2), heavy_ms=heavy_ms, stats=sample.stats)


def decode(data: bytes) -> tuple[np.ndarray | None, str]:
    """(BGR frame, what it was) or (None, why it is not a picture). A full, strict decode:
    Pillow's verify() alone passes a cut JPEG, and OpenCV fills the missing part with grey."""
    if not data:
        return None, "the file is empty"
    if data[:256].lstrip().lower().startswith(PAGE_STARTS):
        return None, "a web page or text, not an image (check the snapshot URL and login)"
    if data.startswith(SOI) and not data.rstrip(b"\r\n\x00 ").endswith(EOI):
        return None, "the JPEG is truncated: no end-of-image marker"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            with PILImage.open(io.BytesIO(data)) as image:
                image.load()  # decodes every byte: a cut file raises here
                kind = f"{image.format or 'image'} of {image.width}x{image.height}"
                rgb = np.asarray(image.convert("RGB"))
    except (OSError, ValueError, SyntaxError, PILImage.DecompressionBombError,
            PILImage.DecompressionBombWarning) as exc:
        return None, f"not a decodable image ({len(data)} bytes: {exc})"
    return np.ascontiguousarray(rgb[..., ::-1]), kind
