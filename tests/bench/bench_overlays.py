"""Overlays on a render, side by side in one run (ratios hold on a shared box, times do not):

The same 1080p frames rendered with the "full" overlay preset (every corner: day, date and
time, names, weather with its icon, sunrise/sunset, frame number) and without overlays.
With overlays the frames are decoded in Python, drawn on and streamed raw to ffmpeg's
stdin; without, ffmpeg reads the JPEGs itself. Alternating runs, median of each.
Target: overlays cost under 50 % extra wall time on 2 cores.

Also: the painter alone (ms per 1080p frame, decode excluded) and the per-frame cost of
the decode it replaces in ffmpeg.

Run: .venv/bin/python tests/bench/bench_overlays.py [frames] [repeats]   (default 300, 3)
"""
from __future__ import annotations

import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from pipelines.overlays import BUILTIN_PRESETS, Context, FrameInfo, Painter  # noqa: E402
from pipelines.video import FrameRef, Outputs, RenderSettings, render  # noqa: E402
from pipelines.video.piped import Overlay  # noqa: E402
from tests.bench.scenes import camera_like  # noqa: E402

T0 = dt.datetime(2030, 1, 7, 0, 0, tzinfo=dt.UTC)
TZ = ZoneInfo("Europe/Berlin")
SIZE = (1920, 1080)
WEATHER = {"temperature_c": 12.4, "conditions": "Partly cloudy", "icon": "partly-cloudy"}


def frames(folder: Path, count: int) -> list[FrameRef]:
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(7)
    refs = []
    for n in range(count):
        path = folder / f"{n:05d}.jpg"
        if not path.exists():
            cv2.imwrite(str(path), camera_like(*SIZE, n, rng), [cv2.IMWRITE_JPEG_QUALITY, 90])
        at = T0 + dt.timedelta(minutes=10 * n)  # ~2 days: the day number changes too
        refs.append(FrameRef(path, at, *SIZE, day=n // 144 + 1, weather=WEATHER))
    return refs


def one(refs: list[FrameRef], work: Path, overlay: Overlay | None) -> float:
    s = RenderSettings(fps=25, speed="veryfast", preview=False, incremental=False)
    out = Outputs(work / "video.mp4")
    started = time.perf_counter()
    render(iter(refs), s, out, TZ, lambda *a: None, overlay)
    return time.perf_counter() - started


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    work = Path(tempfile.mkdtemp(prefix="tl-bench-overlays-"))
    refs = frames(work / "frames", count)
    ctx = Context(TZ, "Garden cam", "Spring", 52.52, 13.42)
    full = BUILTIN_PRESETS["full"][1]
    plain, drawn = [], []
    for _ in range(repeats):
        plain.append(one(refs, work, None))
        drawn.append(one(refs, work, Overlay(Painter(full, ctx), "bench")))
    a, b = statistics.median(plain), statistics.median(drawn)
    print(f"render {count} 1080p frames, no overlay (ffmpeg reads the JPEGs): {a:.2f} s "
          f"({count / a:.1f} fps)")
    print(f"render {count} 1080p frames, 'full' overlay (piped raw frames): {b:.2f} s "
          f"({count / b:.1f} fps)")
    print(f"overlay extra wall time: {100 * (b / a - 1):+.1f} % (target < +50 %)")
    painter = Painter(full, ctx)
    frame = cv2.imread(str(refs[0].path))
    started = time.perf_counter()
    for ref in refs[:100]:
        painter.paint(frame.copy(), FrameInfo(ref.captured_at, 1, ref.day, ref.weather))
    paint_ms = (time.perf_counter() - started) * 10
    started = time.perf_counter()
    for ref in refs[:100]:
        cv2.imread(str(ref.path))
    decode_ms = (time.perf_counter() - started) * 10
    print(f"painter alone: {paint_ms:.2f} ms per 1080p frame; JPEG decode: {decode_ms:.2f} ms")


if __name__ == "__main__":
    main()
