"""JSON API v1, authenticated by `Authorization: Bearer <token>`.

Errors are always `{"error": ..., "fields": {...}}` with a 4xx status.
"""
from __future__ import annotations

from flask import Blueprint, abort, g, jsonify, request

from webapp import auth

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")


def error(message: str, status: int = 400, fields: dict | None = None):
    return jsonify(error=message, fields=fields or {}), status


@blueprint.before_request
def require_token():
    token = auth.token_from_header(request.headers.get("Authorization"))
    if token is None:
        return error("Missing or invalid API token: send 'Authorization: Bearer <token>'.", 401)
    g.api_token = token
    return None


def created(body: dict, location: str, status: int = 201):
    """201 with the new resource and its address (202 for a job that will do the work)."""
    response = jsonify(body)
    response.status_code = status
    response.headers["Location"] = location
    return response


def json_body() -> dict:
    """The request's JSON object, or a 400 that says what is wrong."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        abort(400, description="The body must be a JSON object (Content-Type: application/json).")
    return data


def get_or_404(model, row_id: int):
    row = model.get_or_none(model.id == row_id)
    if row is None:
        abort(404, description=f"No {model.__name__.lower()} with id {row_id}.")
    return row


from webapp.api import (  # noqa: E402,F401  (routes)
    cameras,
    corruption,
    images,
    jobs,
    timelapses,
    videos,
)
