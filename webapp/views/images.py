"""Frames: the viewer and the files themselves, served by id (never by a path taken from
the request). Pages show the thumbnail or the small image; the full-size JPEG only on an
explicit request (the viewer's "full size" link, /images/<id>/file).

Variant URLs carry `?v=<token of the file name>`; a file name changes with the settings it
was made with, so a versioned URL is cached for a year without revalidation."""
from __future__ import annotations

import zlib

from flask import Blueprint, Response, abort, render_template, request, send_file, url_for

from models import Image, Timelapse
from pipelines.thumbnails import SourceError, mimetype_for, variants_from_file
from tasks import thumbnail_settings
from tasks.storage import media_path
from webapp.views import context

blueprint = Blueprint("images", __name__)

FOREVER = 31536000  # a frame never changes once written
RENDERED_MAX_AGE = 3600  # a variant made on the fly, while its file is missing
VARIANT_ENDPOINTS = {"thumb": "images.thumb", "small": "images.small"}


def send_media(relative: str, max_age: int, immutable: bool = False):
    """The picture at RELATIVE (from a row) under the media dir, or a 404 when it is gone.
    Private: frames sit behind the login, shared caches must not keep them."""
    path = media_path(relative) if relative else None
    if path is None or not path.is_file():
        abort(404, description="This picture file is missing.")
    response = send_file(path, mimetype=mimetype_for(path), conditional=True, etag=True,
                         max_age=max_age)
    if max_age > 0:
        response.cache_control.public = False
        response.cache_control.private = True
        response.cache_control.immutable = immutable or None
    return response


def variant_token(relative: str) -> str:
    return f"{zlib.crc32(relative.encode()):08x}"


@blueprint.app_template_global()
def variant_url(image: Image, kind: str) -> str:
    """The URL of IMAGE's "thumb" or "small" variant, versioned by its file name."""
    relative = image.thumb_path if kind == "thumb" else image.small_path
    if not relative:
        return url_for(VARIANT_ENDPOINTS[kind], image_id=image.id)
    return url_for(VARIANT_ENDPOINTS[kind], image_id=image.id, v=variant_token(relative))


def send_variant(image: Image, kind: str):
    """The variant's file; while it is missing (not made yet, pruned, lost) one made on the
    fly from the frame, in memory: a page never falls back to the full-size file."""
    relative = image.thumb_path if kind == "thumb" else image.small_path
    if relative and media_path(relative).is_file():
        versioned = request.args.get("v") == variant_token(relative)
        return send_media(relative, FOREVER if versioned else 0, immutable=versioned)
    spec = thumbnail_settings.load().spec(kind)
    try:
        (variant,) = variants_from_file(media_path(image.path), [spec])
    except SourceError:
        abort(404, description="This picture file is missing or damaged.")
    response = Response(variant.data, mimetype=spec.mimetype)
    response.cache_control.private = True
    response.cache_control.max_age = RENDERED_MAX_AGE
    return response


@blueprint.route("/images/<int:image_id>")
def show(image_id: int):
    """Show one frame full size, with previous/next links."""
    image = context.or_404(Image, image_id, Image.select(Image, Timelapse).join(Timelapse))
    prev, nxt = image.neighbours()
    return render_template("images/show.html", image=image, tl=image.timelapse, prev=prev,
                           next=nxt)


@blueprint.route("/images/<int:image_id>/file")
def file(image_id: int):
    """Serve a frame's full-size JPEG (only ever linked, never shown in a page)."""
    return send_media(context.or_404(Image, image_id).path, FOREVER)


@blueprint.route("/images/<int:image_id>/thumb")
def thumb(image_id: int):
    """Serve a frame's thumbnail."""
    return send_variant(context.or_404(Image, image_id), "thumb")


@blueprint.route("/images/<int:image_id>/small")
def small(image_id: int):
    """Serve a frame's small image (the viewer's)."""
    return send_variant(context.or_404(Image, image_id), "small")
