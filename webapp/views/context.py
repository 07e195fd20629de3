"""Context builders: one per partial, used by the page that includes the partial and by the
fragment view that re-renders it, so both always show the same thing.

Also the small helpers every view module needs (fetch-or-404, a safe "back" URL).
"""
from __future__ import annotations

from flask import abort, request
from peewee import fn

import settings
from models import ACTIVE_STATES, Camera, Image, Job, Timelapse
from pipelines.capture import mask_url
from webapp.validation import ASPECTS, ROTATIONS

GALLERY_PAGE = 48
WATCHED_JOB_STATES = ("queued", "running")
INTERVAL_PRESETS = ((5, "5 s"), (10, "10 s"), (30, "30 s"), (60, "1 min"), (300, "5 min"),
                    (900, "15 min"), (3600, "1 h"))
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
NAMES = {Camera: "camera", Timelapse: "timelapse", Image: "frame", Job: "job"}


# ---------------------------------------------------------------- helpers

def or_404(model, row_id: int, query=None):
    """The row with ROW_ID (from QUERY, e.g. one that joins related rows), or a 404 page."""
    row = (query or model.select()).where(model.id == row_id).get_or_none()
    if row is None:
        name = NAMES.get(model, model.__name__.lower())
        abort(404, description=f"There is no {name} with number {row_id} (it may have been "
                               "deleted).")
    return row


def safe_next(default: str) -> str:
    """The form's `next` field when it is a same-site path, else DEFAULT."""
    target = request.form.get("next") or request.args.get("next") or ""
    if target.startswith("/") and not target.startswith("//"):
        return target
    return default


def query_id(name: str) -> int | None:
    """An optional id from the query string; anything but digits is a 400."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        abort(400, description=f"'{name}' must be a whole number.")
    return int(raw)


# ---------------------------------------------------------------- cameras/_card.html

def camera_cards(cameras: list[Camera]) -> list[dict]:
    """Cards for CAMERAS in three more queries, however many cameras there are."""
    ids = [c.id for c in cameras]
    if not ids:
        return []
    shown = _shown_timelapses(ids)
    latest = _latest_images([tl.id for tl in shown.values()])
    jobs = {job.camera_id: job for job in Job.select().where(
        Job.kind == "camera_test", Job.status.in_(WATCHED_JOB_STATES), Job.camera.in_(ids))}
    return [_card(c, shown.get(c.id), latest, jobs.get(c.id)) for c in cameras]


def camera_card(camera: Camera) -> dict:
    return camera_cards([camera])[0]


def _shown_timelapses(camera_ids: list[int]) -> dict[int, Timelapse]:
    """Per camera, its active timelapse, else its latest one."""
    latest_ids = (Timelapse.select(fn.MAX(Timelapse.id)).where(Timelapse.camera.in_(camera_ids))
                  .group_by(Timelapse.camera))
    rows = Timelapse.select().where(Timelapse.camera.in_(camera_ids),
                                    Timelapse.status.in_(ACTIVE_STATES)
                                    | Timelapse.id.in_(latest_ids))
    shown: dict[int, Timelapse] = {}
    for tl in rows:
        best = shown.get(tl.camera_id)
        if best is None or (tl.status in ACTIVE_STATES and best.status not in ACTIVE_STATES):
            shown[tl.camera_id] = tl
    return shown


def _latest_images(tl_ids: list[int]) -> dict[int, Image]:
    if not tl_ids:
        return {}
    newest = (Image.select(fn.MAX(Image.id)).where(Image.timelapse.in_(tl_ids))
              .group_by(Image.timelapse))
    return {img.timelapse_id: img for img in Image.select().where(Image.id.in_(newest))}


def _card(camera: Camera, tl: Timelapse | None, latest: dict, job: Job | None) -> dict:
    if tl is not None:
        tl.camera = camera  # already loaded: no extra query from the template
    active = tl is not None and tl.status in ACTIVE_STATES
    return {"camera": camera, "timelapse": tl, "active": active,
            "image": latest.get(tl.id) if tl else None, "job": job,
            "watching": (tl is not None and tl.status == "running") or job is not None}


# ---------------------------------------------------------------- timelapses/_controls.html

def timelapse_controls(tl: Timelapse, error: str = "") -> dict:
    return {"tl": tl, "live": tl.status == "running", "error": error}


# ---------------------------------------------------------------- timelapses/_gallery.html

def gallery(tl: Timelapse, before: int | None = None) -> dict:
    """One page of thumbnails, newest first; `older` is the key of the next page."""
    images = list(Image.page(tl.id, before_id=before, limit=GALLERY_PAGE + 1))
    older = images[GALLERY_PAGE - 1].id if len(images) > GALLERY_PAGE else None
    return {"tl": tl, "images": images[:GALLERY_PAGE], "before": before, "older": older,
            "live": tl.status == "running" and before is None}


# ---------------------------------------------------------------- jobs/_job.html

def job_status(job: Job) -> dict:
    return {"job": job, "live": not job.finished}


# ---------------------------------------------------------------- cameras/_form.html

def camera_form(values: dict | None = None, errors: dict | None = None,
                camera: Camera | None = None) -> dict:
    """VALUES are what the fields show (strings); the URL is always masked."""
    if values is None:
        values = _camera_values(camera) if camera else {
            "name": "", "url": "", "enabled": True, "rotation": "0", "crop": "",
            "aspect": "", "aspect_mode": "crop", "jpeg_quality": "90"}
    return {"form": values, "errors": errors or {}, "camera": camera,
            "rotations": ROTATIONS, "aspects": ASPECTS}


def _camera_values(camera: Camera) -> dict:
    return {"name": camera.name, "url": mask_url(camera.url), "enabled": camera.enabled,
            "rotation": str(camera.rotation),
            "crop": ",".join(str(v) for v in camera.crop) if camera.crop else "",
            "aspect": camera.aspect, "aspect_mode": camera.aspect_mode,
            "jpeg_quality": str(camera.jpeg_quality)}


def submitted_camera(form) -> dict:
    """A camera form as it was sent, to show again (URL masked: secrets are never echoed)."""
    values = {key: form.get(key, "") for key in
              ("name", "rotation", "crop", "aspect", "aspect_mode", "jpeg_quality")}
    values["url"] = mask_url(form.get("url", ""))
    values["enabled"] = bool(form.get("enabled"))
    return values


# ---------------------------------------------------------------- timelapses/_form.html

def timelapse_form(values: dict | None = None, errors: dict | None = None,
                   tl: Timelapse | None = None) -> dict:
    if values is None:
        values = _timelapse_values(tl) if tl else {
            "camera_id": request.args.get("camera_id", ""), "name": "", "interval_seconds": "60",
            "windows": "", "days": [str(d) for d in range(7)], "sun_mode": "",
            "sunrise_offset": "0", "sunset_offset": "0", "stop_at": "",
            "stop_after_frames": "", "stop_after_days": ""}
    return {"form": values, "errors": errors or {}, "tl": tl,
            "cameras": list(Camera.ordered()), "presets": INTERVAL_PRESETS,
            "weekdays": WEEKDAYS, "sun_available": settings.current.latitude is not None}


def _timelapse_values(tl: Timelapse) -> dict:
    stop_at = tl.stop_at.astimezone(settings.current.tz).strftime("%Y-%m-%dT%H:%M") \
        if tl.stop_at else ""
    return {"camera_id": str(tl.camera_id), "name": tl.name,
            "interval_seconds": str(tl.interval_seconds), "windows": ", ".join(tl.windows or []),
            "days": list(tl.days), "sun_mode": tl.sun_mode,
            "sunrise_offset": str(tl.sunrise_offset), "sunset_offset": str(tl.sunset_offset),
            "stop_at": stop_at, "stop_after_frames": _blank(tl.stop_after_frames),
            "stop_after_days": _blank(tl.stop_after_days)}


def submitted_timelapse(form) -> dict:
    """The form data for `clean_timelapse` (and to show again): days as a list."""
    data = form.to_dict()
    data.pop("csrf_token", None)
    data["days"] = form.getlist("days")
    data.setdefault("sun_mode", "")  # an unticked box is absent, and means "no sun rule"
    for key in ("sunrise_offset", "sunset_offset"):  # only sent when daylight is possible
        if not data.get(key, "").strip():
            data.pop(key, None)
    return data


def _blank(value) -> str:
    return "" if value is None else str(value)
