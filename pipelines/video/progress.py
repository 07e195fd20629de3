"""ffmpeg's `-progress pipe:1` output, turned into percent, encoding fps and time left.

ffmpeg writes `key=value` lines and ends each block with `progress=continue` (about twice
a second) or `progress=end`.
"""
from __future__ import annotations

from collections.abc import Callable

# percent (0-100), a message for people, and the figures behind it
Report = Callable[[float, str, dict], None]


class ProgressParser:
    """Feed it ffmpeg's progress lines; it calls REPORT once per block.

    DONE_BEFORE/TOTAL place this ffmpeg run inside a larger job (day segments): percent
    counts frames over the whole job."""

    def __init__(self, report: Report, total: int, done_before: int = 0, label: str = "Encoding"):
        self.report, self.total, self.done_before, self.label = report, total, done_before, label
        self.values: dict[str, str] = {}
        self.frame = 0

    def __call__(self, line: str) -> None:
        key, sep, value = line.partition("=")
        if not sep:
            return
        self.values[key.strip()] = value.strip()
        if key.strip() == "progress":
            self._emit()
            self.values = {}

    def _emit(self) -> None:
        try:
            self.frame = int(self.values.get("frame", self.frame))
            fps = float(self.values.get("fps", 0) or 0)
        except ValueError:  # a malformed block is skipped, the next one will do
            return
        done = self.done_before + self.frame
        total = max(self.total, 1)
        stats = {"frame": done, "frames": self.total, "fps": round(fps, 1)}
        message = f"{self.label}: frame {done} of {self.total}"
        if fps > 0:
            left = max(0.0, (self.total - done) / fps)
            stats["eta_seconds"] = round(left)
            message += f" · {fps:.0f} fps · about {_duration(left)} left"
        self.report(min(100.0, 100.0 * done / total), message, stats)


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
