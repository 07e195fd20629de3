"""take_frame(): grab, transform, encode and store one capture and its variants."""
from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from pipelines.capture.errors import CaptureError
from pipelines.capture.sources import grab
from pipelines.capture.transform import Transform, apply_transform
from pipelines.corruption import Evaluation, FrameCheck, judge
from pipelines.files import write_all, write_atomic
from pipelines.thumbnails import Target, Variant, make_variants


@dataclass(frozen=True)
class FrameResult:
    """What was stored: the frame's size and JPEG bytes, the grab time, the variants made
    (in the order of the targets asked for)."""

    width: int
    height: int
    bytes: int
    grab_ms: float
    variants: tuple[Variant, ...] = ()
    evaluation: Evaluation | None = None  # the corruption score, when a check was asked for

    @property
    def kept(self) -> bool:
        """False when the frame scored as corrupt: it went to the quarantine, not to DEST."""
        return self.evaluation is None or not self.evaluation.corrupt


def take_frame(url: str, transform: Transform, dest: Path, variants: Sequence[Target],
               quality: int, timeout: float, check: FrameCheck | None = None,
               quarantine: Path | None = None,
               paint: Callable[[np.ndarray], object] | None = None) -> FrameResult:
    """Grab a frame from URL and store it as a JPEG at DEST, plus each of VARIANTS
    (thumbnail, small image) at its own path.

    All files appear atomically; on any failure none is left behind. The variants are
    made from the frame in memory, never by decoding the JPEG just written. With CHECK the
    frame in memory is scored first (pipelines.corruption); a corrupt one is written to
    QUARANTINE (if given) instead, without variants, and the result says `kept=False`.
    PAINT, when given, draws on a kept frame (a burned-in overlay) after it was scored."""
    if not 1 <= quality <= 100:
        raise ValueError(f"quality must be within 1..100, not {quality}")
    start = time.perf_counter()
    frame = grab(url, timeout)
    grab_ms = (time.perf_counter() - start) * 1000.0
    frame = apply_transform(frame, transform)
    height, width = frame.shape[:2]
    jpeg = encode_jpeg(frame, quality)
    evaluation = judge(frame, check, len(jpeg)) if check is not None else None
    if evaluation is not None and evaluation.corrupt:
        if quarantine is not None:
            write_atomic(Path(quarantine), jpeg)
        return FrameResult(width=width, height=height, bytes=len(jpeg),
                           grab_ms=round(grab_ms, 1), evaluation=evaluation)
    if paint is not None:  # scored clean above; what is saved carries the overlay
        frame = np.array(frame, copy=True, order="C")  # the source's buffer may be shared
        paint(frame)
        jpeg = encode_jpeg(frame, quality)
    made = make_variants(frame, [target.spec for target in variants])
    write_all([(Path(dest), jpeg),
               *((Path(target.path), v.data) for target, v in zip(variants, made, strict=True))])
    return FrameResult(width=width, height=height, bytes=len(jpeg), grab_ms=round(grab_ms, 1),
                       variants=tuple(made), evaluation=evaluation)


def encode_jpeg(frame: np.ndarray, quality: int) -> bytes:
    """FRAME as JPEG bytes at QUALITY (1..100)."""
    ok, buf = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:
        raise CaptureError(f"could not encode a {frame.shape} frame as JPEG")
    return buf.tobytes()
