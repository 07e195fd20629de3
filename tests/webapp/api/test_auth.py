"""Every API endpoint wants a valid bearer token, and refuses without touching anything."""
import pytest

from tests.webapp.api import assert_error, make_image, make_timelapse, snapshot

ENDPOINTS = [
    ("get", "/api/v1/cameras"), ("post", "/api/v1/cameras"),
    ("get", "/api/v1/cameras/{camera}"), ("patch", "/api/v1/cameras/{camera}"),
    ("delete", "/api/v1/cameras/{camera}"), ("post", "/api/v1/cameras/{camera}/test"),
    ("get", "/api/v1/cameras/{camera}/latest.jpg"),
    ("get", "/api/v1/timelapses"), ("post", "/api/v1/timelapses"),
    ("get", "/api/v1/timelapses/{timelapse}"), ("patch", "/api/v1/timelapses/{timelapse}"),
    ("delete", "/api/v1/timelapses/{timelapse}"), ("post", "/api/v1/timelapses/{timelapse}/stop"),
    ("get", "/api/v1/timelapses/{timelapse}/images"),
    ("get", "/api/v1/images/{image}"), ("get", "/api/v1/images/{image}/file"),
    ("get", "/api/v1/jobs/1"),
]
BAD_HEADERS = [None, "Bearer wrong-token", "Bearer ", "Basic YWRtaW46eA==", "tl_nobearer"]


@pytest.fixture
def ids(demo_camera):
    tl = make_timelapse(demo_camera)
    return {"camera": demo_camera.id, "timelapse": tl.id, "image": make_image(tl, 0).id}


@pytest.mark.parametrize("header", BAD_HEADERS)
@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_it_refuses_a_request_without_a_valid_token(app, ids, method, path, header):
    client = app.test_client()
    headers = {"Authorization": header} if header else {}
    before = snapshot()
    response = getattr(client, method)(path.format(**ids), headers=headers,
                                       json={"name": "Hijacked", "url": "demo://"})
    assert_error(response, 401)
    assert snapshot() == before


def test_it_accepts_a_valid_token(api, ids):
    assert api.get("/api/v1/cameras").status_code == 200
