"""Overlays: time, day and frame number, names, custom text, weather and sunrise/sunset,
and a watermark, laid out on a 3x3 grid and drawn on frames at video time.

    config, errors = clean_config(data)          # the JSON stored on presets/timelapses
    painter = Painter(config, Context(tz, camera, timelapse, lat, lon), watermark_image)
    painter.paint(bgr_frame, FrameInfo(captured_at, number, day, weather))  # in place

Frames on disk stay clean: a video draws from each frame's stored capture data.
"""
from pipelines.overlays.generators import Context, FrameInfo, item_text
from pipelines.overlays.painter import Painter
from pipelines.overlays.spec import (
    BUILTIN_PRESETS,
    DEFAULT_FORMATS,
    KIND_NAMES,
    KINDS,
    POSITIONS,
    STYLE_DEFAULTS,
    UNITS,
    WATERMARK_DEFAULTS,
    clean_config,
    diff,
    empty,
    fingerprint,
    is_empty,
    merged,
)
from pipelines.overlays.watermark import WatermarkError, check_upload

__all__ = [
    "BUILTIN_PRESETS",
    "DEFAULT_FORMATS",
    "KINDS",
    "KIND_NAMES",
    "POSITIONS",
    "STYLE_DEFAULTS",
    "UNITS",
    "WATERMARK_DEFAULTS",
    "Context",
    "FrameInfo",
    "Painter",
    "WatermarkError",
    "check_upload",
    "clean_config",
    "diff",
    "empty",
    "fingerprint",
    "is_empty",
    "item_text",
    "merged",
]
