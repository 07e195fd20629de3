"""The corruption pipeline's vocabulary: thresholds in, checks and one score out.

The score means the same everywhere (UI, API, database, docs): 100 is a perfect frame;
every failed check subtracts its penalty; below `discard_below` the frame is corrupt
(discarded, re-captured), below `flag_below` it is suspect (kept, flagged, left out of
videos), otherwise it is kept as it is.
"""
from __future__ import annotations

import base64
from dataclasses import asdict, dataclass, field

KEEP, FLAG, DISCARD = "keep", "flag", "discard"
ACTIONS = (KEEP, FLAG, DISCARD)


@dataclass(frozen=True)
class Thresholds:
    """Where the detectors draw their lines. Invalid values raise ValueError."""

    discard_below: int = 50  # score below this: corrupt
    flag_below: int = 80  # score below this: suspect
    min_bytes: int = 512  # smaller files are stubs, not frames
    min_side: int = 16  # pixels
    uniform_tolerance: float = 3.0  # grey levels around the median that count as "the same"
    band_percent: float = 5.0  # a flat band at the bottom taller than this % of the frame
    macroblock_percent: float = 2.0  # % of 16x16 blocks that look like garbage
    change_sensitivity: float = 6.0  # how many times its usual frame-to-frame change

    def __post_init__(self) -> None:
        if not 0 <= self.discard_below <= self.flag_below <= 100:
            raise ValueError("need 0 <= discard_below <= flag_below <= 100")
        for name in ("min_bytes", "min_side", "uniform_tolerance", "band_percent",
                     "macroblock_percent", "change_sensitivity"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")

    def action(self, score: int) -> str:
        if score < self.discard_below:
            return DISCARD
        return FLAG if score < self.flag_below else KEEP


@dataclass(frozen=True)
class Check:
    """One detector's verdict: PENALTY points come off the score when it fails."""

    name: str
    passed: bool
    detail: str
    penalty: int = 0

    def as_dict(self) -> dict:
        return {"name": self.name, "passed": self.passed, "detail": self.detail,
                "penalty": self.penalty}


@dataclass(frozen=True)
class FrameStats:
    """What the history keeps of a frame: small numbers and a 16x9 grey signature."""

    width: int
    height: int
    mean: float  # grey level 0..255
    spread: float  # standard deviation of the grey levels
    edges: float  # mean absolute gradient of the signature (detail)
    colour: tuple[float, float, float]  # mean B, G, R
    fingerprint: str  # hash of sampled raw pixels: equal means the very same picture
    signature: bytes = field(repr=False, default=b"")

    def as_json(self) -> dict:
        data = asdict(self)
        data["colour"] = [round(c, 2) for c in self.colour]
        data["signature"] = base64.b64encode(self.signature).decode("ascii")
        for key in ("mean", "spread", "edges"):
            data[key] = round(data[key], 3)
        return data

    @classmethod
    def from_json(cls, data: dict) -> FrameStats:
        return cls(width=int(data["width"]), height=int(data["height"]),
                   mean=float(data["mean"]), spread=float(data["spread"]),
                   edges=float(data["edges"]), colour=tuple(data["colour"]),
                   fingerprint=str(data["fingerprint"]),
                   signature=base64.b64decode(data.get("signature", "")))


@dataclass(frozen=True)
class History:
    """A camera's recent past, handed in by the caller (pipelines never read the database).

    previous: the last frame evaluated, whatever happened to it (for repeats);
    recent: its last frames kept without a flag, newest first (what "normal" looks like)."""

    previous: FrameStats | None = None
    recent: tuple[FrameStats, ...] = ()


@dataclass(frozen=True)
class FrameCheck:
    """What a capture hands in: where the lines are, what is normal for this camera, and
    whether the heavy detector runs."""

    thresholds: Thresholds = field(default_factory=Thresholds)
    history: History = field(default_factory=History)
    heavy: bool = False


@dataclass(frozen=True)
class Evaluation:
    """The outcome: a 0-100 score, every check run, the action it implies, and timings."""

    score: int
    action: str
    checks: tuple[Check, ...]
    fast_ms: float
    heavy_ms: float | None = None  # None when the heavy detector did not run
    stats: FrameStats | None = None  # None when the data was not a picture at all

    @property
    def corrupt(self) -> bool:
        return self.action == DISCARD

    @property
    def ms(self) -> float:
        return round(self.fast_ms + (self.heavy_ms or 0.0), 2)

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if not c.passed]

    def reasons(self) -> str:
        return "; ".join(f"{c.name}: {c.detail}" for c in self.failed) or "all checks passed"
