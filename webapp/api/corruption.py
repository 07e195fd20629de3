"""Corruption detection over the API: score any picture, and a camera's recent statistics.

Scores mean the same everywhere: 0-100, 100 = a perfect frame; `corrupt` is true below the
discard score (such a frame is discarded by a capture), `flagged` frames were kept but
are left out of videos.
"""
from __future__ import annotations

from flask import jsonify, request

from models import Camera, CorruptionEvaluation
from pipelines.corruption import Evaluation, evaluate_bytes
from tasks import corruption
from tasks import corruption_settings as cs
from webapp.api import blueprint, error, get_or_404
from webapp.api.serializers import iso

RECENT_LIMIT = 50


def evaluation_json(evaluation: Evaluation) -> dict:
    return {
        "score": evaluation.score,
        "corrupt": evaluation.corrupt,
        "action": evaluation.action,
        "checks": [{"name": c.name, "passed": c.passed, "detail": c.detail}
                   for c in evaluation.checks],
        "ms": evaluation.ms,
        "fast_ms": evaluation.fast_ms,
        "heavy_ms": evaluation.heavy_ms,
    }


@blueprint.post("/corruption/evaluate")
def corruption_evaluate():
    """Score the picture in multipart field `image` with every detector, global settings."""
    upload = request.files.get("image")
    if upload is None:
        return error("Send the picture as multipart/form-data field 'image'.", 400,
                     {"image": "is required"})
    data = upload.read()
    if not data:
        return error("The picture is empty.", 400, {"image": "is empty"})
    conf = cs.global_settings()
    return jsonify(evaluation_json(evaluate_bytes(data, cs.thresholds(conf),
                                                  heavy_checks=True)))


def _row_json(row: CorruptionEvaluation) -> dict:
    return {
        "id": row.id,
        "created_at": iso(row.created_at),
        "timelapse_id": row.timelapse_id,
        "image_id": row.image_id,
        "slot_at": iso(row.slot_at),
        "attempt": row.attempt,
        "score": row.score,
        "action": row.action,
        "failed": [{"name": c["name"], "detail": c["detail"]} for c in row.failed or []],
        "ms": round(row.fast_ms + (row.heavy_ms or 0), 2),
        "quarantined": bool(row.quarantine_path),
    }


@blueprint.get("/cameras/<int:camera_id>/corruption")
def camera_corruption(camera_id: int):
    """The camera's corruption state, its last 24 hours and its most recent evaluations."""
    camera = get_or_404(Camera, camera_id)
    summary = corruption.summary(camera)
    summary["degraded_at"] = iso(summary["degraded_at"])
    recent = CorruptionEvaluation.recent(camera.id, RECENT_LIMIT)
    return jsonify(camera_id=camera.id, **summary, recent=[_row_json(r) for r in recent])
