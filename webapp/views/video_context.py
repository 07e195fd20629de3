"""Context builders for the video partials (one per partial, used by the page and by the
fragment view alike), and how render settings and rules look in a form."""
from __future__ import annotations

from models import Job, RenderRule, Timelapse, Video
from pipelines.video import CODECS, FPS_MODES, QUALITIES, RESOLUTIONS, SPEEDS, RenderSettings
from tasks import videos as video_tasks
from webapp.views.context import WEEKDAYS

LIST_PAGE = 24
PANEL_VIDEOS = 4
CODEC_NAMES = {"h264": "H.264 MP4 (plays everywhere)", "h265": "H.265 MP4 (smaller files)",
               "vp9": "VP9 WebM"}
RESOLUTION_NAMES = {"source": "as captured", "2160p": "2160p (4K)", "1080p": "1080p",
                    "720p": "720p", "width": "a width of my choice"}
QUALITY_NAMES = {"high": "high (bigger files)", "medium": "medium", "low": "low (small files)"}
RULE_DEFAULTS = {"every_frames": "", "scheduled": "", "scheduled_time": "03:00",
                 "scheduled_weekday": "0", "after_capture": False, "min_gap_minutes": "15",
                 "on_completion": False, "replace_automatic": True}


# ---------------------------------------------------------------- videos/_list.html

def video_list(before: int | None = None, tl: Timelapse | None = None) -> dict:
    """One page of videos, newest first; `older` is the key of the next page."""
    rows = list(Video.page(before, tl.id if tl else None, limit=LIST_PAGE + 1))
    older = rows[LIST_PAGE - 1].id if len(rows) > LIST_PAGE else None
    return {"videos": rows[:LIST_PAGE], "older": older, "before": before, "tl": tl}


# ---------------------------------------------------------------- videos/_panel.html

def video_panel(tl: Timelapse) -> dict:
    """The timelapse page's video panel: renders in flight (it polls while there are any),
    the newest videos, and what the automation does."""
    jobs = list(Job.in_flight("render", tl.id))
    rule = RenderRule.get_or_none(RenderRule.timelapse == tl.id)
    return {"tl": tl, "jobs": jobs, "live": bool(jobs), "rule_text": describe_rule(rule),
            "videos": list(Video.page(timelapse_id=tl.id, limit=PANEL_VIDEOS))}


def describe_rule(rule: RenderRule | None) -> list[str]:
    """The automation in words, e.g. ["daily at 03:00", "every 500 frames"]."""
    if rule is None:
        return []
    parts = []
    if rule.scheduled == "daily":
        parts.append(f"daily at {rule.scheduled_time}")
    elif rule.scheduled == "weekly":
        parts.append(f"every {WEEKDAYS[rule.scheduled_weekday]} at {rule.scheduled_time}")
    if rule.every_frames:
        parts.append(f"every {rule.every_frames} frames")
    if rule.after_capture:
        parts.append(f"after captures, at most every {rule.min_gap_minutes} min")
    if rule.on_completion:
        parts.append("when the timelapse completes")
    return parts


# ---------------------------------------------------------------- videos/_settings_fields.html

def settings_values(s: RenderSettings) -> dict:
    """What the settings fields show: numbers as text, booleans as they are."""
    values = {}
    for key, value in s.to_dict().items():
        if isinstance(value, bool):
            values[key] = value
        elif isinstance(value, float):
            values[key] = f"{value:g}"
        else:
            values[key] = "" if value is None else str(value)
    return values


def settings_form(values: dict, errors: dict | None = None) -> dict:
    return {"form": values, "errors": errors or {}, "codecs": CODECS, "codec_names": CODEC_NAMES,
            "fps_modes": FPS_MODES, "resolutions": RESOLUTIONS,
            "resolution_names": RESOLUTION_NAMES, "qualities": QUALITIES,
            "quality_names": QUALITY_NAMES, "speeds": SPEEDS}


def render_form(tl: Timelapse, values: dict | None = None, errors: dict | None = None,
                source: Video | None = None) -> dict:
    """The "render with options" form, filled from SOURCE's settings ("render again") or
    the timelapse's own."""
    if values is None:
        base = RenderSettings.merged(source.settings) if source else \
            video_tasks.timelapse_settings(tl.id)
        values = settings_values(base)
        values["name"] = ""
    return {"tl": tl, "source": source, **settings_form(values, errors)}


# ---------------------------------------------------------------- videos/rule.html

def rule_form(tl: Timelapse, values: dict | None = None, errors: dict | None = None) -> dict:
    rule = RenderRule.get_or_none(RenderRule.timelapse == tl.id)
    if values is None:
        values = settings_values(video_tasks.timelapse_settings(tl.id))
        values.update(RULE_DEFAULTS)
        if rule is not None:
            values.update({key: getattr(rule, key) for key in RULE_DEFAULTS})
            values.update(every_frames=rule.every_frames or "",
                          scheduled_weekday=str(rule.scheduled_weekday),
                          min_gap_minutes=str(rule.min_gap_minutes))
    return {"tl": tl, "rule": rule, "weekdays": WEEKDAYS, **settings_form(values, errors)}


def submitted(form) -> dict:
    """A submitted form as a plain dict (without its CSRF token), to check and show again."""
    data = form.to_dict()
    data.pop("csrf_token", None)
    return data
