"""Render settings: the fields, their defaults and their checks, in one place.

The global defaults, a timelapse's own settings and a single render's override are all
partial dicts of these fields; `RenderSettings.merged(*layers)` lays them over the built-in
defaults. `clean_settings` checks a dict from an HTML form (strings) or JSON (real types)
and returns (values, errors) like webapp.validation does for cameras and timelapses.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re

CODECS = ("h264", "h265", "vp9")
CONTAINERS = {"h264": "mp4", "h265": "mp4", "vp9": "webm"}
FPS_MODES = ("fixed", "duration")
RESOLUTIONS = ("source", "2160p", "1080p", "720p", "width")
SHORT_SIDES = {"2160p": 2160, "1080p": 1080, "720p": 720}
QUALITIES = ("high", "medium", "low")
SPEEDS = ("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower",
          "veryslow")
FPS_RANGE = (1.0, 120.0)
DURATION_RANGE = (1.0, 3600.0)
WIDTH_RANGE = (16, 7680)
EVERY_NTH_RANGE = (1, 100000)


@dataclasses.dataclass(frozen=True)
class RenderSettings:
    codec: str = "h264"
    fps_mode: str = "fixed"  # fixed: `fps`; duration: frames / `duration`, clamped
    fps: float = 25.0
    duration: float = 30.0  # seconds the video should last (fps_mode "duration")
    min_fps: float = 5.0
    max_fps: float = 60.0
    resolution: str = "source"  # never upscaled unless `upscale`
    width: int | None = None  # resolution "width"
    upscale: bool = False
    quality: str = "medium"  # a CRF preset per codec
    speed: str = "veryfast"  # encoder preset: small boxes need the fast end
    date_from: str = ""  # YYYY-MM-DD, local, inclusive
    date_to: str = ""
    time_from: str = ""  # HH:MM, local time of day; time_to <= time_from runs overnight
    time_to: str = ""
    every_nth: int = 1
    one_per_day: bool = False  # the first frame of each local day that passes the filters
    skip_flagged: bool = True
    deflicker: bool = False
    blend: bool = False  # mix each frame with its neighbours: smoother motion
    preview: bool = True  # a small animated WebP for cards
    incremental: bool = True  # reuse cached day segments when nothing else changed
    overlays: bool = True  # draw the timelapse's overlay (when it has one)

    @classmethod
    def merged(cls, *layers: dict | None) -> RenderSettings:
        """The built-in defaults with each partial dict laid over the previous ones.
        Unknown keys (say, a field a later version dropped) are ignored."""
        names = {f.name for f in dataclasses.fields(cls)}
        values: dict = {}
        for layer in layers:
            values.update({k: v for k, v in (layer or {}).items() if k in names})
        return cls(**values)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @property
    def container(self) -> str:
        return CONTAINERS[self.codec]


DEFAULTS = RenderSettings()
BOOLEANS = tuple(f.name for f in dataclasses.fields(RenderSettings) if f.type == "bool")


class Invalid(ValueError):
    pass


def _choice(choices: tuple):
    def check(value, form: bool):
        if value not in choices:
            raise Invalid("must be one of " + ", ".join(choices))
        return value
    return check


def _number(lo: float, hi: float, whole: bool = False):
    def check(value, form: bool):
        if form and isinstance(value, str):
            try:
                value = int(value) if whole else float(value)
            except ValueError:
                raise Invalid("must be a whole number" if whole else "must be a number") from None
        if isinstance(value, bool) or not isinstance(value, int | float) or \
                (whole and not isinstance(value, int)) or value != value:
            raise Invalid("must be a whole number" if whole else "must be a number")
        if not lo <= value <= hi:
            raise Invalid(f"must be between {lo:g} and {hi:g}")
        return int(value) if whole else float(value)
    return check


def _optional_width(value, form: bool):
    if value is None or (form and isinstance(value, str) and not value.strip()):
        return None
    return _number(*WIDTH_RANGE, whole=True)(value, form)


def _bool(value, form: bool) -> bool:
    if form and isinstance(value, str):
        return value in ("on", "true", "1", "yes")
    if not isinstance(value, bool):
        raise Invalid("must be true or false")
    return value


def _date(value, form: bool) -> str:
    if not isinstance(value, str):
        raise Invalid("must be a date like 2030-01-31")
    value = value.strip()
    if value:
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            raise Invalid("must be a date like 2030-01-31") from None
    return value


def _time(value, form: bool) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"\s*(\d{1,2}:\d{2})?\s*", value):
        raise Invalid("must be a time of day like 11:00")
    value = value.strip()
    if value:
        try:
            value = dt.time.fromisoformat(value.zfill(5)).strftime("%H:%M")
        except ValueError:
            raise Invalid("must be a time of day like 11:00") from None
    return value


FIELDS = {
    "codec": _choice(CODECS),
    "fps_mode": _choice(FPS_MODES),
    "fps": _number(*FPS_RANGE),
    "duration": _number(*DURATION_RANGE),
    "min_fps": _number(*FPS_RANGE),
    "max_fps": _number(*FPS_RANGE),
    "resolution": _choice(RESOLUTIONS),
    "width": _optional_width,
    "quality": _choice(QUALITIES),
    "speed": _choice(SPEEDS),
    "date_from": _date,
    "date_to": _date,
    "time_from": _time,
    "time_to": _time,
    "every_nth": _number(*EVERY_NTH_RANGE, whole=True),
    **{name: _bool for name in BOOLEANS},
}


def clean_settings(data: dict, form: bool, base: RenderSettings = DEFAULTS) -> tuple[dict, dict]:
    """Check the render fields in DATA; (values given and valid, {field: message}).

    FORM data are strings and an unticked box is absent (so False); JSON must use real
    types and may not name unknown fields. Cross-field rules are checked on the values laid
    over BASE (the settings they will be merged with)."""
    values, errors = {}, {}
    if form:
        data = {**{name: "" for name in BOOLEANS}, **data}
    else:
        errors.update({key: "is not a render setting" for key in data if key not in FIELDS})
    for key, check in FIELDS.items():
        if key in data:
            try:
                values[key] = check(data[key], form)
            except Invalid as exc:
                errors[key] = str(exc)
    # Checked on the valid values, so a person sees every problem at once; a field's own
    # message wins over a cross-field one.
    for key, message in cross_check(RenderSettings.merged(base.to_dict(), values)).items():
        errors.setdefault(key, message)
    return values, errors


def cross_check(s: RenderSettings) -> dict:
    """Rules that join two fields."""
    errors = {}
    if s.resolution == "width" and not s.width:
        errors["width"] = "is needed when the resolution is a width"
    if s.min_fps > s.max_fps:
        errors["max_fps"] = "must not be below the minimum fps"
    if bool(s.time_from) != bool(s.time_to):
        errors["time_to" if s.time_from else "time_from"] = "give both ends of the time window"
    elif s.time_from and s.time_from == s.time_to:
        errors["time_to"] = "must differ from the start of the window"
    if s.date_from and s.date_to and s.date_from > s.date_to:
        errors["date_to"] = "must not be before the first date"
    return errors
