"""ffmpeg argument lists, built with ffmpeg-python: encode, join segments, preview.

Every command reports progress on stdout (`-progress pipe:1`), stays quiet on stderr but
for errors, and never reads stdin (it would otherwise wait on a terminal).
"""
from __future__ import annotations

from pathlib import Path

import ffmpeg

from pipelines.process import ffmpeg_path
from pipelines.video.plan import EncodePlan, rate_text

GLOBAL = ("-nostdin", "-hide_banner", "-loglevel", "error", "-progress", "pipe:1", "-nostats")
PREVIEW_RATE = 8  # frames per second of the animated preview
PREVIEW_QUALITY = 50


def _frame_filters(stream, plan: EncodePlan, width: int, height: int, temporal: bool = True):
    if plan.fit:  # mixed frame sizes: letterbox each one instead of stretching it
        stream = stream.filter("scale", width, height, force_original_aspect_ratio="decrease")
        stream = stream.filter("pad", width, height, "(ow-iw)/2", "(oh-ih)/2")
    else:
        stream = stream.filter("scale", width, height)
    if temporal and plan.deflicker:
        stream = stream.filter("deflicker", size=5)
    if temporal and plan.blend:
        stream = stream.filter("tmix", frames=3, weights="1 2 1")
    return stream


def _compile(node) -> list[str]:
    return node.global_args(*GLOBAL).overwrite_output().compile(cmd=ffmpeg_path())


def encode_args(source, plan: EncodePlan, output: Path, frames: int, final: bool) -> list[str]:
    """Encode FRAMES frames from the SOURCE node into OUTPUT; `-frames:v` ends a group's
    range of links exactly (a concat list would even add a frame). A FINAL MP4 gets its
    index at the front (+faststart) so a browser can play it while it downloads."""
    stream = _frame_filters(source, plan, plan.width, plan.height).filter("format", "yuv420p")
    options = {"f": plan.container, "r": rate_text(plan.rate), "frames:v": frames,
               **plan.codec_options()}
    if plan.container == "mp4":
        options["video_track_timescale"] = plan.timescale
        if final:
            options["movflags"] = "+faststart"
    return _compile(stream.output(str(output), **options))


def join_args(list_path: Path, plan: EncodePlan, output: Path) -> list[str]:
    """Join encoded segments listed in LIST_PATH without re-encoding them."""
    options = {"f": plan.container, "c": "copy"}
    if plan.container == "mp4":
        options.update(movflags="+faststart", video_track_timescale=plan.timescale)
        if plan.codec == "h265":
            options["tag:v"] = "hvc1"
    return _compile(ffmpeg.input(str(list_path), f="concat", safe=0).output(str(output),
                                                                             **options))


def preview_args(source, plan: EncodePlan, width: int, height: int, output: Path,
                 frames: int) -> list[str]:
    """A small looping animated WebP of a few sampled frames (for cards). Sampled frames
    are far apart, so filters that look at neighbours are left out."""
    stream = _frame_filters(source, plan, width, height, temporal=False)
    return _compile(stream.output(str(output), f="webp", vcodec="libwebp_anim", loop=0,
                                  quality=PREVIEW_QUALITY, r=PREVIEW_RATE,
                                  **{"frames:v": frames}))
