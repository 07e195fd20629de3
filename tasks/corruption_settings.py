"""Corruption detection settings: the fields, their defaults and ranges, and checking input.

Global values live in the Setting row "corruption"; a camera may hold its own values for
the per-camera fields (`Camera.corruption`, null = follow the global ones). One schema
serves the settings pages, the API and the capture task, so a value means the same
everywhere. `clean(data, form)` returns (values, errors) like webapp.validation does.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from models import Camera, Setting
from pipelines.corruption import Thresholds

SETTING_KEY = "corruption"


@dataclass(frozen=True)
class Field:
    label: str
    kind: type  # bool, int or float
    default: bool | int | float
    lo: float = 0
    hi: float = 0
    help: str = ""


PER_CAMERA: dict[str, Field] = {
    "enabled": Field("Check every frame", bool, True),
    "heavy": Field("Heavy checks (macroblocks, tears, sudden change)", bool, False,
                   help="About 10-20 ms more per 1080p frame."),
    "discard_below": Field("Discard below score", int, 50, 0, 100,
                           "Corrupt: the frame is discarded and re-captured."),
    "flag_below": Field("Flag below score", int, 80, 0, 100,
                        "Suspect: the frame is kept, flagged and left out of videos."),
    "uniform_tolerance": Field("Uniform frame tolerance (grey levels)", int, 3, 0, 30),
    "band_percent": Field("Flat bottom band (% of the height)", int, 5, 1, 100),
    "macroblock_percent": Field("Garbage blocks (% of the frame)", float, 2.0, 0.1, 100),
    "change_sensitivity": Field("Sudden change (times the usual change)", float, 6.0, 1, 100),
    "retries": Field("Quick re-captures of a corrupt frame", int, 2, 0, 5),
    "degraded_after": Field("Degraded after this many bad frames in a row", int, 5, 1, 1000),
    "degraded_percent": Field("…or when this % of recent frames was bad", int, 50, 1, 100),
    "degraded_window": Field("…out of the last frames", int, 20, 2, 1000),
    "auto_disable": Field("Switch the camera off when it becomes degraded", bool, False),
}
GLOBAL_ONLY: dict[str, Field] = {
    "quarantine_hours": Field("Keep discarded frames for (hours)", int, 72, 1, 24 * 60),
    "keep_days": Field("Keep evaluation records for (days)", int, 30, 1, 3650),
}
GLOBAL = {**PER_CAMERA, **GLOBAL_ONLY}
THRESHOLD_FIELDS = ("discard_below", "flag_below", "uniform_tolerance", "band_percent",
                    "macroblock_percent", "change_sensitivity")


def defaults(fields: dict[str, Field] = GLOBAL) -> dict:
    return {name: f.default for name, f in fields.items()}


def global_settings() -> dict:
    stored = Setting.get_value(SETTING_KEY) or {}
    return {**defaults(), **{k: v for k, v in stored.items() if k in GLOBAL}}


def camera_settings(camera: Camera) -> dict:
    """What applies to CAMERA: its own values when it has them, else the global ones."""
    conf = global_settings()
    if camera.corruption:
        conf.update({k: v for k, v in camera.corruption.items() if k in PER_CAMERA})
    return conf


def thresholds(conf: dict) -> Thresholds:
    return Thresholds(**{name: conf[name] for name in THRESHOLD_FIELDS})


def _number(field: Field, value, form: bool):
    if form and isinstance(value, str):
        text = value.strip()
        pattern = r"-?\d+" if field.kind is int else r"-?\d+(\.\d+)?"
        if not re.fullmatch(pattern, text):
            raise ValueError("must be a whole number" if field.kind is int else
                             "must be a number")
        value = field.kind(text)
    if isinstance(value, bool) or not isinstance(value, int | float) or \
            (field.kind is int and not isinstance(value, int)):
        raise ValueError("must be a whole number" if field.kind is int else "must be a number")
    if not field.lo <= value <= field.hi:
        raise ValueError(f"must be between {field.lo:g} and {field.hi:g}")
    return field.kind(value)


def _value(field: Field, value, form: bool):
    if field.kind is bool:
        if form:
            return value in ("on", "true", "1", "yes")
        if not isinstance(value, bool):
            raise ValueError("must be true or false")
        return value
    return _number(field, value, form)


def clean(data, form: bool, fields: dict[str, Field] = GLOBAL) -> tuple[dict, dict]:
    """Every field of FIELDS from DATA (a form: a missing box is False, a missing number
    keeps its default; JSON: only the keys given, unknown keys refused)."""
    values, errors = {}, {}
    if not form:
        errors.update({k: "is not a setting you can change" for k in data if k not in fields})
    for name, field in fields.items():
        if name not in data:
            if form and field.kind is bool:
                values[name] = False
            continue
        try:
            values[name] = _value(field, data[name], form)
        except ValueError as exc:
            errors[name] = str(exc)
    return values, errors


def check_order(conf: dict, errors: dict) -> None:
    """Cross-field rule: a score cannot be corrupt without also being suspect."""
    if "flag_below" not in errors and "discard_below" not in errors and \
            conf["discard_below"] > conf["flag_below"]:
        errors["flag_below"] = "must be at least the discard score"


def save_global(values: dict) -> dict:
    conf = {**global_settings(), **values}
    Setting.set_value(SETTING_KEY, conf)
    return conf
