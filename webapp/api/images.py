"""Images: metadata and the frame file. Files are found by the row's path, never by a path
taken from the request."""
from __future__ import annotations

from flask import jsonify, send_file

from models import Image
from tasks import storage
from webapp.api import blueprint, error, get_or_404
from webapp.api import serializers as ser
from webapp.views.images import send_variant

FILE_MAX_AGE = 365 * 24 * 3600  # a saved frame never changes


@blueprint.get("/images/<int:image_id>")
def image_detail(image_id: int):
    """One image's metadata."""
    return jsonify(ser.image(get_or_404(Image, image_id), full=True))


@blueprint.get("/images/<int:image_id>/file")
def image_file(image_id: int):
    """The frame as JPEG, cacheable for long (behind the token, so private)."""
    image = get_or_404(Image, image_id)
    path = storage.media_path(image.path)
    if not path.is_file():
        return error(f"The file of image {image.id} is missing.", 404)
    response = send_file(path, mimetype="image/jpeg", conditional=True, etag=True,
                         max_age=FILE_MAX_AGE)
    response.cache_control.public = False
    response.cache_control.private = True
    response.cache_control.immutable = True
    return response


@blueprint.get("/images/<int:image_id>/<any(thumb, small):kind>")
def image_variant(image_id: int, kind: str):
    """The frame's thumbnail or small image (made on the fly while its file is missing)."""
    return send_variant(get_or_404(Image, image_id), kind)
