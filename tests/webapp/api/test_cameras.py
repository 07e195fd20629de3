"""Cameras over the API: CRUD, masked URLs, and every kind of bad input refused cleanly."""
import pytest

from models import Camera, Timelapse
from tasks import storage
from tests.webapp.api import (
    MASKED_URL,
    PASSWORD,
    SECRET_URL,
    assert_error,
    make_image,
    make_timelapse,
    snapshot,
)

VALID = {"name": "Front door", "url": "rtsp://192.0.2.10/stream"}


def test_it_creates_a_camera_with_defaults(api):
    response = api.post("/api/v1/cameras", json=VALID)
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/cameras/{body['id']}")
    assert body["name"] == "Front door"
    assert body["url"] == "rtsp://192.0.2.10/stream"
    assert body["enabled"] is True
    assert body["rotation"] == 0 and body["crop"] is None and body["jpeg_quality"] == 90
    assert body["aspect"] == "" and body["aspect_mode"] == "crop"
    assert body["status"] == "unknown" and body["failures"] == 0 and body["last_error"] == ""
    assert body["last_success_at"] is None and body["active_timelapse_id"] is None
    assert body["created_at"].endswith("Z")
    assert Camera.get_by_id(body["id"]).url == "rtsp://192.0.2.10/stream"


def test_it_creates_a_camera_with_every_field(api):
    body = {**VALID, "enabled": False, "rotation": 270, "crop": [10, 20, 640, 480],
            "aspect": "16:9", "aspect_mode": "pad", "jpeg_quality": 75}
    response = api.post("/api/v1/cameras", json=body)
    assert response.status_code == 201
    camera = Camera.get_by_id(response.get_json()["id"])
    assert (camera.enabled, camera.rotation, camera.crop, camera.aspect, camera.aspect_mode,
            camera.jpeg_quality) == (False, 270, [10, 20, 640, 480], "16:9", "pad", 75)


def test_it_lists_cameras_by_name_with_their_active_timelapse(api, data_dir):
    b = Camera.create(name="B", url="demo://")
    a = Camera.create(name="A", url="demo://")
    tl = make_timelapse(b, status="paused")
    make_timelapse(a, status="completed")
    cameras = api.get("/api/v1/cameras").get_json()["cameras"]
    assert [(c["name"], c["active_timelapse_id"]) for c in cameras] == [("A", None), ("B", tl.id)]


def test_it_shows_one_camera(api, demo_camera):
    tl = make_timelapse(demo_camera)
    body = api.get(f"/api/v1/cameras/{demo_camera.id}").get_json()
    assert body["id"] == demo_camera.id and body["url"] == "demo://"
    assert body["active_timelapse_id"] == tl.id


def test_it_updates_only_the_fields_sent(api, demo_camera):
    response = api.patch(f"/api/v1/cameras/{demo_camera.id}",
                         json={"name": "Renamed", "rotation": 90, "crop": None})
    assert response.status_code == 200
    assert response.get_json()["name"] == "Renamed"
    camera = Camera.get_by_id(demo_camera.id)
    assert (camera.name, camera.rotation, camera.url, camera.jpeg_quality) == \
        ("Renamed", 90, "demo://", 90)


def test_it_deletes_a_camera_with_its_timelapses_and_files(api, demo_camera):
    tl = make_timelapse(demo_camera)
    frame = storage.media_path(make_image(tl, 0).path)
    preview = storage.media_path(storage.preview_paths(demo_camera.id)[0])
    preview.parent.mkdir(parents=True)
    preview.write_bytes(frame.read_bytes())
    response = api.delete(f"/api/v1/cameras/{demo_camera.id}")
    assert response.status_code == 204 and response.data == b""
    assert not Camera.select().exists() and not Timelapse.select().exists()
    assert not frame.exists() and not preview.exists()


# ---------------------------------------------------------------- the password never leaves

@pytest.fixture
def secret_camera(data_dir):
    return Camera.create(name="Yard", url=SECRET_URL, last_error=f"401 for {SECRET_URL}")


def test_it_never_returns_the_stored_password(api, secret_camera):
    responses = [
        api.get("/api/v1/cameras"),
        api.get(f"/api/v1/cameras/{secret_camera.id}"),
        api.patch(f"/api/v1/cameras/{secret_camera.id}", json={"name": "Yard 2"}),
        api.post("/api/v1/cameras", json={"name": "Copy", "url": SECRET_URL}),
    ]
    for response in responses:
        assert response.status_code in (200, 201)
        assert PASSWORD not in response.get_data(as_text=True)
    assert responses[1].get_json()["url"] == MASKED_URL
    assert responses[1].get_json()["last_error"] == f"401 for {MASKED_URL}"


def test_it_keeps_the_password_when_the_masked_url_is_sent_back(api, secret_camera):
    response = api.patch(f"/api/v1/cameras/{secret_camera.id}",
                         json={"name": "Yard 2", "url": MASKED_URL})
    assert response.status_code == 200
    assert response.get_json()["url"] == MASKED_URL
    assert Camera.get_by_id(secret_camera.id).url == SECRET_URL


def test_it_keeps_the_password_when_only_the_host_changes(api, secret_camera):
    url = MASKED_URL.replace("192.0.2.10", "192.0.2.11")
    assert api.patch(f"/api/v1/cameras/{secret_camera.id}", json={"url": url}).status_code == 200
    assert Camera.get_by_id(secret_camera.id).url == SECRET_URL.replace("192.0.2.10", "192.0.2.11")


def test_it_replaces_the_password_when_a_new_one_is_sent(api, secret_camera):
    url = "rtsp://admin:n3w-pass@192.0.2.10:554/stream1"
    assert api.patch(f"/api/v1/cameras/{secret_camera.id}", json={"url": url}).status_code == 200
    assert Camera.get_by_id(secret_camera.id).url == url


# ---------------------------------------------------------------- bad input changes nothing

BAD_FIELDS = [
    ("name", 123), ("name", ["Front"]), ("name", ""), ("name", "   "), ("name", None),
    ("name", "x" * 101),
    ("url", "ftp://192.0.2.10/stream"), ("url", ""), ("url", "rtsp://"), ("url", "http:///snap"),
    ("url", "192.0.2.10/stream"), ("url", 42), ("url", "rtsp://host:99999/x"),
    ("enabled", 1), ("enabled", "true"), ("enabled", None),
    ("rotation", 45), ("rotation", "90"), ("rotation", True), ("rotation", 90.0),
    ("crop", [1, 2, 3]), ("crop", "0,0,100,100"), ("crop", [0, 0, 8, 8]), ("crop", [0, 0, -1, 9]),
    ("crop", [0, 0, 100.5, 100]),
    ("aspect", "2:1"), ("aspect", 1.5), ("aspect_mode", "stretch"),
    ("jpeg_quality", 5), ("jpeg_quality", 101), ("jpeg_quality", "90"), ("jpeg_quality", 90.5),
    ("colour", "red"), ("status", "online"), ("id", 7),
]


@pytest.mark.parametrize(("field", "value"), BAD_FIELDS)
def test_it_refuses_a_bad_field_on_create(api, data_dir, field, value):
    before = snapshot()
    response = api.post("/api/v1/cameras", json={**VALID, field: value})
    assert_error(response, 400, field)
    assert snapshot() == before


@pytest.mark.parametrize(("field", "value"), BAD_FIELDS)
def test_it_refuses_a_bad_field_on_update(api, demo_camera, field, value):
    before = snapshot()
    response = api.patch(f"/api/v1/cameras/{demo_camera.id}", json={"name": "New", field: value})
    assert_error(response, 400, field)
    assert snapshot() == before


def test_it_names_every_missing_required_field(api, data_dir):
    body = assert_error(api.post("/api/v1/cameras", json={}), 400)
    assert set(body["fields"]) == {"name", "url"}
    assert not Camera.select().exists()


@pytest.mark.parametrize("method", ["post", "patch"])
@pytest.mark.parametrize(("data", "content_type"), [
    ("not json", "application/json"),
    ('{"name": "x"', "application/json"),
    ('{"name": "x", "url": "demo://"}', "text/plain"),
    ("[1, 2]", "application/json"),
    ('"text"', "application/json"),
])
def test_it_refuses_a_body_that_is_not_a_json_object(api, demo_camera, method, data, content_type):
    url = "/api/v1/cameras" + (f"/{demo_camera.id}" if method == "patch" else "")
    before = snapshot()
    assert_error(getattr(api, method)(url, data=data, content_type=content_type), 400)
    assert snapshot() == before


@pytest.mark.parametrize(("method", "path"), [
    ("get", "/api/v1/cameras/999"),
    ("patch", "/api/v1/cameras/999"),
    ("delete", "/api/v1/cameras/999"),
    ("post", "/api/v1/cameras/999/test"),
    ("get", "/api/v1/cameras/999/latest.jpg"),
    ("get", "/api/v1/cameras/abc"),
])
def test_it_answers_404_json_for_an_unknown_camera(api, demo_camera, method, path):
    before = snapshot()
    assert_error(getattr(api, method)(path, json={"name": "x"}), 404)
    assert snapshot() == before
