"""Render maths: output size, frame rate and encoder arguments. Pure functions.

Sizes keep the source's aspect ratio with even dimensions (4:2:0 needs them) and never
enlarge unless asked; frame rates are exact fractions, so N frames at F fps last N/F s.
"""
from __future__ import annotations

import dataclasses
import hashlib
from fractions import Fraction

from pipelines.video.settings import SHORT_SIDES, RenderSettings

# CRF per quality preset: each codec's scale is different (VP9's runs to 63).
CRF = {
    "h264": {"high": 18, "medium": 23, "low": 28},
    "h265": {"high": 22, "medium": 28, "low": 32},
    "vp9": {"high": 24, "medium": 33, "low": 40},
}
# libvpx has no x264-style presets: its speed knob is cpu-used (0 slowest .. 5 fastest).
VP9_CPU_USED = {"ultrafast": 5, "superfast": 5, "veryfast": 5, "faster": 4, "fast": 3,
                "medium": 2, "slow": 1, "slower": 1, "veryslow": 0}
PLAN_VERSION = "1"  # bump when the encoder arguments change: cached segments then miss


def _even(value: float) -> int:
    return max(2, 2 * round(value / 2))


def output_size(src_w: int, src_h: int, s: RenderSettings) -> tuple[int, int, str]:
    """(width, height, note) for a SRC_W x SRC_H source; NOTE says when the wish was not
    followed (it would have enlarged the frames)."""
    scale, note = 1.0, ""
    if s.resolution in SHORT_SIDES:
        scale = SHORT_SIDES[s.resolution] / min(src_w, src_h)
    elif s.resolution == "width" and s.width:
        scale = s.width / src_w
    if scale > 1 and not s.upscale:
        wanted = s.resolution if s.resolution != "width" else f"a width of {s.width}"
        note = f"Kept the source size {src_w}x{src_h}: {wanted} would enlarge the frames."
        scale = 1.0
    width, height = _even(src_w * scale), _even(src_h * scale)
    # Rounding an odd source up to even would enlarge it by a pixel: round down there.
    width -= 2 if width > src_w and not s.upscale else 0
    height -= 2 if height > src_h and not s.upscale else 0
    return max(2, width), max(2, height), note


def frame_rate(frames: int, s: RenderSettings) -> tuple[Fraction, bool, str]:
    """(fps, clamped, note). Duration mode spreads FRAMES over the wished seconds, within
    [min_fps, max_fps]; the note tells how long the video then lasts instead."""
    if s.fps_mode == "fixed":
        return Fraction(s.fps).limit_denominator(1001), False, ""
    wanted = Fraction(frames) / Fraction(s.duration).limit_denominator(1000)
    low = Fraction(s.min_fps).limit_denominator(1001)
    high = Fraction(s.max_fps).limit_denominator(1001)
    rate = min(max(wanted, low), high)
    if rate == wanted:
        return rate.limit_denominator(1000), False, ""
    edge = "minimum" if rate == low else "maximum"
    note = (f"Clamped to the {edge} of {float(rate):g} fps: {frames} frames in "
            f"{s.duration:g} s would need {float(wanted):.3g} fps; the video lasts "
            f"{frames / float(rate):.1f} s.")
    return rate, True, note


def rate_text(rate: Fraction) -> str:
    return str(rate.numerator) if rate.denominator == 1 else f"{rate.numerator}/{rate.denominator}"


@dataclasses.dataclass(frozen=True)
class EncodePlan:
    """Everything that decides the encoded bits of a frame: a segment cached under one
    plan's signature can be joined with any other segment of the same plan."""
    codec: str
    crf: int
    speed: str
    rate: Fraction
    width: int
    height: int
    fit: bool = False  # the frames differ in size: letterbox each into width x height
    deflicker: bool = False
    blend: bool = False
    overlay: str = ""  # a key of the overlay drawn on the frames ("" none)

    @classmethod
    def build(cls, s: RenderSettings, rate: Fraction, width: int, height: int,
              fit: bool, overlay: str = "") -> EncodePlan:
        return cls(codec=s.codec, crf=CRF[s.codec][s.quality], speed=s.speed, rate=rate,
                   width=width, height=height, fit=fit, deflicker=s.deflicker, blend=s.blend,
                   overlay=overlay)

    @property
    def container(self) -> str:
        return "webm" if self.codec == "vp9" else "mp4"

    @property
    def timescale(self) -> int:
        """An MP4 track timescale in which every frame lasts a whole number of ticks, so
        joined segments do not drift."""
        num = self.rate.numerator
        return num * max(1, -(-10000 // num))

    def codec_options(self) -> dict:
        if self.codec == "vp9":
            return {"c:v": "libvpx-vp9", "crf": self.crf, "b:v": 0, "deadline": "good",
                    "cpu-used": VP9_CPU_USED[self.speed], "row-mt": 1}
        if self.codec == "h265":
            return {"c:v": "libx265", "crf": self.crf, "preset": self.speed, "tag:v": "hvc1",
                    "x265-params": "log-level=error"}
        return {"c:v": "libx264", "crf": self.crf, "preset": self.speed}

    def signature(self, binary: str) -> str:
        """A short key of this plan and the encoder binary (another build, other bits)."""
        fields = dataclasses.astuple(self)
        if not self.overlay:  # plans without overlays keep the keys they had before them
            fields = fields[:-1]
        text = repr((PLAN_VERSION, fields, binary))
        return hashlib.sha256(text.encode()).hexdigest()[:16]
