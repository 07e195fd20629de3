"""Checking camera and timelapse fields, shared by the HTML forms and the JSON API.

`clean_camera(data, form=...)` / `clean_timelapse(...)` return (values, errors): values
hold only the fields that were given and valid; errors map a field to a message a person
can act on. HTML forms send strings (and omit unchecked boxes); JSON must use real types.
"""
from __future__ import annotations

import datetime as dt
import re

import settings
from models import Camera
from pipelines.capture import mask_url, validate_url
from tasks.windows import Window

ROTATIONS = (0, 90, 180, 270)
ASPECTS = ("", "16:9", "4:3", "3:2", "1:1", "9:16")
ASPECT_MODES = ("crop", "pad")
SUN_MODES = ("", "daylight")
INTERVAL_RANGE = (5, 86400)


class Invalid(ValueError):
    pass


def _text(value, form: bool, max_len: int = 100) -> str:
    if not isinstance(value, str):
        raise Invalid("must be text")
    value = value.strip()
    if not value:
        raise Invalid("must not be empty")
    if len(value) > max_len:
        raise Invalid(f"must be at most {max_len} characters")
    return value


def _int(value, form: bool, lo: int, hi: int) -> int:
    if form and isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid("must be a whole number")
    if not lo <= value <= hi:
        raise Invalid(f"must be between {lo} and {hi}")
    return value


def _optional_int(value, form: bool, lo: int, hi: int) -> int | None:
    if value is None or (form and isinstance(value, str) and not value.strip()):
        return None
    return _int(value, form, lo, hi)


def _bool(value, form: bool) -> bool:
    if form:
        return value in ("on", "true", "1", "yes")
    if not isinstance(value, bool):
        raise Invalid("must be true or false")
    return value


def _choice(value, form: bool, choices: tuple):
    if form and isinstance(value, str) and isinstance(choices[-1], int):
        value = _int(value, form, min(choices), max(choices))
    # Same type too: JSON's 90.0 (and true) compare equal to 90 (and 1) but are not choices.
    if not any(type(value) is type(choice) and value == choice for choice in choices):
        raise Invalid("must be one of " + ", ".join(repr(c) for c in choices))
    return value


def _crop(value, form: bool) -> list[int] | None:
    if value is None or value == "" or value == []:
        return None
    if form and isinstance(value, str):
        parts = [p.strip() for p in value.split(",")]
        if not all(re.fullmatch(r"\d+", p) for p in parts):
            raise Invalid("must be four whole numbers: x, y, width, height")
        value = [int(p) for p in parts]
    if not isinstance(value, list) or len(value) != 4 or \
            not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value):
        raise Invalid("must be four whole numbers: x, y, width, height")
    if value[2] < 16 or value[3] < 16:
        raise Invalid("width and height must be at least 16 pixels")
    return value


def _url(value, form: bool, existing: str | None) -> str:
    value = _text(value, form, max_len=2000)
    if existing and "***" in value:
        value = unmask_url(value, existing)
    if "***" in value:  # a masked URL must never be stored as if *** were the secret
        raise Invalid("still holds *** where a password or key was hidden: type the real one")
    try:
        return validate_url(value)
    except ValueError as exc:
        raise Invalid(str(exc)) from None


def unmask_url(submitted: str, stored: str) -> str:
    """A form shows the masked URL; sent back unchanged it must keep the stored secret."""
    if submitted == mask_url(stored):
        return stored
    match = re.match(r"^[a-z]+://[^:/@]*:([^@]*)@", stored)
    if match and ":***@" in submitted:
        return submitted.replace(":***@", f":{match.group(1)}@", 1)
    return submitted


CAMERA_FIELDS = {
    "name": lambda v, f, c: _text(v, f),
    "url": lambda v, f, c: _url(v, f, c.url if c else None),
    "enabled": lambda v, f, c: _bool(v, f),
    "rotation": lambda v, f, c: _choice(v, f, ROTATIONS),
    "crop": lambda v, f, c: _crop(v, f),
    "aspect": lambda v, f, c: _choice(v, f, ASPECTS),
    "aspect_mode": lambda v, f, c: _choice(v, f, ASPECT_MODES),
    "jpeg_quality": lambda v, f, c: _int(v, f, 10, 100),
}


def _clean(data: dict, fields: dict, required: tuple, form: bool, context) -> tuple[dict, dict]:
    values, errors = {}, {}
    if not form:
        for key in data:
            if key not in fields:
                errors[key] = "is not a field you can set"
    for key, check in fields.items():
        if key not in data:
            if key in required:
                errors[key] = "is required"
            continue
        try:
            values[key] = check(data[key], form, context)
        except Invalid as exc:
            errors[key] = str(exc)
    return values, errors


def clean_camera(data: dict, form: bool, camera: Camera | None = None,
                 partial: bool = False) -> tuple[dict, dict]:
    if form:  # an unchecked box is simply absent from a form
        data = {**data, "enabled": data.get("enabled", "")}
    required = () if partial else ("name", "url")
    return _clean(data, CAMERA_FIELDS, required, form, camera)


def _windows(value, form: bool) -> list[str]:
    if value is None or value == "":
        return []
    if form and isinstance(value, str):
        value = [p for p in re.split(r"[,\n]+", value) if p.strip()]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise Invalid("must be a list like ['08:00-12:00', '22:00-02:00']")
    try:
        return [f"{w.start:%H:%M}-{w.end:%H:%M}" for w in map(Window.parse, value)]
    except ValueError as exc:
        raise Invalid(str(exc)) from None


def _days(value, form: bool) -> str:
    if form and isinstance(value, list):
        value = [_int(v, form, 0, 6) for v in value]
    if not isinstance(value, list) or not value or \
            not all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 6 for v in value):
        raise Invalid("must list at least one weekday, 0 (Monday) to 6 (Sunday)")
    return "".join(str(d) for d in sorted(set(value)))


def _stop_at(value, form: bool) -> dt.datetime | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise Invalid("must be a date and time, e.g. 2027-03-14T12:00")
    try:
        when = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise Invalid("must be a date and time, e.g. 2027-03-14T12:00") from None
    if when.tzinfo is None:  # a form's datetime-local is in the configured time zone
        when = when.replace(tzinfo=settings.current.tz)
    return when.astimezone(dt.UTC)


def _camera_id(value, form: bool) -> int:
    camera_id = _int(value, form, 1, 2**31)
    if not Camera.select().where(Camera.id == camera_id).exists():
        raise Invalid("no camera has this id")
    return camera_id


TIMELAPSE_FIELDS = {
    "camera_id": lambda v, f, c: _camera_id(v, f),
    "name": lambda v, f, c: _text(v, f),
    "interval_seconds": lambda v, f, c: _int(v, f, *INTERVAL_RANGE),
    "windows": lambda v, f, c: _windows(v, f),
    "days": lambda v, f, c: _days(v, f),
    "sun_mode": lambda v, f, c: _choice(v, f, SUN_MODES),
    "sunrise_offset": lambda v, f, c: _int(v, f, -240, 240),
    "sunset_offset": lambda v, f, c: _int(v, f, -240, 240),
    "stop_at": lambda v, f, c: _stop_at(v, f),
    "stop_after_frames": lambda v, f, c: _optional_int(v, f, 1, 10**8),
    "stop_after_days": lambda v, f, c: _optional_int(v, f, 1, 3650),
}
TIMING_FIELDS = {"interval_seconds", "windows", "days", "sun_mode", "sunrise_offset",
                 "sunset_offset", "stop_at", "stop_after_frames", "stop_after_days"}


def clean_timelapse(data: dict, form: bool, partial: bool = False) -> tuple[dict, dict]:
    required = () if partial else ("camera_id", "name", "interval_seconds")
    values, errors = _clean(data, TIMELAPSE_FIELDS, required, form, None)
    if values.get("sun_mode") == "daylight" and settings.current.latitude is None:
        errors["sun_mode"] = "needs TL_LATITUDE and TL_LONGITUDE to be configured"
    return values, errors
