"""Corruption detection cost on 1280x720 and 1920x1080 frames of a real photograph.

Side by side in one run (shared, noisy machines: compare the ratios):
  reference  decode the JPEG + numpy mean/std of the frame (the plain version of the work)
  decode     cv2.imdecode alone (what a capture already pays)
  fast       the fast detector on the decoded frame (what scoring adds to every capture)
  heavy      the heavy detector's own time (reported by the evaluation)
  capture    the capture's local work: decode, encode JPEG q90, thumbnail + small variants
and the fast/heavy cost as a fraction of that capture time.
Targets: fast under 10 ms beyond the decode at 1080p; heavy under 40 ms.

Run: .venv/bin/python tests/bench/bench_corruption.py [rounds]   (default 40)
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from pipelines.corruption import FrameCheck, History, judge  # noqa: E402
from pipelines.corruption.fast import sample  # noqa: E402
from pipelines.thumbnails import VariantSpec, make_variants  # noqa: E402
from tests.pipelines.corruption.samples import jpeg, noisy, scenes  # noqa: E402

SIZES = ((1280, 720), (1920, 1080))
VARIANTS = [VariantSpec(320, "jpeg", 80), VariantSpec(1280, "jpeg", 80)]


def timed(fn, rounds: int) -> list[float]:
    fn()  # warm-up
    out = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000.0)
    return out


def stats(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def line(label: str, values: list[float]) -> float:
    median, p95 = stats(values)
    print(f"{label:46s} median {median:6.2f} ms   p95 {p95:6.2f} ms")
    return median


def bench(size: tuple[int, int], rounds: int) -> None:
    scene = scenes(size)["motorcycle"]
    frame = noisy(scene, 1, sigma=2.0)
    data = jpeg(frame, 90)
    buffer = np.frombuffer(data, np.uint8)
    stats_ = tuple(sample(noisy(scene, k, sigma=2.0)).stats for k in range(2, 10))
    history = History(previous=stats_[0], recent=stats_)
    fast_check, heavy_check = FrameCheck(history=history), FrameCheck(history=history, heavy=True)
    assert judge(frame, heavy_check, len(data)).score == 100
    name = f"{size[0]}x{size[1]}"

    def reference():
        decoded = cv2.imdecode(buffer, cv2.IMREAD_COLOR)
        return float(decoded.mean()), float(decoded.std())

    def capture_work():
        decoded = cv2.imdecode(buffer, cv2.IMREAD_COLOR)
        cv2.imencode(".jpg", decoded, [cv2.IMWRITE_JPEG_QUALITY, 90])
        make_variants(decoded, VARIANTS)

    ref = line(f"{name} reference: decode + numpy mean/std", timed(reference, rounds))
    decode = line(f"{name} decode alone", timed(lambda: cv2.imdecode(buffer, 1), rounds))
    fast = line(f"{name} fast path (on the decoded frame)",
                timed(lambda: judge(frame, fast_check, len(data)), rounds))
    heavy_runs = [judge(frame, heavy_check, len(data)).heavy_ms for _ in range(rounds)]
    heavy = line(f"{name} heavy path (its own time)", heavy_runs)
    capture = line(f"{name} capture: decode+encode+variants", timed(capture_work, rounds))
    print(f"{name} fast path vs reference (decode+mean/std)    {fast / ref:6.2f} x")
    print(f"{name} fast path beyond the decode                  {fast:6.2f} ms "
          f"(decode {decode:.2f} ms, target < 10 ms)")
    print(f"{name} fast path share of the capture work          {fast / (capture + fast):6.1%}")
    print(f"{name} heavy path share of the capture work         "
          f"{heavy / (capture + fast + heavy):6.1%} (target < 40 ms)")


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    print(f"corruption detection, {rounds} rounds per figure, real photograph + sensor noise")
    for size in SIZES:
        bench(size, rounds)


if __name__ == "__main__":
    main()
