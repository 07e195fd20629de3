"""Cameras: CRUD, a connection test, and the latest frame."""
from __future__ import annotations

from flask import Response, jsonify, send_file, url_for

from models import Camera, Job
from tasks import schedule, storage
from webapp.api import blueprint, created, error, get_or_404, json_body
from webapp.api import serializers as ser
from webapp.validation import clean_camera

LATEST_MAX_AGE = 0  # the newest frame changes with every capture: always revalidate


@blueprint.get("/cameras")
def camera_list():
    """All cameras, by name."""
    active = ser.active_timelapse_ids()
    return jsonify(cameras=[ser.camera(c, active) for c in Camera.ordered()])


@blueprint.post("/cameras")
def camera_create():
    """Add a camera."""
    values, errors = clean_camera(json_body(), form=False)
    if errors:
        return error("The camera has invalid fields.", 400, errors)
    camera = Camera.create(**values)
    return created(ser.camera(camera), url_for("api.camera_detail", camera_id=camera.id))


@blueprint.get("/cameras/<int:camera_id>")
def camera_detail(camera_id: int):
    """One camera."""
    return jsonify(ser.camera(get_or_404(Camera, camera_id)))


@blueprint.patch("/cameras/<int:camera_id>")
def camera_update(camera_id: int):
    """Change some of a camera's fields; the masked URL sent back keeps the stored password."""
    camera = get_or_404(Camera, camera_id)
    values, errors = clean_camera(json_body(), form=False, camera=camera, partial=True)
    if errors:
        return error("The camera has invalid fields.", 400, errors)
    if values:
        Camera.update(**values).where(Camera.id == camera.id).execute()
    return jsonify(ser.camera(Camera.get_by_id(camera.id)))


@blueprint.delete("/cameras/<int:camera_id>")
def camera_delete(camera_id: int):
    """Delete a camera with its timelapses and files."""
    storage.delete_camera(get_or_404(Camera, camera_id))
    return Response(status=204)


@blueprint.post("/cameras/<int:camera_id>/test")
def camera_test(camera_id: int):
    """Grab one preview frame, as a job to poll."""
    camera = get_or_404(Camera, camera_id)
    job = schedule.request_camera_test(camera.id)
    return created(ser.job(Job.get_by_id(job.id)),  # re-read: the task may have run
                   url_for("api.job_detail", job_id=job.id), status=202)


@blueprint.get("/cameras/<int:camera_id>/latest.jpg")
def camera_latest(camera_id: int):
    """The camera's newest frame, or its last test preview."""
    camera = get_or_404(Camera, camera_id)
    image = camera.latest_image()
    relative = image.path if image else camera.preview_path
    path = storage.media_path(relative) if relative else None
    if path is None or not path.is_file():
        return error(f"Camera {camera.id} has no frame yet.", 404)
    response = send_file(path, mimetype="image/jpeg", conditional=True, etag=True,
                         max_age=LATEST_MAX_AGE)
    response.cache_control.private = True  # behind the token: no shared caches
    return response
