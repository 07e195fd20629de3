"""Incremental rendering: one cached segment per local day, joined without re-encoding.

A segment's file name holds its day and a digest of its frame list; its folder is the
signature of the encode plan (codec, quality, speed, fps, size, filters, ffmpeg build).
The same frames under the same plan give the same file, so an update of a year-long
timelapse encodes only the day that changed and copies the rest. Anything that changes
every frame (fps, size, filters) changes the signature: the whole cache then misses.
"""
from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

from pipelines.process import ffmpeg_path
from pipelines.video.command import join_args
from pipelines.video.plan import EncodePlan
from pipelines.video.sources import FrameSet, Group, quote_path

KEEP_PLANS = 2  # signature folders kept per timelapse (say, the automatic and a manual one)


def _folder(cache_root: Path, plan: EncodePlan) -> Path:
    return cache_root / plan.signature(ffmpeg_path())


def has_cache(cache_root: Path, plan: EncodePlan) -> bool:
    return _folder(cache_root, plan).is_dir()


def segment_paths(fs: FrameSet, plan: EncodePlan, cache_root: Path) -> list[Path]:
    folder = _folder(cache_root, plan)
    return [folder / f"{g.key}-{g.digest[:16]}.{plan.container}" for g in fs.groups]


def render_segments(fs: FrameSet, plan: EncodePlan, cache_root: Path, output: Path,
                    encode: Callable[[Group, Path, int, int], int],
                    run: Callable[[list[str]], None]) -> tuple[int, int, int]:
    """Encode the days missing from the cache with ENCODE(group, path, done_before, todo)
    -> frames written, then join every day into OUTPUT with RUN(args).
    Returns (segments reused, segments encoded, frames in the video)."""
    paths = segment_paths(fs, plan, cache_root)
    folder = paths[0].parent
    folder.mkdir(parents=True, exist_ok=True)
    os.utime(folder)  # most recently used: pruning keeps it
    todo = sum(g.count for g, p in zip(fs.groups, paths, strict=True) if not p.is_file())
    done = reused = frames = 0
    for group, path in zip(fs.groups, paths, strict=True):
        if path.is_file():
            reused += 1
            frames += group.count
            continue
        partial = path.with_name(f".{path.name}.partial")
        try:
            written = encode(group, partial, done, todo)
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
        done += group.count
        frames += written
    joined = output.parent / f".{output.name}.segments.ffconcat"
    try:
        joined.write_text("ffconcat version 1.0\n" +
                          "".join(f"file {quote_path(p)}\n" for p in paths))
        run(join_args(joined, plan, output))
    finally:
        joined.unlink(missing_ok=True)
    _prune(folder, fs.groups, paths)
    return reused, len(paths) - reused, frames


def _prune(folder: Path, groups: list[Group], used: list[Path]) -> None:
    """Drop older versions of the days this render covered, and plans not used lately.
    Days outside this render (a date-range render) keep their segments."""
    days = {g.key for g in groups}
    keep = set(used)
    for path in folder.iterdir():
        # A dot name is a partial file of a render that was killed (one render per
        # timelapse runs at a time, so none is being written now).
        if path not in keep and (path.name.startswith(".") or
                                 path.name.rsplit("-", 1)[0] in days):
            path.unlink(missing_ok=True)
    plans = sorted((p for p in folder.parent.iterdir() if p.is_dir()),
                   key=lambda p: p.stat().st_mtime, reverse=True)
    for old in plans[KEEP_PLANS:]:
        shutil.rmtree(old, ignore_errors=True)
