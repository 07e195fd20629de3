"""End to end: real gunicorn, real Huey consumer, a real RTSP camera on 127.0.0.1.

A 5 s timelapse created through the API must fill consecutive grid slots, each once.
"""
import datetime as dt
import time

import pytest

pytestmark = pytest.mark.e2e

INTERVAL = 5


def wait_for_frames(session, base, tl_id, count, limit=90):
    """Poll the API until COUNT frames exist (bounded; returns what it found)."""
    deadline = time.monotonic() + limit
    images = []
    while time.monotonic() < deadline:
        body = session.get(f"{base}/api/v1/timelapses/{tl_id}/images?limit=1000").json()
        images = body["images"]
        if len(images) >= count:
            break
        time.sleep(1)
    return images


def test_frames_arrive_on_the_grid_without_duplicates(live_app, rtsp_server):
    api = live_app.api_session()
    base = live_app.url
    camera = api.post(f"{base}/api/v1/cameras",
                      json={"name": "RTSP test", "url": rtsp_server.url("/test")})
    assert camera.status_code == 201, camera.text
    created = api.post(f"{base}/api/v1/timelapses",
                       json={"camera_id": camera.json()["id"], "name": "e2e",
                             "interval_seconds": INTERVAL})
    assert created.status_code == 201, created.text
    tl_id = created.json()["id"]

    images = wait_for_frames(api, base, tl_id, count=6)
    api.post(f"{base}/api/v1/timelapses/{tl_id}/stop")
    assert len(images) >= 6, f"only {len(images)} frames arrived"

    details = [api.get(f"{base}/api/v1/images/{img['id']}").json() for img in images]
    slots = [dt.datetime.fromisoformat(d["slot_at"]) for d in details]
    assert len(set(slots)) == len(slots), "a slot was captured twice"
    gaps = {(b - a).total_seconds() for a, b in zip(slots, slots[1:], strict=False)}
    assert gaps == {INTERVAL}, f"slots are not consecutive grid slots: gaps {sorted(gaps)}"
    assert all(d["width"] == 1280 and d["height"] == 720 for d in details)

    first = api.get(f"{base}/api/v1/images/{images[0]['id']}/file")
    assert first.headers["Content-Type"] == "image/jpeg" and first.content[:2] == b"\xff\xd8"


def test_health_reports_a_ticking_consumer(live_app):
    import requests
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        body = requests.get(f"{live_app.url}/health", timeout=5).json()
        if body["consumer"]["heartbeat_age_seconds"] is not None:
            break
        time.sleep(1)
    assert body["consumer"]["ok"], body
    assert body["database"]["ok"] and body["queue"]["ok"]
