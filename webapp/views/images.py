"""Frames: the full-size viewer and the files themselves, served by id (never by a path
taken from the request)."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, send_file

from models import Image, Timelapse
from tasks.storage import media_path
from webapp.views import context

blueprint = Blueprint("images", __name__)

FOREVER = 31536000  # a frame never changes once written


def send_media(relative: str, max_age: int):
    """The JPEG at RELATIVE (from a row) under the media dir, or a 404 when it is gone."""
    path = media_path(relative) if relative else None
    if path is None or not path.is_file():
        abort(404, description="This picture file is missing.")
    return send_file(path, mimetype="image/jpeg", conditional=True, etag=True, max_age=max_age)


@blueprint.route("/images/<int:image_id>")
def show(image_id: int):
    """Show one frame full size, with previous/next links."""
    image = context.or_404(Image, image_id, Image.select(Image, Timelapse).join(Timelapse))
    prev, nxt = image.neighbours()
    return render_template("images/show.html", image=image, tl=image.timelapse, prev=prev,
                           next=nxt)


@blueprint.route("/images/<int:image_id>/file")
def file(image_id: int):
    """Serve a frame's JPEG."""
    return send_media(context.or_404(Image, image_id).path, FOREVER)


@blueprint.route("/images/<int:image_id>/thumb")
def thumb(image_id: int):
    """Serve a frame's thumbnail (the frame itself when no thumbnail was made)."""
    image = context.or_404(Image, image_id)
    return send_media(image.thumb_path or image.path, FOREVER)
