"""Camera pages: add, edit (masked URL), delete, connection test, bad input."""
from __future__ import annotations

import pytest

from models import Camera, Job, Timelapse
from tasks import storage
from tests.webapp.views import SECRET_URL, html, make_frames, make_timelapse

FORM = {"name": "Garden", "url": SECRET_URL, "enabled": "on", "rotation": "90", "crop": "",
        "aspect": "16:9", "aspect_mode": "pad", "jpeg_quality": "85"}


@pytest.fixture
def secret_camera(data_dir):
    return Camera.create(name="Porch", url=SECRET_URL)


def test_it_adds_a_camera(client):
    response = client.post("/cameras/new", FORM)
    camera = Camera.get(Camera.name == "Garden")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/cameras/{camera.id}"
    assert (camera.url, camera.rotation, camera.aspect, camera.aspect_mode, camera.jpeg_quality,
            camera.enabled, camera.crop) == (SECRET_URL, 90, "16:9", "pad", 85, True, None)


def test_an_unticked_box_disables_the_camera(client):
    client.post("/cameras/new", {**FORM, "enabled": None, "crop": "10, 20, 640, 360"})
    camera = Camera.get(Camera.name == "Garden")
    assert camera.enabled is False
    assert camera.crop == [10, 20, 640, 360]


@pytest.mark.parametrize("field, value, message", [
    ("url", "ftp://cam/x", "Unsupported URL scheme"),
    ("url", "not a url", "Not a URL"),
    ("rotation", "45", "must be one of"),
    ("jpeg_quality", "abc", "must be a whole number"),
    ("jpeg_quality", "101", "between 10 and 100"),
    ("crop", "1,2,3", "four whole numbers"),
    ("name", "  ", "must not be empty"),
])
def test_bad_input_redisplays_the_form_and_saves_nothing(client, field, value, message):
    response = client.post("/cameras/new", {**FORM, field: value})
    body = html(response)
    assert response.status_code == 400
    assert message in body
    assert 'class="field-error"' in body
    assert Camera.select().count() == 0


def test_a_redisplayed_form_never_echoes_the_password(client):
    response = client.post("/cameras/new", {**FORM, "rotation": "45"})
    body = html(response)
    assert "hunter22" not in body
    assert "admin:***@127.0.0.1" in body
    assert "type it once more" in body


def test_a_masked_url_is_not_saved_as_a_new_camera(client):
    response = client.post("/cameras/new", {**FORM, "url": "rtsp://admin:***@127.0.0.1/x"})
    assert response.status_code == 400
    assert Camera.select().count() == 0


def test_a_post_without_csrf_token_is_refused_with_a_friendly_page(client):
    response = client.client.post("/cameras/new", data=FORM)
    body = html(response)
    assert response.status_code == 400
    assert "security token" in body
    assert "Traceback" not in body
    assert Camera.select().count() == 0


def test_no_page_shows_the_camera_password(client, secret_camera):
    tl = make_timelapse(secret_camera)
    urls = ["/", "/cameras", f"/cameras/{secret_camera.id}", f"/cameras/{secret_camera.id}/edit",
            f"/cameras/{secret_camera.id}/delete", f"/cameras/{secret_camera.id}/card",
            "/timelapses", f"/timelapses/{tl.id}", f"/timelapses/{tl.id}/edit",
            "/timelapses/new"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "hunter22" not in html(response), url
    edit_page = html(client.get(f"/cameras/{secret_camera.id}/edit"))
    assert 'value="rtsp://admin:***@127.0.0.1:8554/x"' in edit_page


def test_saving_the_edit_form_with_the_masked_url_keeps_the_password(client, secret_camera):
    response = client.post(f"/cameras/{secret_camera.id}/edit",
                           {**FORM, "name": "Front door", "url": "rtsp://admin:***@127.0.0.1:8554/x"})
    camera = Camera.get_by_id(secret_camera.id)
    assert response.status_code == 302
    assert camera.name == "Front door"
    assert camera.url == SECRET_URL


def test_a_new_url_resets_the_camera_health(client, secret_camera):
    Camera.update(status="offline", failures=7, last_error="timed out").execute()
    client.post(f"/cameras/{secret_camera.id}/edit", {**FORM, "url": "demo://"})
    camera = Camera.get_by_id(secret_camera.id)
    assert (camera.url, camera.status, camera.failures, camera.last_error) == \
        ("demo://", "unknown", 0, "")


def test_a_bad_edit_saves_nothing(client, secret_camera):
    response = client.post(f"/cameras/{secret_camera.id}/edit",
                           {**FORM, "url": "rtsp://admin:***@127.0.0.1:8554/x", "rotation": "45"})
    assert response.status_code == 400
    assert "hunter22" not in html(response)
    assert Camera.get_by_id(secret_camera.id).rotation == 0


def test_the_delete_page_asks_first(client, secret_camera):
    make_timelapse(secret_camera)
    body = html(client.get(f"/cameras/{secret_camera.id}/delete"))
    assert "Delete camera <strong>Porch</strong> and its 1 timelapse" in body
    assert Camera.select().count() == 1


def test_deleting_a_camera_removes_its_timelapses_and_files(client, secret_camera):
    tl = make_timelapse(secret_camera)
    frames = make_frames(tl, 2)
    response = client.post(f"/cameras/{secret_camera.id}/delete")
    assert response.status_code == 302
    assert Camera.select().count() == 0 and Timelapse.select().count() == 0
    assert not storage.media_path(frames[0].path).exists()
    assert not storage.media_path(f"timelapses/{tl.id}").exists()


def test_unknown_cameras_are_404(client):
    for url in ("/cameras/999", "/cameras/999/edit", "/cameras/999/card", "/cameras/999/delete",
                "/cameras/999/preview.jpg"):
        response = client.get(url)
        assert response.status_code == 404, url
    response = client.get("/cameras/999")
    assert "There is no camera with number 999" in html(response)
    assert client.post("/cameras/999/delete").status_code == 404


def test_testing_the_demo_camera_shows_a_preview(client, demo_camera):
    response = client.post(f"/cameras/{demo_camera.id}/test", htmx=True)
    body = html(response)
    job = Job.get(Job.camera == demo_camera.id)
    assert "<html" not in body
    assert job.status == "done"
    assert "hx-trigger" not in body  # finished: no more polling
    assert f"/cameras/{demo_camera.id}/preview.jpg" in body
    preview = client.get(f"/cameras/{demo_camera.id}/preview.jpg")
    assert preview.status_code == 200 and preview.mimetype == "image/jpeg"
    assert preview.data[:2] == b"\xff\xd8"
    assert preview.headers["Cache-Control"] == "max-age=5, private"  # behind the login
    assert client.get(f"/cameras/{demo_camera.id}/preview-thumb.jpg").status_code == 200


def test_testing_without_htmx_redirects_to_the_camera_page(client, demo_camera):
    response = client.post(f"/cameras/{demo_camera.id}/test")
    job = Job.get(Job.camera == demo_camera.id)
    assert response.headers["Location"] == f"/cameras/{demo_camera.id}?job={job.id}"
    body = html(client.get(response.headers["Location"]))
    assert f"/cameras/{demo_camera.id}/preview.jpg" in body


def test_a_failed_test_shows_the_error(client, data_dir):
    camera = Camera.create(name="Gone", url="http://127.0.0.1:9/snap.jpg?token=sekrit")
    body = html(client.post(f"/cameras/{camera.id}/test", htmx=True))
    assert Job.get(Job.camera == camera.id).status == "failed"
    assert 'class="notice notice-error"' in body
    assert "sekrit" not in body


def test_a_running_test_job_polls_itself(client, demo_camera):
    job = Job.create(kind="camera_test", camera=demo_camera, status="running")
    body = html(client.get(f"/jobs/{job.id}", htmx=True))
    assert f'hx-get="/jobs/{job.id}"' in body and 'hx-trigger="every 1s"' in body
    assert client.get("/jobs/999").status_code == 404


def test_a_bad_query_id_is_400(client, demo_camera):
    assert client.get(f"/cameras/{demo_camera.id}?job=abc").status_code == 400
