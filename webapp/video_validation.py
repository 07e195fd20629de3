"""Checking render settings and render automation, for the HTML forms and the JSON API.

The render fields themselves are checked by `pipelines.video.clean_settings`; this module
adds the automation fields and the request bodies. Each returns (values, errors) like
webapp.validation.
"""
from __future__ import annotations

import re

from pipelines.video import RenderSettings, clean_settings
from webapp.validation import Invalid, _bool, _clean, _int, _optional_int, _text

SCHEDULES = ("", "daily", "weekly")
GAP_RANGE = (1, 7 * 24 * 60)  # minutes
EVERY_FRAMES_RANGE = (1, 10**8)


def _clock(value, form: bool) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"\s*(\d{1,2}:\d{2})?\s*", value):
        raise Invalid("must be a time of day like 03:00")
    value = value.strip()
    if value:
        hours, minutes = (int(p) for p in value.split(":"))
        if hours > 23 or minutes > 59:
            raise Invalid("must be a time of day like 03:00")
        value = f"{hours:02d}:{minutes:02d}"
    return value


def _schedule(value, form: bool) -> str:
    if value not in SCHEDULES:
        raise Invalid("must be one of '', 'daily', 'weekly'")
    return value


RULE_FIELDS = {
    "every_frames": lambda v, f, c: _optional_int(v, f, *EVERY_FRAMES_RANGE),
    "scheduled": lambda v, f, c: _schedule(v, f),
    "scheduled_time": lambda v, f, c: _clock(v, f),
    "scheduled_weekday": lambda v, f, c: _int(v, f, 0, 6),
    "after_capture": lambda v, f, c: _bool(v, f),
    "min_gap_minutes": lambda v, f, c: _int(v, f, *GAP_RANGE),
    "on_completion": lambda v, f, c: _bool(v, f),
    "replace_automatic": lambda v, f, c: _bool(v, f),
}
RULE_BOOLEANS = ("after_capture", "on_completion", "replace_automatic")


def clean_rule(data: dict) -> tuple[dict, dict]:
    """The automation fields of a submitted form; its other fields are left to the caller."""
    data = {**{name: "" for name in RULE_BOOLEANS}, **data}  # an unticked box is absent
    values, errors = _clean(data, RULE_FIELDS, (), True, None)
    if values.get("scheduled") and not values.get("scheduled_time"):
        errors.setdefault("scheduled_time", "is needed for a daily or weekly render")
    return values, errors


def settings_diff(values: dict, base: RenderSettings) -> dict:
    """Only what differs from BASE, so later changes to the defaults still reach the rest."""
    current = base.to_dict()
    return {k: v for k, v in values.items() if current.get(k) != v}


def clean_render_request(data: dict, base: RenderSettings) -> tuple[dict, str, dict]:
    """The JSON body of a render request: {"settings": {...}, "name": "..."}, both optional.
    Returns (settings override, name, errors)."""
    errors = {key: "is not a field you can set" for key in data if key not in ("settings",
                                                                               "name")}
    override = data.get("settings", {})
    name = ""
    if not isinstance(override, dict):
        errors["settings"] = "must be an object of render settings"
        override = {}
    values, setting_errors = clean_settings(override, form=False, base=base)
    errors.update({f"settings.{k}": v for k, v in setting_errors.items()})
    if data.get("name") is not None:
        try:
            name = _text(data["name"], False, max_len=200)
        except Invalid as exc:
            errors["name"] = str(exc)
    return values, name, errors


def clean_name(value, form: bool) -> tuple[str, str]:
    """(name, error) for a rename."""
    try:
        return _text(value, form, max_len=200), ""
    except Invalid as exc:
        return "", f"The name {exc}."
