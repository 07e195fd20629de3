"""Frame quality (corruption detection): the global settings with a "test an image" form,
and per camera its state (degraded mode, reset), its own settings, the score over time and
the recent bad frames with their reasons and quarantined pictures."""
from __future__ import annotations

from flask import Blueprint, abort, flash, render_template, request, url_for

from models import Camera, CorruptionEvaluation
from pipelines.corruption import evaluate_bytes
from tasks import corruption
from tasks import corruption_settings as cs
from webapp import htmx
from webapp.views import context
from webapp.views import corruption_context as cc
from webapp.views.images import send_media

blueprint = Blueprint("corruption", __name__)

QUARANTINE_MAX_AGE = 3600  # a quarantined picture never changes, but it goes away


@blueprint.get("/settings/corruption")
def settings_page():
    """Show the global corruption settings and the test-an-image form."""
    return render_template("corruption/settings.html", result=None,
                           **cc.settings_form(cs.global_settings()))


@blueprint.post("/settings/corruption")
def save_settings():
    """Save the global corruption settings."""
    values, errors = cs.clean(request.form, form=True)
    cs.check_order({**cs.global_settings(), **values}, errors)
    if errors:
        return render_template("corruption/settings.html", result=None, **cc.settings_form(
            cc.submitted(request.form, cs.GLOBAL), errors)), 400
    cs.save_global(values)
    flash("Corruption settings saved; they apply from the next frame.", "success")
    return htmx.redirect_to(url_for(".settings_page"))


@blueprint.post("/settings/corruption/test")
def test_image():
    """Score an uploaded picture with every detector and the global settings."""
    upload = request.files.get("image")
    data = upload.read() if upload is not None else b""
    error, result = "", None
    if upload is None or not upload.filename:
        error = "Choose a picture file to test."
    elif not data:
        error = "The file is empty."
    else:
        conf = cs.global_settings()
        result = evaluate_bytes(data, cs.thresholds(conf), heavy_checks=True)
    context_ = {"result": result, "error": error,
                "filename": upload.filename if upload is not None else ""}
    # htmx (2.x) does not swap a 4xx answer: the fragment carries the message with a 200.
    status = 400 if error and not htmx.is_fragment_request() else 200
    return htmx.render("corruption/settings.html", "corruption/_result.html", **context_,
                       **cc.settings_form(cs.global_settings())), status


@blueprint.get("/cameras/<int:camera_id>/corruption")
def camera_page(camera_id: int):
    """Show a camera's frame quality: state, settings, score over time and bad frames."""
    camera = context.or_404(Camera, camera_id)
    return render_template("corruption/camera.html",
                           **cc.camera_page(camera, before=context.query_id("before")))


@blueprint.post("/cameras/<int:camera_id>/corruption")
def save_camera(camera_id: int):
    """Save the camera's own settings, or let it follow the global ones again."""
    camera = context.or_404(Camera, camera_id)
    if not request.form.get("custom"):
        Camera.update(corruption=None).where(Camera.id == camera.id).execute()
        flash(f"“{camera.name}” follows the global corruption settings.", "success")
        return htmx.redirect_to(url_for(".camera_page", camera_id=camera.id))
    values, errors = cs.clean(request.form, form=True, fields=cs.PER_CAMERA)
    cs.check_order({**cs.camera_settings(camera), **values}, errors)
    if errors:
        shown = {**cc.submitted(request.form, cs.PER_CAMERA), "custom": True}
        return render_template("corruption/camera.html",
                               **cc.camera_page(camera, shown, errors)), 400
    Camera.update(corruption=values).where(Camera.id == camera.id).execute()
    flash(f"Corruption settings of “{camera.name}” saved.", "success")
    return htmx.redirect_to(url_for(".camera_page", camera_id=camera.id))


@blueprint.post("/cameras/<int:camera_id>/corruption/reset")
def reset(camera_id: int):
    """Leave degraded mode and start the camera's history afresh."""
    camera = corruption.reset(context.or_404(Camera, camera_id).id)
    if htmx.is_fragment_request():
        return render_template("corruption/_state.html", **cc.camera_state(camera))
    flash(f"“{camera.name}”: corruption state reset.", "success")
    return htmx.redirect_to(url_for(".camera_page", camera_id=camera.id))


@blueprint.get("/cameras/<int:camera_id>/corruption/bad")
def bad_frames(camera_id: int):
    """A page of the camera's recent flagged and discarded frames (older ones by key)."""
    camera = context.or_404(Camera, camera_id)
    before = context.query_id("before")
    if htmx.is_fragment_request():
        return render_template("corruption/_bad_frames.html",
                               bad=cc.bad_frames(camera, before))
    return render_template("corruption/camera.html", **cc.camera_page(camera, before=before))


@blueprint.get("/corruption/evaluations/<int:evaluation_id>/frame.jpg")
def quarantined(evaluation_id: int):
    """Serve a discarded frame while the quarantine keeps it."""
    row = CorruptionEvaluation.get_or_none(CorruptionEvaluation.id == evaluation_id)
    if row is None:
        abort(404, description=f"There is no frame evaluation with number {evaluation_id}.")
    return send_media(row.quarantine_path, QUARANTINE_MAX_AGE)
