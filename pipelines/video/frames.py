"""Which frames go into a video: date range, time-of-day window, one per day, every Nth,
and frames whose file is missing or cut short are skipped with a note.

Everything streams: frames come in as an iterator (oldest first) and go out as one, so a
year of frames never sits in memory.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

from pipelines.video.settings import RenderSettings

EOI = b"\xff\xd9"  # a JPEG's end-of-image marker: a cut-off upload has none
TAIL = 64  # some cameras pad after the marker


@dataclasses.dataclass(frozen=True)
class FrameRef:
    path: Path
    captured_at: dt.datetime  # aware
    width: int
    height: int
    day: int = 1  # the frame's capture data, for overlays drawn at video time
    weather: dict | None = None


@dataclasses.dataclass(frozen=True)
class Selection:
    tz: ZoneInfo
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    time_from: dt.time | None = None
    time_to: dt.time | None = None
    every_nth: int = 1
    one_per_day: bool = False

    @classmethod
    def of(cls, s: RenderSettings, tz: ZoneInfo) -> Selection:
        day = dt.date.fromisoformat
        clock = dt.time.fromisoformat
        return cls(tz=tz, date_from=day(s.date_from) if s.date_from else None,
                   date_to=day(s.date_to) if s.date_to else None,
                   time_from=clock(s.time_from) if s.time_from else None,
                   time_to=clock(s.time_to) if s.time_to else None,
                   every_nth=s.every_nth, one_per_day=s.one_per_day)

    def utc_range(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        """[start, end) in UTC for the date range, so a database can narrow its query."""
        start = end = None
        if self.date_from:
            start = dt.datetime.combine(self.date_from, dt.time(), self.tz).astimezone(dt.UTC)
        if self.date_to:
            end = dt.datetime.combine(self.date_to + dt.timedelta(days=1), dt.time(),
                                      self.tz).astimezone(dt.UTC)
        return start, end

    def in_range(self, local: dt.datetime) -> bool:
        day = local.date()
        if (self.date_from and day < self.date_from) or (self.date_to and day > self.date_to):
            return False
        if self.time_from is None or self.time_to is None:
            return True
        now = local.time()
        if self.time_from < self.time_to:
            return self.time_from <= now < self.time_to
        return now >= self.time_from or now < self.time_to  # overnight window


class Skipped:
    """Counts skipped frames, keeping a few examples for the note on the video."""

    def __init__(self, keep: int = 3):
        self.count = 0
        self.examples: list[str] = []
        self._keep = keep

    def add(self, frame: FrameRef, reason: str) -> None:
        self.count += 1
        if len(self.examples) < self._keep:
            self.examples.append(f"{frame.captured_at:%Y-%m-%d %H:%M:%S} UTC ({reason})")

    def note(self) -> str:
        if not self.count:
            return ""
        more = ", …" if self.count > len(self.examples) else ""
        noun = "frame was" if self.count == 1 else "frames were"
        return (f"{self.count} {noun} skipped: missing or damaged file "
                f"({'; '.join(self.examples)}{more}).")


def damage(path: Path) -> str:
    """Why the JPEG at PATH cannot go into a video, or "" when it looks whole. Cheap: it
    reads the first and last bytes only (a cut-off JPEG has no end marker)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(2)
            size = fh.seek(0, os.SEEK_END)
            fh.seek(max(0, size - TAIL))
            tail = fh.read()
    except FileNotFoundError:
        return "file missing"
    except OSError as exc:
        return f"unreadable: {exc.strerror or exc}"
    if head != b"\xff\xd8":
        return "not a JPEG"
    if EOI not in tail:
        return "incomplete JPEG"
    return ""


def select(frames: Iterable[FrameRef], sel: Selection, skipped: Skipped) -> Iterator[FrameRef]:
    """The frames that pass SEL, in order; damaged ones are counted in SKIPPED."""
    last_day = None
    kept = 0
    for frame in frames:
        local = frame.captured_at.astimezone(sel.tz)
        if not sel.in_range(local):
            continue
        if sel.one_per_day and local.date() == last_day:
            continue
        reason = damage(frame.path)
        if reason:
            skipped.add(frame, reason)
            continue
        last_day = local.date()
        kept += 1
        if (kept - 1) % sel.every_nth == 0:
            yield frame
