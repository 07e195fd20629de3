"""Calendar maths for capture windows: pure functions of an instant and a window spec.

It answers "is this instant inside the windows?" and "where is the next grid slot inside
them?"; `tasks/schedule.py` is the only caller and the only place that acts on the answers.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from astral import Observer
from astral.sun import elevation, sun

UTC = dt.UTC
MAX_JUMPS = 500  # bounds the search for the next slot (e.g. windows that never open)


@dataclasses.dataclass(frozen=True)
class Window:
    start: dt.time
    end: dt.time  # end <= start means the window runs overnight

    @classmethod
    def parse(cls, text: str) -> Window:
        """'HH:MM-HH:MM' -> Window; ValueError with a readable message otherwise."""
        try:
            start, end = (dt.time.fromisoformat(part.strip()) for part in text.split("-"))
        except ValueError:
            raise ValueError(f"window {text!r} must look like 08:00-18:00") from None
        if start == end:
            raise ValueError(f"window {text!r} is empty: start and end are equal")
        return cls(start, end)


@dataclasses.dataclass(frozen=True)
class WindowSpec:
    tz: ZoneInfo
    windows: tuple[Window, ...] = ()
    days: frozenset[int] = frozenset(range(7))  # Monday = 0
    daylight: bool = False
    sunrise_offset: int = 0  # minutes
    sunset_offset: int = 0
    latitude: float | None = None
    longitude: float | None = None

    @property
    def unrestricted(self) -> bool:
        return not self.windows and len(self.days) == 7 and not self.daylight


@functools.lru_cache(maxsize=4096)
def _sun_times(lat: float, lon: float, day: dt.date, tz: ZoneInfo) -> tuple | str:
    """(sunrise, sunset) on the local date, or 'day'/'night' where the sun never sets/rises."""
    observer = Observer(lat, lon)
    try:
        times = sun(observer, date=day, tzinfo=tz)
        return times["sunrise"], times["sunset"]
    except ValueError:  # polar day or polar night: astral cannot give a sunrise
        noon = dt.datetime.combine(day, dt.time(12), tz)
        return "day" if elevation(observer, noon) > 0 else "night"


def _in_daylight(spec: WindowSpec, local: dt.datetime) -> bool:
    if spec.latitude is None or spec.longitude is None:
        return True  # no location configured: the daylight rule cannot apply
    times = _sun_times(spec.latitude, spec.longitude, local.date(), spec.tz)
    if isinstance(times, str):
        return times == "day"
    rise = times[0] + dt.timedelta(minutes=spec.sunrise_offset)
    set_ = times[1] + dt.timedelta(minutes=spec.sunset_offset)
    return rise <= local < set_


def _in_windows(spec: WindowSpec, local: dt.datetime) -> bool:
    if not spec.windows:
        return local.weekday() in spec.days
    now, today = local.time(), local.weekday()
    yesterday = (today - 1) % 7
    for w in spec.windows:
        if w.start < w.end:
            if w.start <= now < w.end and today in spec.days:
                return True
        # An overnight window belongs to the day it opened on.
        elif (now >= w.start and today in spec.days) or (now < w.end and yesterday in spec.days):
            return True
    return False


def in_window(spec: WindowSpec, when: dt.datetime) -> bool:
    """Is the instant WHEN (aware) inside every rule of SPEC?"""
    if spec.unrestricted:
        return True
    local = when.astimezone(spec.tz)
    return _in_windows(spec, local) and (not spec.daylight or _in_daylight(spec, local))


def _openings(spec: WindowSpec, after: dt.datetime) -> Iterator[dt.datetime]:
    """Instants after AFTER where a rule may switch on, in order, day by day.

    The windows open only at one of these: a window start, local midnight (days of the
    week) or sunrise plus its offset.
    """
    local = after.astimezone(spec.tz)
    for offset in range(0, 370):
        day = local.date() + dt.timedelta(days=offset)
        points = [dt.datetime.combine(day, dt.time(0), spec.tz)]
        points += [dt.datetime.combine(day, w.start, spec.tz) for w in spec.windows]
        if spec.daylight and spec.latitude is not None and spec.longitude is not None:
            times = _sun_times(spec.latitude, spec.longitude, day, spec.tz)
            if not isinstance(times, str):
                points.append(times[0] + dt.timedelta(minutes=spec.sunrise_offset))
        for point in sorted(p.astimezone(UTC) for p in points):
            if point > after:
                yield point


def first_slot_at_or_after(anchor: dt.datetime, interval: float, when: dt.datetime) -> dt.datetime:
    """The first slot of the grid anchor + k*interval (k >= 0) that is not before WHEN."""
    if when <= anchor:
        return anchor
    # Whole microseconds: float division would round a slot plus 1 µs back onto the slot.
    step = dt.timedelta(seconds=interval)
    steps = -(-(when - anchor) // step)
    return anchor + steps * step


def next_slot(spec: WindowSpec, anchor: dt.datetime, interval: float,
              after: dt.datetime) -> dt.datetime | None:
    """The first grid slot at or after AFTER that lies inside the windows; None if none
    within a year (for instance a daylight rule in polar night)."""
    slot = first_slot_at_or_after(anchor, interval, after)
    for _ in range(MAX_JUMPS):
        if in_window(spec, slot):
            return slot
        opening = next((p for p in _openings(spec, slot) if in_window(spec, p)), None)
        if opening is None:
            return None
        slot = first_slot_at_or_after(anchor, interval, opening)
    return None


def slots_in(spec: WindowSpec, anchor: dt.datetime, interval: float,
             start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    """Grid slots in [start, end] inside the windows, in order."""
    found = []
    slot = next_slot(spec, anchor, interval, start)
    while slot is not None and slot <= end:
        found.append(slot)
        slot = next_slot(spec, anchor, interval, slot + dt.timedelta(microseconds=1))
    return found
