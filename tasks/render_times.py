"""When automatic renders are due: pure functions of an instant and a rule's fields.

`tasks/schedule.py` is the only caller and the only place that acts on the answers (like
tasks/windows.py for captures).
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

WEEKLY, DAILY = "weekly", "daily"


def next_local_time(kind: str, at: str, weekday: int, tz: ZoneInfo,
                    after: dt.datetime) -> dt.datetime | None:
    """The first instant after AFTER when the local clock in TZ shows AT ("HH:MM") on any
    day (DAILY) or on WEEKDAY (WEEKLY, Monday = 0); aware UTC, or None for no schedule.

    DST-safe: a time that does not exist on a spring-forward day falls on the same distance
    past the gap (02:30 -> 03:30), and a time that happens twice on a fall-back day counts
    once, at its first occurrence (fold=0)."""
    if kind not in (DAILY, WEEKLY) or not at:
        return None
    clock = dt.time.fromisoformat(at)
    day = after.astimezone(tz).date()
    for offset in range(0, 9):
        date = day + dt.timedelta(days=offset)
        if kind == WEEKLY and date.weekday() != weekday:
            continue
        when = dt.datetime.combine(date, clock, tz).astimezone(dt.UTC)
        if when > after:
            return when
    return None  # unreachable: a week always holds the weekday


def is_milestone(frame_count: int, every: int | None) -> bool:
    """Every EVERY frames: true exactly once per multiple, as the count passes it."""
    return bool(every) and frame_count > 0 and frame_count % every == 0


def after_capture(now: dt.datetime, last: dt.datetime | None,
                  gap: dt.timedelta) -> dt.datetime | None:
    """The per-capture throttle: None when a render may start now, else the time the held
    back render is due (so the newest frames still get a video, one gap after the last)."""
    if last is None or now - last >= gap:
        return None
    return last + gap
