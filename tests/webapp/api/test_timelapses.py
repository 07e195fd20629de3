"""Timelapses over the API: CRUD, state changes through the gates, and refusals."""
import pytest

from models import Camera, Image, Timelapse
from tasks import storage
from tests.webapp.api import assert_error, make_image, make_timelapse, snapshot


@pytest.fixture
def body(demo_camera):
    return {"camera_id": demo_camera.id, "name": "Garden", "interval_seconds": 60}


def test_it_creates_and_starts_a_timelapse(api, body):
    response = api.post("/api/v1/timelapses", json=body)
    assert response.status_code == 201
    data = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/timelapses/{data['id']}")
    assert (data["camera_id"], data["name"], data["interval_seconds"], data["status"]) == \
        (body["camera_id"], "Garden", 60, "running")
    assert data["started_at"].endswith("Z") and data["next_capture_at"].endswith("Z")
    assert data["completed_at"] is None and data["frame_count"] == 0
    assert data["days"] == [0, 1, 2, 3, 4, 5, 6] and data["windows"] == []
    tl = Timelapse.get_by_id(data["id"])
    assert tl.started_at is not None and tl.anchor_at is not None and tl.generation == 1


def test_it_creates_a_timelapse_with_every_timing_field(api, body):
    body.update(windows=["08:00-12:00", "22:00-02:00"], days=[4, 0, 2], sunrise_offset=-30,
                sunset_offset=15, stop_at="2030-01-01T10:00:00+02:00", stop_after_frames=500,
                stop_after_days=30)
    data = api.post("/api/v1/timelapses", json=body).get_json()
    assert data["windows"] == ["08:00-12:00", "22:00-02:00"]
    assert data["days"] == [0, 2, 4]
    assert data["stop_at"] in ("2030-01-01T08:00:00Z", "2030-01-01T08:00:00+00:00")
    assert (data["sunrise_offset"], data["sunset_offset"], data["stop_after_frames"],
            data["stop_after_days"]) == (-30, 15, 500, 30)


def test_it_lists_and_shows_timelapses(api, demo_camera):
    old = make_timelapse(demo_camera, status="completed")
    new = make_timelapse(demo_camera)
    listed = api.get("/api/v1/timelapses").get_json()["timelapses"]
    assert [t["id"] for t in listed] == [new.id, old.id]
    shown = api.get(f"/api/v1/timelapses/{old.id}").get_json()
    assert shown["status"] == "completed" and shown["started_at"] == "2026-03-14T12:00:00Z"


def test_it_refuses_a_second_active_timelapse_on_a_camera(api, body, demo_camera):
    first = make_timelapse(demo_camera, status="paused")
    before = snapshot()
    response = api.post("/api/v1/timelapses", json=body)
    error = assert_error(response, 409, "camera_id")
    assert f"timelapse {first.id}" in error["error"]
    assert snapshot() == before


def test_it_allows_a_new_timelapse_once_the_old_one_completed(api, body, demo_camera):
    make_timelapse(demo_camera, status="completed")
    assert api.post("/api/v1/timelapses", json=body).status_code == 201


def test_it_renames_without_replanning(api, demo_camera):
    tl = make_timelapse(demo_camera)
    response = api.patch(f"/api/v1/timelapses/{tl.id}", json={"name": "Renamed"})
    assert response.status_code == 200 and response.get_json()["name"] == "Renamed"
    row = Timelapse.get_by_id(tl.id)
    assert row.name == "Renamed"
    assert (row.generation, row.anchor_at) == (tl.generation, tl.anchor_at)


def test_it_replans_a_running_timelapse_when_timing_changes(api, demo_camera):
    tl = make_timelapse(demo_camera)
    response = api.patch(f"/api/v1/timelapses/{tl.id}", json={"interval_seconds": 300,
                                                               "days": [5, 6]})
    assert response.status_code == 200
    row = Timelapse.get_by_id(tl.id)
    assert (row.interval_seconds, row.days) == (300, "56")
    assert row.generation == tl.generation + 1 and row.anchor_at > tl.anchor_at


def test_it_does_not_replan_when_timing_is_sent_unchanged(api, demo_camera):
    tl = make_timelapse(demo_camera)
    api.patch(f"/api/v1/timelapses/{tl.id}", json={"interval_seconds": 60, "windows": []})
    assert Timelapse.get_by_id(tl.id).generation == tl.generation


def test_it_keeps_a_paused_timelapse_paused_when_timing_changes(api, demo_camera):
    tl = make_timelapse(demo_camera, status="paused")
    api.patch(f"/api/v1/timelapses/{tl.id}", json={"interval_seconds": 30})
    row = Timelapse.get_by_id(tl.id)
    assert (row.status, row.interval_seconds, row.next_capture_at) == ("paused", 30, None)


@pytest.mark.parametrize(("start", "target"), [
    ("running", "paused"), ("paused", "running"), ("running", "completed"),
    ("paused", "completed"), ("running", "running"), ("completed", "completed"),
])
def test_it_moves_status_through_the_gates(api, demo_camera, start, target):
    tl = make_timelapse(demo_camera, status=start)
    response = api.patch(f"/api/v1/timelapses/{tl.id}", json={"status": target})
    assert response.status_code == 200
    assert response.get_json()["status"] == target == Timelapse.get_by_id(tl.id).status


def test_it_stops_a_timelapse_and_records_when(api, demo_camera):
    tl = make_timelapse(demo_camera)
    data = api.patch(f"/api/v1/timelapses/{tl.id}", json={"status": "completed"}).get_json()
    assert data["completed_at"].endswith("Z") and data["next_capture_at"] is None


@pytest.mark.parametrize("target", ["paused", "running"])
def test_it_refuses_to_revive_a_completed_timelapse(api, demo_camera, target):
    tl = make_timelapse(demo_camera, status="completed")
    before = snapshot()
    assert_error(api.patch(f"/api/v1/timelapses/{tl.id}", json={"status": target,
                                                                "name": "New"}), 409, "status")
    assert snapshot() == before


@pytest.mark.parametrize(("start", "action", "expected"), [
    ("running", "pause", "paused"),
    ("paused", "resume", "running"),
    ("running", "stop", "completed"),
    ("paused", "stop", "completed"),
    ("paused", "start", "running"),
])
def test_it_runs_the_action_endpoints(api, demo_camera, start, action, expected):
    tl = make_timelapse(demo_camera, status=start)
    response = api.post(f"/api/v1/timelapses/{tl.id}/{action}")
    assert response.status_code == 200
    assert response.get_json()["status"] == expected == Timelapse.get_by_id(tl.id).status


def test_it_starts_a_timelapse_that_never_started(api, demo_camera):
    tl = Timelapse.create(camera=demo_camera, name="Later", interval_seconds=60)
    data = api.post(f"/api/v1/timelapses/{tl.id}/start").get_json()
    assert data["status"] == "running" and data["started_at"] is not None


def test_it_leaves_a_running_timelapse_alone_on_start(api, demo_camera):
    tl = make_timelapse(demo_camera)
    assert api.post(f"/api/v1/timelapses/{tl.id}/start").status_code == 200
    row = Timelapse.get_by_id(tl.id)
    assert row.generation == tl.generation and row.anchor_at == tl.anchor_at


@pytest.mark.parametrize(("start", "action"), [
    ("completed", "start"), ("completed", "pause"), ("completed", "resume"),
    ("completed", "stop"), ("paused", "pause"), ("running", "resume"),
])
def test_it_refuses_an_action_the_state_does_not_allow(api, demo_camera, start, action):
    tl = make_timelapse(demo_camera, status=start)
    before = snapshot()
    assert_error(api.post(f"/api/v1/timelapses/{tl.id}/{action}"), 409)
    assert snapshot() == before


def test_it_deletes_a_timelapse_with_its_frames(api, demo_camera):
    tl = make_timelapse(demo_camera)
    frame = storage.media_path(make_image(tl, 0).path)
    assert api.delete(f"/api/v1/timelapses/{tl.id}").status_code == 204
    assert not Timelapse.select().exists() and not Image.select().exists()
    assert not frame.exists()
    assert Camera.get_by_id(demo_camera.id)


# ---------------------------------------------------------------- bad input changes nothing

BAD_FIELDS = [
    ("camera_id", "1"), ("camera_id", 999), ("camera_id", None), ("camera_id", True),
    ("name", ["Garden"]), ("name", ""), ("name", 5),
    ("interval_seconds", 2), ("interval_seconds", "60"), ("interval_seconds", 60.0),
    ("interval_seconds", 86401),
    ("windows", "08:00-12:00"), ("windows", ["25:00-26:00"]), ("windows", [800]),
    ("days", [7]), ("days", []), ("days", "0123"), ("days", [True]),
    ("sun_mode", "night"), ("sun_mode", "daylight"),  # no latitude configured
    ("sunrise_offset", 500), ("sunset_offset", "10"),
    ("stop_at", "tomorrow"), ("stop_at", 1700000000),
    ("stop_after_frames", 0), ("stop_after_frames", "10"), ("stop_after_days", 4000),
    ("colour", "red"), ("status", "running"), ("frame_count", 3),
]


@pytest.mark.parametrize(("field", "value"), BAD_FIELDS)
def test_it_refuses_a_bad_field_on_create(api, body, field, value):
    before = snapshot()
    assert_error(api.post("/api/v1/timelapses", json={**body, field: value}), 400, field)
    assert snapshot() == before


BAD_UPDATES = [(f, v) for f, v in BAD_FIELDS if f not in ("camera_id", "status", "frame_count")]


@pytest.mark.parametrize(("field", "value"), BAD_UPDATES + [
    ("status", "sleeping"), ("status", 1), ("camera_id", 999), ("frame_count", 3),
])
def test_it_refuses_a_bad_field_on_update(api, demo_camera, field, value):
    tl = make_timelapse(demo_camera)
    before = snapshot()
    response = api.patch(f"/api/v1/timelapses/{tl.id}", json={"name": "New", field: value})
    assert_error(response, 400, field)
    assert snapshot() == before


def test_it_refuses_to_move_a_timelapse_to_another_camera(api, demo_camera):
    tl = make_timelapse(demo_camera)
    other = Camera.create(name="Other", url="demo://")
    before = snapshot()
    body = assert_error(api.patch(f"/api/v1/timelapses/{tl.id}", json={"camera_id": other.id}),
                        400, "camera_id")
    assert "cannot change" in body["fields"]["camera_id"]
    assert snapshot() == before


def test_it_accepts_the_same_camera_id_sent_back(api, demo_camera):
    tl = make_timelapse(demo_camera)
    response = api.patch(f"/api/v1/timelapses/{tl.id}", json={"camera_id": demo_camera.id})
    assert response.status_code == 200


@pytest.mark.parametrize("method", ["post", "patch"])
def test_it_refuses_a_body_that_is_not_json(api, demo_camera, method):
    tl = make_timelapse(demo_camera)
    url = "/api/v1/timelapses" + (f"/{tl.id}" if method == "patch" else "")
    before = snapshot()
    assert_error(getattr(api, method)(url, data="name=x", content_type="text/plain"), 400)
    assert_error(getattr(api, method)(url, data="{", content_type="application/json"), 400)
    assert snapshot() == before


@pytest.mark.parametrize(("method", "path"), [
    ("get", "/api/v1/timelapses/999"), ("patch", "/api/v1/timelapses/999"),
    ("delete", "/api/v1/timelapses/999"), ("post", "/api/v1/timelapses/999/start"),
    ("post", "/api/v1/timelapses/999/pause"), ("post", "/api/v1/timelapses/999/resume"),
    ("post", "/api/v1/timelapses/999/stop"), ("get", "/api/v1/timelapses/999/images"),
])
def test_it_answers_404_json_for_an_unknown_timelapse(api, demo_camera, method, path):
    make_timelapse(demo_camera)
    before = snapshot()
    assert_error(getattr(api, method)(path, json={"name": "x"}), 404)
    assert snapshot() == before
