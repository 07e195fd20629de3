"""Videos: render (202 with the job to poll), list, read, download (range requests),
rename and delete. Cancel a render with POST /jobs/<id>/cancel."""
from __future__ import annotations

from flask import Response, jsonify, request, send_file, url_for

from models import Timelapse, Video
from tasks import schedule, storage
from tasks import videos as video_tasks
from webapp.api import blueprint, created, error, get_or_404
from webapp.api import serializers as ser
from webapp.api.timelapses import MAX_ID, _query_int
from webapp.video_validation import clean_name, clean_render_request

PAGE_LIMIT = 50
MAX_PAGE_LIMIT = 500
MIMETYPES = {"mp4": "video/mp4", "webm": "video/webm"}


def _body() -> dict | None:
    """The JSON object sent, {} for an empty body, None for anything else."""
    if not request.get_data():
        return {}
    data = request.get_json(silent=True)
    return data if isinstance(data, dict) else None


@blueprint.post("/timelapses/<int:timelapse_id>/videos")
def video_render(timelapse_id: int):
    """Render a video; the body may hold {"settings": {...}, "name": "..."}. 202 + job."""
    tl = get_or_404(Timelapse, timelapse_id)
    data = _body()
    if data is None:
        return error("The body must be a JSON object (Content-Type: application/json).", 400)
    override, name, errors = clean_render_request(data, video_tasks.timelapse_settings(tl.id))
    if errors:
        return error("The render request has invalid fields.", 400, errors)
    try:
        job = schedule.request_render(tl.id, override, "manual", "Requested through the API",
                                      name=name)
    except schedule.ScheduleError as exc:
        return error(str(exc), 409)
    return created(ser.job(job), url_for("api.job_detail", job_id=job.id), status=202)


@blueprint.get("/timelapses/<int:timelapse_id>/videos")
def timelapse_videos(timelapse_id: int):
    """The timelapse's videos, newest first; pass `next` back as `before` for more."""
    tl = get_or_404(Timelapse, timelapse_id)
    errors: dict[str, str] = {}
    before = _query_int("before", 0, 1, MAX_ID, errors) or None
    limit = _query_int("limit", PAGE_LIMIT, 1, MAX_PAGE_LIMIT, errors)
    if errors:
        return error("Bad paging arguments.", 400, errors)
    rows = list(Video.page(before, tl.id, limit=limit + 1))
    cursor = rows[limit - 1].id if len(rows) > limit else None
    return jsonify(videos=[ser.video(v) for v in rows[:limit]], next=cursor)


@blueprint.get("/videos/<int:video_id>")
def video_detail(video_id: int):
    """One video: its facts, the settings it was made with and why."""
    return jsonify(ser.video(get_or_404(Video, video_id)))


@blueprint.patch("/videos/<int:video_id>")
def video_update(video_id: int):
    """Rename a video: {"name": "..."}."""
    video = get_or_404(Video, video_id)
    data = _body() or {}
    unknown = {k: "is not a field you can set" for k in data if k != "name"}
    name, problem = clean_name(data.get("name"), form=False)
    if unknown or problem:
        return error("The video has invalid fields.", 400,
                     {**unknown, **({"name": problem} if problem else {})})
    Video.update(name=name).where(Video.id == video.id).execute()
    return jsonify(ser.video(Video.get_by_id(video.id)))


@blueprint.get("/videos/<int:video_id>/file")
def video_file(video_id: int):
    """The video file; Range requests are answered with 206, so players can seek."""
    video = get_or_404(Video, video_id)
    path = storage.media_path(video.path)
    if not path.is_file():
        return error(f"The file of video {video.id} is missing.", 404)
    response = send_file(path, mimetype=MIMETYPES.get(path.suffix.lstrip(".")),
                         conditional=True, etag=True, max_age=31536000)
    response.cache_control.public = False
    response.cache_control.private = True
    return response


@blueprint.delete("/videos/<int:video_id>")
def video_delete(video_id: int):
    """Delete a video and its files."""
    video_tasks.delete_video(get_or_404(Video, video_id))
    return Response(status=204)
