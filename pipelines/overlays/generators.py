"""The generators: what each overlay item says for one frame.

Everything comes from the frame's stored capture data (FrameInfo: capture time, number in
the video, day number, weather snapshot) and the render's Context (time zone, names,
location), so an overlay is drawn at video time without touching the camera again.
Placeholders are `{name}`; unknown ones stay as typed (no str.format: a format string
from a person must never reach attributes).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from zoneinfo import ZoneInfo

from astral import Observer
from astral.sun import sun

PLACEHOLDER = re.compile(r"\{(\w+)\}")
# The weather icon drawn for each condition group (pipelines.weather.CONDITIONS).
ICONS = ("clear", "partly-cloudy", "cloudy", "fog", "drizzle", "rain", "snow", "thunder")


@dataclasses.dataclass(frozen=True)
class FrameInfo:
    """One frame's capture data."""
    captured_at: dt.datetime  # aware
    number: int = 1  # its position in the video, 1 = the first
    day: int = 1  # day of the timelapse it was taken on, 1 = the first
    weather: dict | None = None  # the snapshot stored on the frame at capture


@dataclasses.dataclass(frozen=True)
class Context:
    """What is the same for every frame of a render."""
    tz: ZoneInfo
    camera: str = ""
    timelapse: str = ""
    latitude: float | None = None
    longitude: float | None = None


def fill(template: str, values: dict) -> str:
    return PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), template)


def temperature(weather: dict, unit: str) -> str:
    celsius = weather.get("temperature_c")
    if celsius is None:
        return ""
    if unit == "F":
        return f"{celsius * 9 / 5 + 32:.0f} °F"
    return f"{celsius:.0f} °C"


@functools.lru_cache(maxsize=64)
def _sun_times(day: dt.date, lat: float, lon: float, tz: ZoneInfo) -> tuple[str, str] | None:
    try:
        times = sun(Observer(lat, lon), date=day, tzinfo=tz)
    except ValueError:  # polar day or night: the sun does not rise or set that day
        return None
    return f"{times['sunrise']:%H:%M}", f"{times['sunset']:%H:%M}"


def sun_times(info: FrameInfo, ctx: Context) -> tuple[str, str] | None:
    """(sunrise, sunset) as local HH:MM on the frame's day: from the location when it is
    known, else from the weather snapshot."""
    local = info.captured_at.astimezone(ctx.tz)
    if ctx.latitude is not None and ctx.longitude is not None:
        return _sun_times(local.date(), ctx.latitude, ctx.longitude, ctx.tz)
    weather = info.weather or {}
    try:
        rise = dt.datetime.fromisoformat(weather["sunrise"]).astimezone(ctx.tz)
        sets = dt.datetime.fromisoformat(weather["sunset"]).astimezone(ctx.tz)
    except (KeyError, TypeError, ValueError):
        return None
    return f"{rise:%H:%M}", f"{sets:%H:%M}"


def item_text(item: dict, info: FrameInfo, ctx: Context) -> str:
    """What ITEM says on this frame; "" draws nothing (say, no weather was stored)."""
    kind, fmt = item["kind"], item.get("format", "")
    if kind == "datetime":
        try:
            return info.captured_at.astimezone(ctx.tz).strftime(fmt)
        except ValueError:
            return fmt
    values = {"day": info.day, "frame": info.number, "camera": ctx.camera,
              "timelapse": ctx.timelapse}
    if kind == "weather":
        if not info.weather:
            return ""
        values.update(temperature=temperature(info.weather, item.get("unit", "C")),
                      conditions=info.weather.get("conditions", ""),
                      humidity=info.weather.get("humidity", ""),
                      wind=info.weather.get("wind_kmh", ""))
    if kind == "sun":
        times = sun_times(info, ctx)
        if times is None:
            return ""
        values.update(sunrise=times[0], sunset=times[1])
    return fill(fmt, values).strip()


def icon_for(item: dict, info: FrameInfo) -> str:
    """The weather icon to draw beside ITEM's text, or ""."""
    if item["kind"] != "weather" or not item.get("icon") or not info.weather:
        return ""
    icon = info.weather.get("icon", "")
    return icon if icon in ICONS else ""


def is_static(item: dict) -> bool:
    """Items that read nothing from the frame: drawn once for the whole video."""
    return item["kind"] in ("text", "camera", "timelapse")
