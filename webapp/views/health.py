"""GET /health: JSON for monitors; 503 when the consumer stopped ticking or the disk is full."""
from __future__ import annotations

import datetime as dt
import shutil

from flask import Blueprint, jsonify

import settings
from models import Setting, db, utcnow
from tasks.queue import huey
from tasks.schedule import HEARTBEAT_KEY

blueprint = Blueprint("health", __name__)

HEARTBEAT_LIMIT = 120  # seconds: the tick runs every minute


def _database() -> dict:
    try:
        db.execute_sql("SELECT 1")
        return {"ok": True}
    except Exception as exc:  # a health check reports, it does not raise
        return {"ok": False, "error": str(exc)}


def _consumer(now: dt.datetime) -> dict:
    beat = Setting.get_value(HEARTBEAT_KEY)
    age = None if beat is None else (now - dt.datetime.fromisoformat(beat)).total_seconds()
    return {"ok": age is not None and age <= HEARTBEAT_LIMIT,
            "heartbeat_age_seconds": None if age is None else round(age, 1)}


def _queue() -> dict:
    try:
        return {"ok": True, "pending": huey.pending_count(), "scheduled": huey.scheduled_count()}
    except Exception as exc:
        return {"ok": False, "error": str(exc)}


def _disk() -> dict:
    conf = settings.current
    usage = shutil.disk_usage(conf.data_dir)
    free_mb = usage.free // (1024 * 1024)
    return {"ok": free_mb >= conf.disk_min_free_mb, "free_mb": free_mb,
            "total_mb": usage.total // (1024 * 1024), "min_free_mb": conf.disk_min_free_mb}


@blueprint.route("/health")
def health():
    """Report database, queue, consumer heartbeat and disk."""
    checks = {"database": _database(), "queue": _queue(), "consumer": _consumer(utcnow()),
              "disk": _disk()}
    ok = all(check["ok"] for check in checks.values())
    return jsonify(status="ok" if ok else "unhealthy", **checks), 200 if ok else 503
