"""A timelapse video from a stream of frames: select, list, encode (in one pass or in cached
day segments), then a poster and an animated preview.

Finished files only: ffmpeg writes to a dot-named partial file beside the target, which is
moved into place when complete and removed on any failure or cancel. Cancelling is the
REPORT callback raising: ffmpeg is killed at its next progress line.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import io
import os
import tempfile
from collections.abc import Iterable, Iterator
from fractions import Fraction
from pathlib import Path
from zoneinfo import ZoneInfo

from PIL import Image, ImageOps

from pipelines.files import write_atomic
from pipelines.process import ProcessError, stream
from pipelines.video.command import PREVIEW_RATE, encode_args, preview_args
from pipelines.video.frames import FrameRef, Selection, Skipped, select
from pipelines.video.piped import Overlay, PipeSource
from pipelines.video.plan import EncodePlan, frame_rate, output_size
from pipelines.video.progress import ProgressParser, Report
from pipelines.video.segments import has_cache, render_segments
from pipelines.video.settings import RenderSettings
from pipelines.video.sources import FrameSet, Group, LinkSource

MIN_SEGMENT_FRAMES = 50  # fewer frames a day on average: one pass (each segment starts a GOP)
# Scratch space for the frame links: in RAM where there is some. On a disk, removing a few
# hundred links waited on the journal behind the database's syncs (0.4-0.9 s a render).
SCRATCH = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
PREVIEW_WIDTH = 320
CHECK_REPORT_EVERY = 500  # frames between reports while checking files (cancel works there too)


class RenderError(Exception):
    """A video that cannot be made, with a message fit for people."""


@dataclasses.dataclass(frozen=True)
class Outputs:
    video: Path
    poster: Path | None = None
    preview: Path | None = None
    cache_dir: Path | None = None  # day segments live here; None: always one pass
    # Start a cache for a plan that has none: worth it for renders that repeat (automatic
    # ones). A cold cache costs about twice a single pass (one encoder start per day).
    fill_cache: bool = True


@dataclasses.dataclass
class RenderResult:
    frames: int
    fps: float
    fps_clamped: bool
    duration: float
    width: int
    height: int
    bytes: int
    first_at: dt.datetime
    last_at: dt.datetime
    notes: list[str]
    segments_reused: int = 0
    segments_encoded: int = 0
    has_poster: bool = False
    has_preview: bool = False


def render(frames: Iterable[FrameRef], s: RenderSettings, outputs: Outputs, tz: ZoneInfo,
           report: Report, overlay: Overlay | None = None) -> RenderResult:
    """Render FRAMES (oldest first) with settings S into OUTPUTS; REPORT(percent, message,
    figures) is called as work goes on and may raise to cancel. With OVERLAY the frames are
    decoded here, drawn on and piped to ffmpeg (piped.py); else ffmpeg reads the files."""
    skipped = Skipped()
    with tempfile.TemporaryDirectory(prefix="tl-render-", dir=SCRATCH) as work:
        segmented = outputs.cache_dir is not None and s.incremental and not (
            s.deflicker or s.blend)
        source = LinkSource(Path(work), tz, by_day=segmented) if overlay is None else \
            PipeSource(Path(work), tz, segmented, overlay)
        report(0, "Checking frames…", {})
        fs = source.write(select(_reporting(frames, report), Selection.of(s, tz), skipped))
        if fs.total == 0:
            raise RenderError("No frames to render with these settings. " + skipped.note())
        rate, clamped, rate_note = frame_rate(fs.total, s)
        width, height, size_note = output_size(*fs.size, s)
        plan = EncodePlan.build(s, rate, width, height, fit=len(fs.sizes) > 1,
                                overlay=overlay.key if overlay else "")
        source.prepare(width, height)
        if segmented and not _worth_segments(fs, plan, outputs):
            fs, segmented = fs.merged(), False
        result = RenderResult(frames=0, fps=float(rate), fps_clamped=clamped, duration=0,
                              width=width, height=height, bytes=0, first_at=fs.first_at,
                              last_at=fs.last_at,
                              notes=[n for n in (rate_note, size_note, skipped.note()) if n])
        _encode_video(source, fs, plan, outputs, segmented, report, result)
        result.has_poster = _poster(fs, plan, outputs.poster, result, source)
        result.has_preview = s.preview and _preview(source, fs, plan, outputs.preview, result)
    return result


def _worth_segments(fs: FrameSet, plan: EncodePlan, outputs: Outputs) -> bool:
    """Day segments pay off with enough frames a day, and a cache to use or to start."""
    if fs.total < MIN_SEGMENT_FRAMES * len(fs.groups):
        return False  # each segment starts a new GOP: one-frame days would be all keyframes
    return outputs.fill_cache or has_cache(outputs.cache_dir, plan)


def _reporting(frames: Iterable[FrameRef], report: Report) -> Iterator[FrameRef]:
    for n, frame in enumerate(frames, 1):
        if n % CHECK_REPORT_EVERY == 0:
            report(0, f"Checking frames… {n}", {})
        yield frame


def _run(args: list[str], on_line=lambda line: None, feed=None) -> None:
    try:
        stream(args, on_line, feed=feed)
    except ProcessError as exc:
        raise RenderError(f"ffmpeg failed: {exc}") from None


def _encode_video(source: LinkSource, fs: FrameSet, plan: EncodePlan, outputs: Outputs,
                  segmented: bool, report: Report, result: RenderResult) -> None:
    target = outputs.video
    partial = target.with_name(f".{target.stem}.partial.{plan.container}")
    target.parent.mkdir(parents=True, exist_ok=True)

    def encode(group: Group, path: Path, done_before: int, todo: int, final: bool) -> int:
        parser = ProgressParser(report, todo, done_before)
        _run(encode_args(source.input(group, plan.rate), plan, path, group.count, final), parser,
             source.feeder(group))
        return parser.frame or group.count

    try:
        if segmented:
            reused, encoded, frames = render_segments(
                fs, plan, outputs.cache_dir, partial,
                lambda g, p, done, todo: encode(g, p, done, todo, final=False), _run)
            result.segments_reused, result.segments_encoded = reused, encoded
            if reused:
                result.notes.append(f"Reused {reused} of {reused + encoded} day segments.")
        else:
            frames = encode(fs.groups[0], partial, 0, fs.total, final=True)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    if frames < fs.total:
        result.notes.append(f"ffmpeg could not decode {fs.total - frames} of the frames.")
    result.frames = frames
    result.duration = float(Fraction(frames) / plan.rate)
    result.bytes = target.stat().st_size


def _poster(fs: FrameSet, plan: EncodePlan, path: Path | None, result: RenderResult,
            source: LinkSource) -> bool:
    """The middle sampled frame at the video's size (letterboxed, never stretched), with
    the overlay when the video has one."""
    if path is None:
        return False
    try:
        painted = source.poster() if isinstance(source, PipeSource) else None
        if painted is not None:
            framed = Image.fromarray(painted[..., ::-1])
        else:
            with Image.open(fs.samples[len(fs.samples) // 2]) as img:
                img.draft("RGB", (plan.width, plan.height))
                framed = ImageOps.pad(img.convert("RGB"), (plan.width, plan.height))
        buffer = io.BytesIO()
        framed.save(buffer, "JPEG", quality=85)
    except OSError as exc:
        result.notes.append(f"No poster image: {exc}")
        return False
    write_atomic(path, buffer.getvalue())
    return True


def _preview(source: LinkSource, fs: FrameSet, plan: EncodePlan, path: Path | None,
             result: RenderResult) -> bool:
    """A small looping animated WebP of frames spread over the whole video."""
    if path is None:
        return False
    width = min(PREVIEW_WIDTH, plan.width)
    height = max(2, 2 * round(plan.height * width / plan.width / 2))
    group = source.sample_group(fs.samples)
    smallest = min(w for w, _ in fs.sizes)
    lowres = next((k for k in (2, 1) if smallest >> k >= width), 0)  # decode no bigger
    partial = path.with_name(f".{path.stem}.partial.webp")
    try:
        node = source.input(group, Fraction(PREVIEW_RATE), lowres)
        _run(preview_args(node, plan, width, height, partial, group.count),
             feed=source.feeder(group))
        os.replace(partial, path)
    except RenderError as exc:  # a card without animation is no reason to fail the video
        result.notes.append(f"No animated preview: {exc}")
        return False
    finally:
        partial.unlink(missing_ok=True)
    return True
