"""Corruption detection: score every frame 0-100 (100 = perfect) before it reaches a video.

    evaluate_frame(frame, thresholds, history, heavy_checks, size) -> Evaluation
    evaluate_bytes(data, thresholds, history, heavy_checks) -> Evaluation
    judge(frame, check: FrameCheck, size) -> Evaluation   (the capture's call)
    Thresholds (where lines are drawn), History (the camera's recent frames, handed in),
    Evaluation (score, action keep/flag/discard, checks, fast_ms/heavy_ms, stats)

Fast checks (every frame, on the frame already decoded): decodable, size, uniform, band,
frozen. Heavy checks (a per-camera option): macroblocks, torn, change. Each failed check
takes its penalty off 100; `Thresholds.discard_below` / `flag_below` map the score to an
action. The pipeline decides nothing about retries or cameras: the scheduler does.
"""
from pipelines.corruption.evaluate import decode, evaluate_bytes, evaluate_frame, judge
from pipelines.corruption.fast import fingerprint
from pipelines.corruption.model import (
    ACTIONS,
    DISCARD,
    FLAG,
    KEEP,
    Check,
    Evaluation,
    FrameCheck,
    FrameStats,
    History,
    Thresholds,
)

CHECK_NAMES = ("decodable", "size", "uniform", "band", "frozen", "macroblocks", "torn",
               "change")

__all__ = [
    "ACTIONS",
    "CHECK_NAMES",
    "DISCARD",
    "FLAG",
    "KEEP",
    "Check",
    "Evaluation",
    "FrameCheck",
    "FrameStats",
    "History",
    "Thresholds",
    "decode",
    "evaluate_bytes",
    "evaluate_frame",
    "fingerprint",
    "judge",
]
