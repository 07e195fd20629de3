"""The dashboard and its self-polling camera cards."""
from __future__ import annotations

import contextlib

import models
from models import Camera, Job
from tests.webapp.views import html, make_frames, make_timelapse


@contextlib.contextmanager
def count_queries():
    """Count the SQL statements run inside the block."""
    database = models.db.obj
    original = database.execute_sql
    counter = {"n": 0}

    def counting(sql, params=None, *args, **kwargs):
        counter["n"] += 1
        return original(sql, params, *args, **kwargs)

    database.execute_sql = counting
    try:
        yield counter
    finally:
        del database.execute_sql


def test_it_lists_the_demo_camera(client, demo_camera):
    body = html(client.get("/"))
    assert "Demo" in body
    assert f'id="camera-{demo_camera.id}"' in body
    assert "No frames yet" in body
    assert "Start timelapse" in body


def test_it_shows_an_empty_state_without_cameras(client):
    body = html(client.get("/"))
    assert "No cameras yet" in body
    assert "/cameras/new" in body


def test_it_needs_a_login(app, demo_camera):
    from webapp.auth import create_user
    create_user("admin", "correct-horse")
    response = app.test_client().get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_the_page_has_the_csrf_meta_tag_and_htmx(client):
    body = html(client.get("/"))
    assert '<meta name="csrf-token"' in body
    assert "vendor/htmx.min.js" in body
    assert "X-CSRFToken" in body


def test_the_card_shows_the_latest_frame_and_countdown_of_the_active_timelapse(client, demo_camera):
    tl = make_timelapse(demo_camera)
    frames = make_frames(tl, 3)
    body = html(client.get("/"))
    assert f"/images/{frames[-1].id}/thumb" in body
    assert "3 frames" in body
    assert "next capture" in body
    assert "Pause" in body and "Stop" in body


def test_the_card_polls_while_a_timelapse_runs(client, demo_camera):
    make_timelapse(demo_camera)
    response = client.get(f"/cameras/{demo_camera.id}/card", htmx=True)
    body = html(response)
    assert response.status_code == 200
    assert "<html" not in body
    assert 'hx-trigger="every 2s"' in body
    assert f'hx-get="/cameras/{demo_camera.id}/card"' in body


def test_the_card_stops_polling_when_there_is_nothing_to_watch(client, demo_camera):
    make_timelapse(demo_camera, status="paused")
    body = html(client.get(f"/cameras/{demo_camera.id}/card", htmx=True))
    assert "hx-trigger" not in body
    assert f'hx-get="/cameras/{demo_camera.id}/card"' not in body
    assert "Resume" in body


def test_the_card_polls_while_a_connection_test_is_queued(client, demo_camera):
    Job.create(kind="camera_test", camera=demo_camera, status="queued")
    body = html(client.get(f"/cameras/{demo_camera.id}/card", htmx=True))
    assert 'hx-trigger="every 2s"' in body
    assert "Testing the connection" in body


def test_the_card_shows_the_last_error(client, demo_camera):
    Camera.update(status="offline", last_error="rtsp://admin:***@cam/x: timed out"
                  ).where(Camera.id == demo_camera.id).execute()
    body = html(client.get("/"))
    assert "timed out" in body
    assert "badge-offline" in body


def test_the_card_without_htmx_is_a_full_page(client, demo_camera):
    body = html(client.get(f"/cameras/{demo_camera.id}/card"))
    assert "<html" in body and f'id="camera-{demo_camera.id}"' in body


def test_the_dashboard_does_not_query_per_camera(client, demo_camera):
    for i in range(2):
        camera = Camera.create(name=f"Cam {i}", url="demo://")
        make_frames(make_timelapse(camera), 2)
    client.get("/")  # warm up the session
    with count_queries() as few:
        assert client.get("/").status_code == 200
    for i in range(6):
        camera = Camera.create(name=f"More {i}", url="demo://")
        make_frames(make_timelapse(camera, status="completed" if i % 2 else "running"), 2)
    with count_queries() as many:
        assert client.get("/").status_code == 200
    assert 0 < few["n"] == many["n"]


def test_the_settings_page_lists_the_areas(client):
    response = client.get("/settings")
    assert response.status_code == 200 and "Settings" in response.get_data(as_text=True)
