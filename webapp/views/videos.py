"""Videos: the library, one video with its player, its files (with range requests, so a
browser can seek), rename, delete, and "render again with these settings"."""
from __future__ import annotations

import re

from flask import Blueprint, abort, flash, render_template, request, send_file, url_for

from models import Timelapse, Video
from tasks import schedule, storage
from tasks import videos as video_tasks
from webapp import htmx
from webapp.video_validation import clean_name
from webapp.views import context
from webapp.views import video_context as vc

blueprint = Blueprint("videos", __name__)

FOREVER = 31536000  # a video file never changes once written (a new render is a new file)
MIMETYPES = {"mp4": "video/mp4", "webm": "video/webm", "jpg": "image/jpeg", "webp": "image/webp"}


@blueprint.route("/videos")
def index():
    """All videos, newest first."""
    listing = vc.video_list(context.query_id("before"))
    return htmx.render("videos/index.html", "videos/_list.html", listing=listing)


@blueprint.route("/timelapses/<int:tl_id>/videos")
def for_timelapse(tl_id: int):
    """A timelapse's videos, newest first."""
    tl = context.or_404(Timelapse, tl_id)
    listing = vc.video_list(context.query_id("before"), tl)
    return htmx.render("videos/index.html", "videos/_list.html", listing=listing, tl=tl)


def _get(video_id: int) -> Video:
    return context.or_404(Video, video_id, Video.select(Video, Timelapse).join(Timelapse))


@blueprint.route("/videos/<int:video_id>")
def show(video_id: int):
    """Play a video; its facts, settings and why it was made."""
    return render_template("videos/show.html", video=_get(video_id), error="")


def _send(relative: str, video: Video, download: bool = False):
    path = storage.media_path(relative) if relative else None
    if path is None or not path.is_file():
        abort(404, description="This video file is missing.")
    ext = path.suffix.lstrip(".")
    name = re.sub(r"[^\w.-]+", "-", video.name).strip("-") or f"video-{video.id}"
    # conditional=True answers Range requests with 206: the player can seek.
    return send_file(path, mimetype=MIMETYPES.get(ext), conditional=True, etag=True,
                     max_age=FOREVER, as_attachment=download, download_name=f"{name}.{ext}")


@blueprint.route("/videos/<int:video_id>/file")
def file(video_id: int):
    """The video file (add ?download=1 to save it)."""
    video = context.or_404(Video, video_id)
    return _send(video.path, video, download=request.args.get("download") == "1")


@blueprint.route("/videos/<int:video_id>/poster")
def poster(video_id: int):
    """The poster image shown before the video plays."""
    video = context.or_404(Video, video_id)
    return _send(video.poster_path, video)


@blueprint.route("/videos/<int:video_id>/preview")
def preview(video_id: int):
    """The small animated preview (the poster when there is none)."""
    video = context.or_404(Video, video_id)
    return _send(video.preview_path or video.poster_path, video)


@blueprint.post("/videos/<int:video_id>/rename")
def rename(video_id: int):
    """Give a video another name."""
    video = _get(video_id)
    name, error = clean_name(request.form.get("name", ""), form=True)
    if error:
        return render_template("videos/show.html", video=video, error=error), 400
    Video.update(name=name).where(Video.id == video.id).execute()
    flash(f"Renamed to “{name}”.", "success")
    return htmx.redirect_to(url_for(".show", video_id=video.id))


@blueprint.get("/videos/<int:video_id>/delete")
def confirm_delete(video_id: int):
    """Ask before deleting a video."""
    return render_template("videos/delete.html", video=_get(video_id))


@blueprint.post("/videos/<int:video_id>/delete")
def delete(video_id: int):
    """Delete a video and its files."""
    video = _get(video_id)
    video_tasks.delete_video(video)
    flash(f"Video “{video.name}” deleted.", "success")
    return htmx.redirect_to(context.safe_next(url_for(".for_timelapse",
                                                      tl_id=video.timelapse_id)))


@blueprint.post("/videos/<int:video_id>/again")
def again(video_id: int):
    """Render the timelapse again with the settings this video was made with."""
    video = _get(video_id)
    try:
        job = schedule.request_render(video.timelapse_id, video.settings, "manual",
                                      f"Again with the settings of “{video.name}”")
    except schedule.ScheduleError as exc:
        flash(str(exc), "error")
        return htmx.redirect_to(url_for(".show", video_id=video.id))
    return htmx.redirect_to(url_for("jobs.show", job_id=job.id))
