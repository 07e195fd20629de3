"""Timelapse videos: render settings, frame selection, the ffmpeg run with progress, and
incremental rendering from cached day segments.

    RenderSettings.merged(defaults, timelapse, override)   clean_settings(data, form=...)
    render(frames, settings, Outputs(video, poster, preview, cache_dir), tz, report)
        -> RenderResult (frames, fps, fps_clamped, duration, size, notes, ...)

Frames are FrameRef(path, captured_at, width, height), oldest first, as an iterator; they
reach ffmpeg as a folder of numbered links (sources.py, the stage a piped source can replace).
Failures are RenderError with a message for people; `report` raising cancels the render
(ffmpeg is killed, partial files removed).
"""
from pipelines.video.frames import FrameRef, Selection
from pipelines.video.render import Outputs, RenderError, RenderResult, render
from pipelines.video.settings import (
    CODECS,
    CONTAINERS,
    FPS_MODES,
    QUALITIES,
    RESOLUTIONS,
    SPEEDS,
    RenderSettings,
    clean_settings,
)

__all__ = [
    "CODECS",
    "CONTAINERS",
    "FPS_MODES",
    "QUALITIES",
    "RESOLUTIONS",
    "SPEEDS",
    "FrameRef",
    "Outputs",
    "RenderError",
    "RenderResult",
    "RenderSettings",
    "Selection",
    "clean_settings",
    "render",
]
