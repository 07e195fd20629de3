"""Timelapses: CRUD, state changes through the scheduler's gates, and their images."""
from __future__ import annotations

import re

from flask import Response, jsonify, request, url_for
from peewee import IntegrityError

from models import ACTIVE_STATES, TIMELAPSE_STATES, Timelapse, db
from tasks import schedule, storage
from webapp.api import blueprint, created, error, get_or_404, json_body
from webapp.api import serializers as ser
from webapp.validation import TIMING_FIELDS, clean_timelapse

PAGE_LIMIT = 100
MAX_PAGE_LIMIT = 1000
MAX_ID = 2**63 - 1  # SQLite's largest integer
# PATCH {"status": ...} -> the gate that moves a timelapse there.
STATUS_GATES = {
    "running": schedule.resume_timelapse,
    "paused": schedule.pause_timelapse,
    "completed": schedule.stop_timelapse,
}


def _camera_busy(camera_id: int):
    active = Timelapse.get_or_none(Timelapse.camera == camera_id,
                                   Timelapse.status.in_(ACTIVE_STATES))
    detail = f" (timelapse {active.id} is {active.status})" if active else ""
    return error(f"Camera {camera_id} already has an active timelapse{detail}; stop it "
                 "before starting another.", 409, {"camera_id": "already has an active timelapse"})


@blueprint.get("/timelapses")
def timelapse_list():
    """All timelapses, newest first."""
    return jsonify(timelapses=[ser.timelapse(tl) for tl in Timelapse.ordered()])


@blueprint.post("/timelapses")
def timelapse_create():
    """Create a timelapse and start it at once."""
    values, errors = clean_timelapse(json_body(), form=False)
    if errors:
        return error("The timelapse has invalid fields.", 400, errors)
    values["camera"] = values.pop("camera_id")
    try:
        with db.atomic():  # the unique index decides, so two racing requests cannot both win
            tl = Timelapse.create(**values)
    except IntegrityError:
        return _camera_busy(values["camera"])
    tl = schedule.start_timelapse(tl.id)
    return created(ser.timelapse(tl), url_for("api.timelapse_detail", timelapse_id=tl.id))


@blueprint.get("/timelapses/<int:timelapse_id>")
def timelapse_detail(timelapse_id: int):
    """One timelapse."""
    return jsonify(ser.timelapse(get_or_404(Timelapse, timelapse_id)))


@blueprint.patch("/timelapses/<int:timelapse_id>")
def timelapse_update(timelapse_id: int):
    """Rename, change timing (replans a running timelapse) or move status through the gates."""
    tl = get_or_404(Timelapse, timelapse_id)
    data = dict(json_body())
    status = data.pop("status", None)
    camera_id = data.pop("camera_id", tl.camera_id)
    values, errors = clean_timelapse(data, form=False, partial=True)
    if status is not None and status not in TIMELAPSE_STATES:
        errors["status"] = "must be one of " + ", ".join(repr(s) for s in TIMELAPSE_STATES)
    if camera_id != tl.camera_id:
        errors["camera_id"] = "cannot change after creation; start a new timelapse instead"
    if errors:
        return error("The timelapse has invalid fields.", 400, errors)
    # The status change goes first: it is the only step that can be refused (409), and
    # nothing else has been written by then.
    if status is not None and status != tl.status:
        try:
            STATUS_GATES[status](tl.id)
        except schedule.ScheduleError as exc:
            return error(str(exc), 409, {"status": str(exc)})
    changed = {k: v for k, v in values.items() if getattr(tl, k) != v}
    if changed:
        Timelapse.update(**changed).where(Timelapse.id == tl.id).execute()
    if TIMING_FIELDS & changed.keys():
        schedule.replan_timelapse(tl.id)  # only acts on a running timelapse
    return jsonify(ser.timelapse(Timelapse.get_by_id(tl.id)))


@blueprint.delete("/timelapses/<int:timelapse_id>")
def timelapse_delete(timelapse_id: int):
    """Delete a timelapse with its frames and jobs."""
    storage.delete_timelapse(get_or_404(Timelapse, timelapse_id))
    return Response(status=204)


def _start(tl_id: int) -> Timelapse:
    """Start a never-started timelapse; a paused one resumes (its grid continues); a running
    one is left as it is, so repeating the call is harmless; a completed one is refused."""
    tl = Timelapse.get_by_id(tl_id)
    if tl.status == "completed":
        raise schedule.ScheduleError("This timelapse is completed; create a new one instead.")
    if tl.status == "paused":
        return schedule.resume_timelapse(tl_id)
    if tl.started_at is None:
        return schedule.start_timelapse(tl_id)
    return tl


ACTIONS = {
    "start": _start,
    "pause": schedule.pause_timelapse,
    "resume": schedule.resume_timelapse,
    "stop": schedule.stop_timelapse,
}


@blueprint.post("/timelapses/<int:timelapse_id>/<any(start, pause, resume, stop):action>")
def timelapse_action(timelapse_id: int, action: str):
    """Start (see `_start`), pause, resume or stop; a change the state forbids is a 409."""
    tl = get_or_404(Timelapse, timelapse_id)
    try:
        tl = ACTIONS[action](tl.id)
    except schedule.ScheduleError as exc:
        return error(str(exc), 409)
    return jsonify(ser.timelapse(tl))


def _query_int(name: str, default: int, lo: int, hi: int, errors: dict) -> int:
    """A whole-number query argument in [LO, HI]; a bad one is noted in ERRORS."""
    raw = request.args.get(name)
    if raw is None:
        return default
    if re.fullmatch(r"\d{1,19}", raw) and lo <= int(raw) <= hi:
        return int(raw)
    errors[name] = f"must be a whole number from {lo} to {hi}"
    return default


@blueprint.get("/timelapses/<int:timelapse_id>/images")
def timelapse_images(timelapse_id: int):
    """A page of images, oldest first; pass `next` back as `after` for the following page."""
    tl = get_or_404(Timelapse, timelapse_id)
    errors: dict[str, str] = {}
    after = _query_int("after", 0, 0, MAX_ID, errors)
    limit = _query_int("limit", PAGE_LIMIT, 1, MAX_PAGE_LIMIT, errors)
    if errors:
        return error("Bad paging arguments.", 400, errors)
    rows, cursor = ser.images_after(tl.id, after, limit)
    return jsonify(images=[ser.image(row) for row in rows], next=cursor)
