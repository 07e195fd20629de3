"""The fast detector, run on every frame: sanity of size, near-uniform frames, the flat
band of lost packets at the bottom, and a frozen stream repeating its frame.

It works on the frame already decoded in memory and reads a sparse part of it: every
ROW_STEP-th row at full width (a grey copy of about a quarter of the frame), so flat
areas are judged at full resolution, where real scenes always show some noise and a
decoder's fill shows none.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

import cv2
import numpy as np

from pipelines.corruption.model import Check, FrameStats, History, Thresholds

ROW_STEP = 4  # sampled rows; bands are measured to this many pixels
PAIR_GAP = 2  # sampled rows apart (8 pixel rows): always across a JPEG block boundary
FLAT_ROW_STD = 0.75  # grey levels: a decoder fill is flat, a real scene never is
REPEAT_ROW_DIFF = 0.25  # mean grey-level change between rows 8 apart: a smear repeats rows
UNIFORM_FRACTION = 0.99  # this share of pixels within the tolerance and the rest noise...
UNIFORM_ALL = 0.999  # ...or this share whatever the rest: one flat colour
NOISE_RANGE = 4  # times the tolerance: how far noise strays from a flat frame's level
DARK_LEVEL, BRIGHT_LEVEL = 12, 243  # crushed blacks and blown highlights are scene, not fill
NOISELESS_SHARE = 0.1  # flat mid-tone rows above a band beyond this share: a drawn picture
HISTORY_LEVEL_GAP = 20.0  # grey levels: "unlike the camera's recent frames"
SIGNATURE = (16, 9)
MAX_ASPECT = 8.0

PENALTY_BROKEN = 100
PENALTY_BAND, PENALTY_REPEAT = 60, 60
PENALTY_RESIZED = 25  # flag: a camera switching streams is worth a look
PENALTY_LIKE_RECENT = 30  # uniform, but so were the camera's last frames (night, fog)


@dataclass(frozen=True)
class Sample:
    """The parts of a frame the detectors share, computed once."""

    frame: np.ndarray  # BGR, as decoded
    rows: np.ndarray  # grey, every ROW_STEP-th row, full width
    cdf: np.ndarray  # cumulative grey histogram of ROWS, 0..1
    stats: FrameStats


def sample(frame: np.ndarray) -> Sample:
    """Grey rows, their histogram and the frame's stats (about 1 ms for 1080p)."""
    if frame.ndim == 2:
        frame = cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)
    rows = cv2.cvtColor(frame[::ROW_STEP], cv2.COLOR_BGR2GRAY)
    hist = cv2.calcHist([rows], [0], None, [256], [0, 256]).ravel()
    cdf = np.cumsum(hist) / max(hist.sum(), 1.0)
    levels = np.arange(256, dtype=np.float64)
    mean = float((hist * levels).sum() / max(hist.sum(), 1.0))
    spread = float(np.sqrt(max((hist * (levels - mean) ** 2).sum() / max(hist.sum(), 1), 0)))
    signature = cv2.resize(rows, SIGNATURE, interpolation=cv2.INTER_AREA)
    edges = float(np.abs(np.diff(signature.astype(np.int16), axis=1)).mean())
    b, g, r, _ = cv2.mean(frame[::ROW_STEP, ::ROW_STEP])
    height, width = frame.shape[:2]
    stats = FrameStats(width=width, height=height, mean=mean, spread=spread, edges=edges,
                       colour=(b, g, r), fingerprint=fingerprint(frame),
                       signature=signature.tobytes())
    return Sample(frame=frame, rows=rows, cdf=cdf, stats=stats)


def fingerprint(frame: np.ndarray) -> str:
    """A hash of a sparse grid of raw pixels: two captures of a live scene always differ
    somewhere in sensor noise, so equal fingerprints mean the camera sent the same picture."""
    grid = np.ascontiguousarray(frame[3::7, 5::13])
    return hashlib.blake2b(grid.tobytes(), digest_size=8).hexdigest()


def run(s: Sample, t: Thresholds, history: History, size: int | None) -> list[Check]:
    uniform = check_uniform(s, t, history)
    # A uniform frame is one big flat band: judging it twice would only double the penalty.
    band = check_band(s, t, history) if uniform.passed else Check(
        "band", True, "not judged: the whole frame is uniform")
    return [check_size(s.stats, t, history, size), uniform, band,
            check_frozen(s.stats, history)]


def check_size(stats: FrameStats, t: Thresholds, history: History, size: int | None) -> Check:
    w, h = stats.width, stats.height
    if size is not None and size < t.min_bytes:
        return Check("size", False, f"only {size} bytes (fewer than {t.min_bytes})",
                     PENALTY_BROKEN)
    if min(w, h) < t.min_side or max(w, h) > MAX_ASPECT * min(w, h):
        return Check("size", False, f"{w}x{h} pixels is not a camera frame", PENALTY_BROKEN)
    before = history.previous
    if before is not None and (before.width, before.height) != (w, h):
        return Check("size", False, f"{w}x{h} pixels, the previous frame was "
                     f"{before.width}x{before.height}", PENALTY_RESIZED)
    detail = f"{w}x{h}" + (f", {size} bytes" if size is not None else "")
    return Check("size", True, detail)


def _level(cdf: np.ndarray, share: float) -> int:
    return int(np.searchsorted(cdf, share))


def check_uniform(s: Sample, t: Thresholds, history: History) -> Check:
    """Black, white, grey or one colour: nearly every pixel within the tolerance of the
    median. Dark nights, fog and a low-contrast moon keep noise and a few lights."""
    median = _level(s.cdf, 0.5)
    lo, hi = int(max(median - t.uniform_tolerance, 0)), int(min(median + t.uniform_tolerance,
                                                                255))
    share = float(s.cdf[hi] - (s.cdf[lo - 1] if lo > 0 else 0.0))
    extremes = _level(s.cdf, 0.999) - _level(s.cdf, 0.001)
    # A few bright pixels on black can be the moon in a night sky: only a frame flat to
    # the last pixel, or flat with nothing but noise, counts as uniform.
    if share < UNIFORM_ALL and (share < UNIFORM_FRACTION
                                or extremes > NOISE_RANGE * max(t.uniform_tolerance, 1)):
        return Check("uniform", True, f"{share:.0%} of pixels near the median level {median}")
    colour = _colour_name(s.stats.colour)
    recent = history.recent
    if recent and all(abs(r.mean - s.stats.mean) < HISTORY_LEVEL_GAP and r.spread < 12
                      for r in recent):
        # A camera whose last frames were this flat and this bright is looking at a
        # night or a fog, not failing: keep the frame, flagged for a person to judge.
        return Check("uniform", False, f"the whole frame is {colour}, like the camera's "
                     "recent frames (night or fog?)", PENALTY_LIKE_RECENT)
    return Check("uniform", False, f"the whole frame is {colour} ({share:.1%} of pixels "
                 f"within ±{t.uniform_tolerance:g} levels)", PENALTY_BROKEN)


def _colour_name(bgr: tuple[float, float, float]) -> str:
    b, g, r = bgr
    top, bottom = max(b, g, r), min(b, g, r)
    if top - bottom < 24:
        level = (b + g + r) / 3
        name = "black" if level < 24 else "white" if level > 232 else "grey"
        return f"{name} (level {level:.0f})"
    return f"one colour (RGB {r:.0f}, {g:.0f}, {b:.0f})"


def check_band(s: Sample, t: Thresholds, history: History) -> Check:
    """Lost packets leave the bottom of the frame flat grey or green, or smeared (each row
    repeating the one above). Crushed black or blown white ground is scene, unless the
    camera's recent frames showed something there."""
    rows = s.rows
    if len(rows) <= PAIR_GAP + 1:
        return Check("band", True, "frame too small to judge")
    pairs = rows[:-PAIR_GAP]
    flat = pairs.std(axis=1, dtype=np.float32) < FLAT_ROW_STD
    repeated = cv2.absdiff(pairs, rows[PAIR_GAP:]).mean(axis=1) < REPEAT_ROW_DIFF
    dead = flat | repeated
    alive = np.flatnonzero(~dead)
    run = len(dead) - (alive[-1] + 1 if len(alive) else 0)
    percent = 100.0 * (run + PAIR_GAP) * ROW_STEP / s.stats.height if run else 0.0
    if percent < max(t.band_percent, 0.01):
        return Check("band", True, f"no flat band at the bottom ({percent:.0f}% of the height)"
                     if percent else "no flat band at the bottom")
    band = pairs[len(pairs) - run:]
    level = float(band.mean())
    kind = "smeared" if not flat[len(pairs) - run:].all() else _band_colour(s, run)
    if not DARK_LEVEL < level < BRIGHT_LEVEL and not _unlike_recent(history, percent, level):
        return Check("band", True, f"the bottom {percent:.0f}% is flat at level {level:.0f}: "
                     "dark or bright scenery")
    above = pairs[:len(pairs) - run]
    levels = above.mean(axis=1)
    midtone_dead = dead[:len(pairs) - run] & (levels > DARK_LEVEL) & (levels < BRIGHT_LEVEL)
    if len(above) and midtone_dead.mean() > NOISELESS_SHARE:
        # A camera's picture has noise in every row; this one is flat in many places above
        # the band too (a drawn or heavily smoothed picture), so the band proves nothing.
        return Check("band", True, f"the bottom {percent:.0f}% is flat, like much of the "
                     "picture above it (a drawn picture?)")
    penalty = PENALTY_BAND + round(40 * min(percent / 50.0, 1.0))
    return Check("band", False, f"the bottom {percent:.0f}% of the frame is {kind} "
                 "(lost packets)", penalty)


def _band_colour(s: Sample, run: int) -> str:
    top = s.stats.height - (run + PAIR_GAP) * ROW_STEP
    b, g, r, _ = cv2.mean(s.frame[max(top, 0)::ROW_STEP, ::ROW_STEP])
    if g > r + 40 and g > b + 40:
        return "flat green"
    return "flat grey" if max(b, g, r) - min(b, g, r) < 24 else "one flat colour"


def _unlike_recent(history: History, percent: float, level: float) -> bool:
    """Did the camera's recent frames show a different level where the band now is?"""
    if not history.recent:
        return False
    gaps = []
    for stats in history.recent:
        if not stats.signature:
            return False
        sig = np.frombuffer(stats.signature, np.uint8).reshape(SIGNATURE[1], SIGNATURE[0])
        band_rows = max(1, round(SIGNATURE[1] * percent / 100.0))
        gaps.append(abs(float(sig[-band_rows:].mean()) - level))
    return min(gaps) > HISTORY_LEVEL_GAP


def check_frozen(stats: FrameStats, history: History) -> Check:
    before = history.previous
    if before is None:
        return Check("frozen", True, "no previous frame to compare")
    if before.fingerprint == stats.fingerprint:
        return Check("frozen", False, "the very same picture as the previous frame "
                     "(frozen stream)", PENALTY_REPEAT)
    return Check("frozen", True, "differs from the previous frame")
