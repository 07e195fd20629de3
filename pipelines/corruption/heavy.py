"""The heavy detector (a per-camera option): macroblock garbage, torn frames, and a sudden
change against the camera's own recent frames.

Macroblocks: a broken 16x16 block has strong edges on its grid lines but not inside;
the grid's phase is found from the frame itself (a crop moves it). Blocks only count in
clusters, so a heavily compressed but intact JPEG (isolated blocky spots) passes.
Tears: a row where the picture jumps, and the row below matches the row above once
shifted sideways. A horizon also jumps, but no sideways shift makes sky match ground.
"""
from __future__ import annotations

import cv2
import numpy as np

from pipelines.corruption.fast import Sample
from pipelines.corruption.model import Check, FrameStats, History, Thresholds

BLOCK = 16
EDGE_MIN = 12  # grey levels across a block edge before it can count as broken
EDGE_RATIO = 2.5  # block edge against the block's inside
TEAR_WIDTH = 320  # rows are compared at this width
TEAR_WINDOW = 12  # rows either side that tell a row's usual change
TEAR_MIN_JUMP, TEAR_RATIO = 6.0, 3.0
TEAR_CANDIDATES = 8
TEAR_TEXTURE = 3.0  # grey-level spread a row needs before a shift can mean anything
TEAR_SPREAD = 0.5  # share of the width that jumps at a tear
MIN_HISTORY = 3  # recent frames needed before "unusual" means anything
CHANGE_FLOOR = 12.0  # grey levels of signature change that are never unusual

PENALTY_GARBAGE, PENALTY_TORN = 60, 60
PENALTY_CHANGE = 30  # flag only: lights and night vision switch on legitimately


def run(s: Sample, t: Thresholds, history: History) -> list[Check]:
    grey = cv2.cvtColor(s.frame, cv2.COLOR_BGR2GRAY)
    return [check_macroblocks(grey, t), check_torn(grey), check_change(s.stats, t, history)]


def _grid_phase(energy: np.ndarray) -> int:
    """The offset (0..15) of the strongest 16-pixel periodic edge line."""
    usable = len(energy) // BLOCK * BLOCK
    if usable == 0:
        return 0
    return int(np.argmax(energy[:usable].reshape(-1, BLOCK).mean(axis=0)))


def broken_blocks(grey: np.ndarray) -> np.ndarray:
    """Per 16x16 block: True where its left and top edges are strong and its inside is not."""
    g = grey.astype(np.int16)
    dx = np.abs(np.diff(g, axis=1))  # dx[:, i]: between columns i and i+1
    dy = np.abs(np.diff(g, axis=0))
    x0 = _grid_phase(dx.mean(axis=0)) + 1  # first column of the first whole block
    y0 = _grid_phase(dy.mean(axis=1)) + 1
    nbx, nby = (g.shape[1] - 1 - x0) // BLOCK, (g.shape[0] - 1 - y0) // BLOCK
    if nbx < 2 or nby < 2:
        return np.zeros((0, 0), bool)
    rows, cols = slice(y0, y0 + BLOCK * nby), slice(x0, x0 + BLOCK * nbx)
    left = dx[rows, x0 - 1:x0 - 1 + BLOCK * nbx:BLOCK].reshape(nby, BLOCK, nbx).mean(axis=1)
    top = dy[y0 - 1:y0 - 1 + BLOCK * nby:BLOCK, cols].reshape(nby, nbx, BLOCK).mean(axis=2)
    inner_x = dx[rows, cols].reshape(nby, BLOCK, nbx, BLOCK)[:, :, :, :-1].mean(axis=(1, 3))
    inner_y = dy[rows, cols].reshape(nby, BLOCK, nbx, BLOCK)[:, :-1].mean(axis=(1, 3))
    limit = np.maximum(EDGE_MIN, EDGE_RATIO * (inner_x + inner_y) / 2)
    return (left > limit) & (top > limit)


def check_macroblocks(grey: np.ndarray, t: Thresholds) -> Check:
    broken = broken_blocks(grey)
    if broken.size == 0:
        return Check("macroblocks", True, "frame too small to judge")
    near = np.zeros_like(broken)
    near[1:] |= broken[:-1]
    near[:-1] |= broken[1:]
    near[:, 1:] |= broken[:, :-1]
    near[:, :-1] |= broken[:, 1:]
    percent = 100.0 * float((broken & near).mean())
    if percent < max(t.macroblock_percent, 0.01):
        return Check("macroblocks", True, f"{percent:.1f}% of blocks look broken")
    penalty = PENALTY_GARBAGE + round(40 * min(percent / 20.0, 1.0))
    return Check("macroblocks", False, f"{percent:.1f}% of the 16x16 blocks are garbage "
                 "(broken macroblocks)", penalty)


def find_tear(grey: np.ndarray) -> tuple[int, int] | None:
    """(row, sideways shift in pixels) of a tear, or None."""
    height, width = grey.shape
    if height < 2 * TEAR_WINDOW or width < 16:
        return None
    narrow = min(TEAR_WIDTH, width)
    r = cv2.resize(grey, (narrow, height), interpolation=cv2.INTER_AREA).astype(np.int16)
    jump = np.abs(np.diff(r, axis=0)).mean(axis=1)  # jump[i]: between rows i and i+1
    padded = np.pad(jump, TEAR_WINDOW, mode="edge")
    usual = np.median(np.lib.stride_tricks.sliding_window_view(padded, 2 * TEAR_WINDOW + 1),
                      axis=1)
    ratio = jump / np.maximum(usual, 1.0)
    rows = np.flatnonzero((jump >= TEAR_MIN_JUMP) & (ratio >= TEAR_RATIO))
    for i in rows[np.argsort(-ratio[rows])][:TEAR_CANDIDATES]:
        above, below = r[i], r[i + 1]
        # A tear jumps across the width and both sides hold picture; an edge under a
        # caption or a roof jumps in one part only, and a flat row matches any shift.
        if min(above.std(), below.std()) < TEAR_TEXTURE or \
                (np.abs(below - above) > TEAR_MIN_JUMP).mean() < TEAR_SPREAD:
            continue
        shift, diff = _best_shift(above, below)
        if abs(shift) >= 2 and diff <= 0.6 * jump[i] and diff <= 2 * usual[i] + 2:
            return int(i + 1), round(shift * width / narrow)
    return None


def _best_shift(above: np.ndarray, below: np.ndarray) -> tuple[int, float]:
    """The sideways shift (up to a third of the width) that best lines BELOW up with ABOVE."""
    width = len(above)
    best_shift, best = 0, float(np.abs(below - above).mean())
    for s in range(1, width // 3 + 1):
        for shift, diff in ((s, np.abs(below[s:] - above[:-s]).mean()),
                            (-s, np.abs(below[:-s] - above[s:]).mean())):
            if diff < best:
                best_shift, best = shift, float(diff)
    return best_shift, best


def check_torn(grey: np.ndarray) -> Check:
    tear = find_tear(grey)
    if tear is None:
        return Check("torn", True, "no tear found")
    row, shift = tear
    return Check("torn", False, f"torn at row {row}: the picture below is shifted {shift:+d} "
                 "pixels sideways", PENALTY_TORN)


def _signature(stats: FrameStats) -> np.ndarray:
    return np.frombuffer(stats.signature, np.uint8).astype(np.float32)


def change_distance(a: FrameStats, b: FrameStats) -> float:
    """How different two frames look: grey layout and colour balance, in grey levels."""
    layout = float(np.abs(_signature(a) - _signature(b)).mean())
    (ab, ag, ar), (bb, bg, br) = a.colour, b.colour
    tint = max(abs((ar - ag) - (br - bg)), abs((ab - ag) - (bb - bg)))
    return max(layout, tint)


def check_change(stats: FrameStats, t: Thresholds, history: History) -> Check:
    """Unusual change: measured against how much this camera's frames usually change from
    one to the next, so a noisy night or a windy tree does not count as broken."""
    recent = [r for r in history.recent if r.signature and len(r.signature) == len(
        stats.signature)]
    if len(recent) < MIN_HISTORY:
        return Check("change", True, f"not enough recent frames ({len(recent)}) to compare")
    steps = zip(recent, recent[1:], strict=False)  # consecutive pairs
    usual = float(np.median([change_distance(a, b) for a, b in steps]))
    distance = min(change_distance(stats, r) for r in recent)
    limit = max(CHANGE_FLOOR, t.change_sensitivity * max(usual, 1.0))
    if distance <= limit:
        return Check("change", True, f"changed {distance:.1f} levels (limit {limit:.1f})")
    before = float(np.median([r.mean for r in recent]))
    return Check("change", False, f"sudden change of {distance:.0f} levels against recent "
                 f"frames (usually {usual:.1f}); brightness {before:.0f} → {stats.mean:.0f}",
                 PENALTY_CHANGE)
