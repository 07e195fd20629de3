"""Cameras: list, add, edit, delete, test the connection, the dashboard card, the preview.

A camera URL may hold a password: pages only ever show `mask_url(camera.url)`, and a form
sent back with the masked URL unchanged keeps the stored secret (see webapp.validation).
"""
from __future__ import annotations

from flask import Blueprint, flash, render_template, request, url_for
from peewee import JOIN, fn

from models import Camera, Image, Job, Timelapse
from pipelines.capture import mask_url
from tasks import schedule, storage
from webapp import htmx
from webapp.validation import clean_camera
from webapp.views import context
from webapp.views.images import send_media

blueprint = Blueprint("cameras", __name__)

PREVIEW_MAX_AGE = 5  # seconds: a new connection test replaces the preview
RESET_ON_NEW_URL = {"status": "unknown", "failures": 0, "last_error": "", "retry_at": None}


@blueprint.app_template_filter("masked_url")
def masked_url(url: str) -> str:
    """A camera URL fit to show: password and secret query values replaced by ***."""
    return mask_url(url)


@blueprint.route("/cameras")
def index():
    """List the cameras."""
    count = fn.COUNT(Timelapse.id).alias("timelapse_count")
    cameras = (Camera.select(Camera, count).join(Timelapse, JOIN.LEFT_OUTER)
               .group_by(Camera).order_by(Camera.name, Camera.id))
    return render_template("cameras/index.html", cameras=cameras)


@blueprint.get("/cameras/new")
def new():
    """Show the form for a new camera."""
    return render_template("cameras/new.html", **context.camera_form())


@blueprint.post("/cameras/new")
def create():
    """Add a camera."""
    values, errors = clean_camera(request.form, form=True)
    if errors:
        return _form_again("cameras/new.html", errors)
    camera = Camera.create(**values)
    flash(f"Camera “{camera.name}” added. Test its connection to see a first picture.", "success")
    return htmx.redirect_to(url_for(".show", camera_id=camera.id))


@blueprint.route("/cameras/<int:camera_id>")
def show(camera_id: int):
    """Show a camera, its connection test and its timelapses."""
    camera = context.or_404(Camera, camera_id)
    job_id = context.query_id("job")
    jobs = Job.select().where(Job.camera == camera.id, Job.kind == "camera_test")
    job = (jobs.where(Job.id == job_id) if job_id else jobs).order_by(Job.id.desc()).first()
    timelapses = camera.timelapses.order_by(Timelapse.id.desc())
    return render_template("cameras/show.html", camera=camera, timelapses=timelapses,
                           **(context.job_status(job) if job else {"job": None}))


@blueprint.get("/cameras/<int:camera_id>/edit")
def edit(camera_id: int):
    """Show the form to change a camera."""
    camera = context.or_404(Camera, camera_id)
    return render_template("cameras/edit.html", **context.camera_form(camera=camera))


@blueprint.post("/cameras/<int:camera_id>/edit")
def update(camera_id: int):
    """Save changes to a camera."""
    camera = context.or_404(Camera, camera_id)
    values, errors = clean_camera(request.form, form=True, camera=camera)
    if errors:
        return _form_again("cameras/edit.html", errors, camera)
    if values.get("url", camera.url) != camera.url:
        values.update(RESET_ON_NEW_URL)  # a new address: the old health says nothing
    for key, value in values.items():
        setattr(camera, key, value)
    camera.save()
    flash(f"Camera “{camera.name}” saved.", "success")
    return htmx.redirect_to(url_for(".show", camera_id=camera.id))


def _form_again(template: str, errors: dict, camera: Camera | None = None):
    """The form with the person's input and the errors next to the fields (400)."""
    values = context.submitted_camera(request.form)
    if values["url"] != request.form.get("url", ""):
        # The URL held a secret we will not echo back; without this note the masked
        # form would be re-sent and the stored (old) password silently used instead.
        errors.setdefault("url", "For safety the password is not shown again: please type "
                                 "it once more.")
    return render_template(template, **context.camera_form(values, errors, camera)), 400


@blueprint.get("/cameras/<int:camera_id>/delete")
def confirm_delete(camera_id: int):
    """Ask before deleting a camera with its timelapses and frames."""
    camera = context.or_404(Camera, camera_id)
    frames = Image.select().join(Timelapse).where(Timelapse.camera == camera.id).count()
    return render_template("cameras/delete.html", camera=camera,
                           timelapse_count=camera.timelapses.count(), frame_count=frames)


@blueprint.post("/cameras/<int:camera_id>/delete")
def delete(camera_id: int):
    """Delete a camera, its timelapses and all their files."""
    camera = context.or_404(Camera, camera_id)
    storage.delete_camera(camera)
    flash(f"Camera “{camera.name}” and its timelapses were deleted.", "success")
    return htmx.redirect_to(url_for("dashboard.index"))


@blueprint.post("/cameras/<int:camera_id>/test")
def test(camera_id: int):
    """Start a connection test; show the job that runs it."""
    camera = context.or_404(Camera, camera_id)
    job = schedule.request_camera_test(camera.id)
    if htmx.is_fragment_request():
        return render_template("jobs/_job.html", **context.job_status(Job.get_by_id(job.id)))
    return htmx.redirect_to(url_for(".show", camera_id=camera.id, job=job.id))


@blueprint.route("/cameras/<int:camera_id>/card")
def card(camera_id: int):
    """The camera's dashboard card (polls itself while there is something to watch)."""
    camera = context.or_404(Camera, camera_id)
    return htmx.render("dashboard/card.html", "cameras/_card.html",
                       **context.camera_card(camera))


@blueprint.route("/cameras/<int:camera_id>/preview.jpg")
def preview(camera_id: int):
    """Serve the frame of the camera's last successful connection test."""
    return send_media(context.or_404(Camera, camera_id).preview_path, PREVIEW_MAX_AGE)


@blueprint.route("/cameras/<int:camera_id>/preview-thumb.jpg")
def preview_thumb(camera_id: int):
    """Serve the small version of the preview frame."""
    camera = context.or_404(Camera, camera_id)
    thumb = storage.preview_paths(camera.id)[1] if camera.preview_path else ""
    return send_media(thumb, PREVIEW_MAX_AGE)
