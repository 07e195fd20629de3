"""Overlay configurations: what is drawn where, and how it looks. Plain dicts (stored as
JSON on presets and timelapses), checked here.

    {"items": [{"kind": "datetime", "position": "bottom-left", "format": "%d %b %Y %H:%M",
                "style": {...}}, ...],
     "style": {"size": 3.5, "color": "#ffffff", "background": "#000000",
               "background_opacity": 45, "shadow": True, "outline": False, "margin": 2},
     "watermark": {"path": "overlays/watermarks/<digest>.png", "scale": 15, "opacity": 80,
                   "position": "top-right"} or None}

Sizes are relative to the frame (font size in percent of its height, margin too,
watermark in percent of its width), so 320x240 and 4K look the same.
"""
from __future__ import annotations

import copy
import hashlib
import json
import re

POSITIONS = ("top-left", "top-center", "top-right", "middle-left", "center", "middle-right",
             "bottom-left", "bottom-center", "bottom-right")
KINDS = ("datetime", "day", "frame", "text", "camera", "timelapse", "weather", "sun")
KIND_NAMES = {"datetime": "Date and time", "day": "Day number", "frame": "Frame number",
              "text": "Custom text", "camera": "Camera name", "timelapse": "Timelapse name",
              "weather": "Weather", "sun": "Sunrise and sunset"}
# The text pattern each kind starts with; "{day}", "{frame}", "{sunrise}"... are filled in.
DEFAULT_FORMATS = {"datetime": "%d %b %Y %H:%M", "day": "Day {day}", "frame": "Frame {frame}",
                   "text": "", "camera": "{camera}", "timelapse": "{timelapse}",
                   "weather": "{temperature} {conditions}",
                   "sun": "Sunrise {sunrise} · sunset {sunset}"}
UNITS = ("C", "F")
MAX_ITEMS = 12
MAX_TEXT = 200
STYLE_DEFAULTS = {"size": 3.5, "color": "#ffffff", "background": "#000000",
                  "background_opacity": 45, "shadow": True, "outline": False, "margin": 2.0}
STYLE_RANGES = {"size": (0.5, 20.0), "background_opacity": (0, 100), "margin": (0.0, 20.0)}
WATERMARK_DEFAULTS = {"path": "", "scale": 15.0, "opacity": 80, "position": "top-right"}
WATERMARK_RANGES = {"scale": (1.0, 100.0), "opacity": (0, 100)}
COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


class Invalid(ValueError):
    pass


def _number(value, lo: float, hi: float, whole: bool = False):
    if isinstance(value, str):
        try:
            value = int(value) if whole else float(value)
        except ValueError:
            raise Invalid("must be a whole number" if whole else "must be a number") from None
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        raise Invalid("must be a number")
    if not lo <= value <= hi:
        raise Invalid(f"must be between {lo:g} and {hi:g}")
    return int(value) if whole else float(value)


def _bool(value) -> bool:
    if isinstance(value, str):
        return value in ("on", "true", "1", "yes")
    if not isinstance(value, bool):
        raise Invalid("must be true or false")
    return value


def _colour(value) -> str:
    if not isinstance(value, str) or not COLOUR.fullmatch(value.strip()):
        raise Invalid("must be a colour like #ffffff")
    return value.strip().lower()


def _choice(value, choices: tuple) -> str:
    if value not in choices:
        raise Invalid("must be one of " + ", ".join(choices))
    return value


def clean_style(data: dict, prefix: str, errors: dict, partial: bool) -> dict:
    """The style fields in DATA (all of them unless PARTIAL); messages go to ERRORS."""
    checks = {"size": lambda v: _number(v, *STYLE_RANGES["size"]),
              "color": _colour, "background": _colour,
              "background_opacity": lambda v: _number(v, *STYLE_RANGES["background_opacity"],
                                                      whole=True),
              "shadow": _bool, "outline": _bool,
              "margin": lambda v: _number(v, *STYLE_RANGES["margin"])}
    out = {} if partial else dict(STYLE_DEFAULTS)
    if not isinstance(data, dict):
        errors[prefix.rstrip(".") or "style"] = "must be an object"
        return out
    for key, value in data.items():
        if key not in checks:
            errors[f"{prefix}{key}"] = "is not a style setting"
            continue
        try:
            out[key] = checks[key](value)
        except Invalid as exc:
            errors[f"{prefix}{key}"] = str(exc)
    return out


def clean_item(data, n: int, errors: dict) -> dict | None:
    prefix = f"items.{n}."
    if not isinstance(data, dict):
        errors[f"items.{n}"] = "must be an object"
        return None
    try:
        kind = _choice(data.get("kind"), KINDS)
        position = _choice(data.get("position", "bottom-left"), POSITIONS)
    except Invalid as exc:
        errors[prefix + ("kind" if data.get("kind") not in KINDS else "position")] = str(exc)
        return None
    item = {"kind": kind, "position": position}
    fmt = data.get("format", DEFAULT_FORMATS[kind])
    if not isinstance(fmt, str) or len(fmt) > MAX_TEXT:
        errors[prefix + "format"] = f"must be text of at most {MAX_TEXT} characters"
    else:
        item["format"] = fmt or DEFAULT_FORMATS[kind]
        if kind == "text" and not fmt.strip():
            errors[prefix + "format"] = "give the text to show"
    if kind == "weather":
        try:
            item["unit"] = _choice(data.get("unit", "C"), UNITS)
            item["icon"] = _bool(data.get("icon", True))
        except Invalid as exc:
            errors[prefix + "unit"] = str(exc)
    unknown = set(data) - {"kind", "position", "format", "unit", "icon", "style"}
    errors.update({prefix + key: "is not an item setting" for key in unknown})
    style = clean_style(data.get("style") or {}, prefix + "style.", errors, partial=True)
    if style:
        item["style"] = style
    return item


def clean_watermark(data, errors: dict) -> dict | None:
    if data is None:
        return None
    if not isinstance(data, dict):
        errors["watermark"] = "must be an object or null"
        return None
    out = dict(WATERMARK_DEFAULTS)
    for key, value in data.items():
        try:
            if key in WATERMARK_RANGES:
                out[key] = _number(value, *WATERMARK_RANGES[key], whole=key == "opacity")
            elif key == "position":
                out[key] = _choice(value, POSITIONS)
            elif key == "path":
                if not isinstance(value, str) or ".." in value or value.startswith("/"):
                    raise Invalid("must be an uploaded watermark")
                out[key] = value
            else:
                raise Invalid("is not a watermark setting")
        except Invalid as exc:
            errors[f"watermark.{key}"] = str(exc)
    return out if out["path"] else None


def clean_config(data) -> tuple[dict, dict]:
    """(config, {field: message}) for an overlay configuration from JSON or a form."""
    errors: dict = {}
    if not isinstance(data, dict):
        return empty(), {"overlay": "must be an object"}
    unknown = set(data) - {"items", "style", "watermark"}
    errors.update({key: "is not an overlay setting" for key in unknown})
    items = data.get("items", [])
    if not isinstance(items, list) or len(items) > MAX_ITEMS:
        errors["items"] = f"must be a list of at most {MAX_ITEMS} items"
        items = []
    cleaned = [clean_item(item, n, errors) for n, item in enumerate(items)]
    config = {"items": [item for item in cleaned if item],
              "style": clean_style(data.get("style") or {}, "style.", errors, partial=False),
              "watermark": clean_watermark(data.get("watermark"), errors)}
    return config, errors


def empty() -> dict:
    return {"items": [], "style": dict(STYLE_DEFAULTS), "watermark": None}


def is_empty(config: dict | None) -> bool:
    return not config or (not config.get("items") and not config.get("watermark"))


def merged(preset: dict | None, override: dict | None) -> dict:
    """A timelapse's overlay: its preset with its own changes laid over (style fields one
    by one; items and watermark as a whole when the timelapse has its own)."""
    config = copy.deepcopy(preset) if preset else empty()
    for key in ("items", "watermark"):
        if override and key in override:
            config[key] = copy.deepcopy(override[key])
    config["style"] = {**STYLE_DEFAULTS, **config.get("style", {}),
                       **((override or {}).get("style") or {})}
    return config


def diff(config: dict, preset: dict | None) -> dict:
    """What CONFIG changes of PRESET: the override a timelapse stores."""
    base = merged(preset, None)
    out: dict = {}
    style = {k: v for k, v in config["style"].items() if base["style"].get(k) != v}
    if style:
        out["style"] = style
    for key in ("items", "watermark"):
        if config.get(key) != base.get(key):
            out[key] = config.get(key)
    return out


def fingerprint(config: dict, extra: str = "") -> str:
    """A short key of everything that changes the drawn pixels (EXTRA: the watermark file's
    digest, the time zone): part of a render plan's signature."""
    text = json.dumps(config, sort_keys=True) + "\0" + extra
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _item(kind: str, position: str, **more) -> dict:
    return {"kind": kind, "position": position, "format": DEFAULT_FORMATS[kind], **more}


BUILTIN_PRESETS = {
    "timestamp": ("Timestamp", {
        "items": [_item("datetime", "bottom-left")],
        "style": dict(STYLE_DEFAULTS), "watermark": None}),
    "timestamp_weather": ("Timestamp and weather", {
        "items": [_item("datetime", "bottom-left"),
                  _item("weather", "bottom-right", unit="C", icon=True)],
        "style": dict(STYLE_DEFAULTS), "watermark": None}),
    "full": ("Full: every corner", {
        "items": [_item("day", "top-left"), _item("datetime", "top-left"),
                  _item("timelapse", "top-right"), _item("camera", "top-right"),
                  _item("weather", "bottom-left", unit="C", icon=True),
                  _item("sun", "bottom-left"), _item("frame", "bottom-right")],
        "style": dict(STYLE_DEFAULTS), "watermark": None}),
}
