"""Timelapses: list, start, edit, pause/resume/stop, delete, and the live gallery."""
from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, flash, render_template, request, url_for
from peewee import IntegrityError

from models import Camera, Timelapse, db
from tasks import schedule, storage
from webapp import htmx
from webapp.validation import TIMING_FIELDS, clean_timelapse
from webapp.views import context

blueprint = Blueprint("timelapses", __name__)

ONE_ACTIVE = ("This camera already has a timelapse running or paused ({name}). "
              "Stop it first, or choose another camera.")


@blueprint.route("/timelapses")
def index():
    """List the timelapses, newest first."""
    return render_template("timelapses/index.html", timelapses=Timelapse.ordered())


@blueprint.get("/timelapses/new")
def new():
    """Show the form to start a timelapse."""
    return render_template("timelapses/new.html", **context.timelapse_form())


@blueprint.post("/timelapses/new")
def create():
    """Create a timelapse and start it."""
    data = context.submitted_timelapse(request.form)
    values, errors = clean_timelapse(data, form=True)
    if errors:
        return _form_again("timelapses/new.html", data, errors)
    try:
        with db.atomic():
            tl = Timelapse.create(camera=values.pop("camera_id"), **values)
    except IntegrityError:  # the one-active-timelapse-per-camera index
        errors["camera_id"] = ONE_ACTIVE.format(name=_active_name(data))
        return _form_again("timelapses/new.html", data, errors)
    tl = schedule.start_timelapse(tl.id)
    flash(f"Timelapse “{tl.name}” started: the first frame comes in a moment.", "success")
    return htmx.redirect_to(url_for(".show", tl_id=tl.id))


def _active_name(data: dict) -> str:
    camera = Camera.get_or_none(Camera.id == int(data["camera_id"]))
    active = camera.active_timelapse() if camera else None
    return f"“{active.name}”" if active else "another one"


def _form_again(template: str, data: dict, errors: dict, tl: Timelapse | None = None):
    """The form with the person's input and the errors next to the fields (400)."""
    return render_template(template, **context.timelapse_form(data, errors, tl)), 400


def _page(tl: Timelapse, fragment: str):
    """The timelapse page, or for htmx just FRAGMENT of it."""
    before = context.query_id("before")
    return htmx.render("timelapses/show.html", fragment, **context.timelapse_controls(tl),
                       gallery=context.gallery(tl, before))


@blueprint.route("/timelapses/<int:tl_id>")
def show(tl_id: int):
    """Show a timelapse: its status, its controls and a page of its frames."""
    return _page(_get(tl_id), "timelapses/_gallery.html")


@blueprint.route("/timelapses/<int:tl_id>/controls")
def controls(tl_id: int):
    """The status and buttons (polls itself while the timelapse runs)."""
    return _page(_get(tl_id), "timelapses/_controls.html")


@blueprint.route("/timelapses/<int:tl_id>/gallery")
def gallery(tl_id: int):
    """The newest frames (polls itself while the timelapse runs)."""
    return _page(_get(tl_id), "timelapses/_gallery.html")


def _get(tl_id: int) -> Timelapse:
    return context.or_404(Timelapse, tl_id, Timelapse.select(Timelapse, Camera).join(Camera))


@blueprint.get("/timelapses/<int:tl_id>/edit")
def edit(tl_id: int):
    """Show the form to change a timelapse."""
    tl = _get(tl_id)
    return render_template("timelapses/edit.html", **context.timelapse_form(tl=tl))


@blueprint.post("/timelapses/<int:tl_id>/edit")
def update(tl_id: int):
    """Save changes; new timing re-plans the captures from now."""
    tl = _get(tl_id)
    data = context.submitted_timelapse(request.form)
    data.pop("camera_id", None)  # a timelapse stays with its camera
    values, errors = clean_timelapse(data, form=True, partial=True)
    if errors:
        return _form_again("timelapses/edit.html", data, errors, tl)
    timing_changed = any(getattr(tl, key) != values[key] for key in TIMING_FIELDS & set(values))
    for key, value in values.items():
        setattr(tl, key, value)
    tl.save()
    if timing_changed:
        schedule.replan_timelapse(tl.id)
    flash(f"Timelapse “{tl.name}” saved.", "success")
    return htmx.redirect_to(url_for(".show", tl_id=tl.id))


def _change(tl_id: int, gate: Callable[[int], Timelapse], done: str):
    """Run a state change; answer with the updated fragment (htmx) or a redirect."""
    tl = _get(tl_id)
    error = ""
    try:
        gate(tl.id)
    except schedule.ScheduleError as exc:
        error = str(exc)
    tl = _get(tl_id)
    if htmx.is_fragment_request():
        if request.form.get("fragment") == "card":
            return render_template("cameras/_card.html", **context.camera_card(tl.camera))
        return render_template("timelapses/_controls.html", **context.timelapse_controls(tl, error),
                               gallery=context.gallery(tl), oob_gallery=True)
    flash(error or done.format(name=tl.name), "error" if error else "success")
    return htmx.redirect_to(context.safe_next(url_for(".show", tl_id=tl.id)))


@blueprint.post("/timelapses/<int:tl_id>/pause")
def pause(tl_id: int):
    """Pause a running timelapse."""
    return _change(tl_id, schedule.pause_timelapse, "Timelapse “{name}” paused.")


@blueprint.post("/timelapses/<int:tl_id>/resume")
def resume(tl_id: int):
    """Resume a paused timelapse."""
    return _change(tl_id, schedule.resume_timelapse, "Timelapse “{name}” resumed.")


@blueprint.post("/timelapses/<int:tl_id>/stop")
def stop(tl_id: int):
    """Stop a timelapse for good (it is then completed)."""
    return _change(tl_id, schedule.stop_timelapse, "Timelapse “{name}” stopped and completed.")


@blueprint.get("/timelapses/<int:tl_id>/delete")
def confirm_delete(tl_id: int):
    """Ask before deleting a timelapse and its frames."""
    return render_template("timelapses/delete.html", tl=_get(tl_id))


@blueprint.post("/timelapses/<int:tl_id>/delete")
def delete(tl_id: int):
    """Delete a timelapse and all its files."""
    tl = _get(tl_id)
    storage.delete_timelapse(tl)
    flash(f"Timelapse “{tl.name}” and its {tl.frame_count} frames were deleted.", "success")
    return htmx.redirect_to(context.safe_next(url_for(".index")))
