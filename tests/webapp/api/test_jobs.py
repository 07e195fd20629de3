"""Camera tests as jobs, and polling jobs (huey runs tasks inline in tests)."""
import pytest

import settings
from models import Camera, Job
from tasks import storage
from tests.webapp.api import assert_error


def test_it_tests_the_demo_camera_as_a_job(api, demo_camera):
    response = api.post(f"/api/v1/cameras/{demo_camera.id}/test")
    assert response.status_code == 202
    job = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/jobs/{job['id']}")
    assert (job["kind"], job["status"], job["error"]) == ("camera_test", "done", "")
    polled = api.get(f"/api/v1/jobs/{job['id']}").get_json()
    assert set(polled) >= {"id", "kind", "status", "progress", "message", "error", "result"}
    assert polled["status"] == "done" and polled["progress"] == 100
    assert polled["result"]["width"] > 0 and polled["result"]["height"] > 0
    assert polled["finished_at"].endswith("Z")


def test_it_serves_the_test_preview_as_latest_frame(api, demo_camera):
    api.post(f"/api/v1/cameras/{demo_camera.id}/test")
    response = api.get(f"/api/v1/cameras/{demo_camera.id}/latest.jpg")
    assert response.status_code == 200 and response.data[:2] == b"\xff\xd8"
    preview = Camera.get_by_id(demo_camera.id).preview_path
    assert response.data == storage.media_path(preview).read_bytes()


@pytest.fixture
def short_timeout():
    settings.configure(capture_timeout=3.0)  # data_dir restores the settings afterwards


def test_it_fails_the_job_of_an_unreachable_camera_without_leaking_the_password(
        api, data_dir, short_timeout):
    camera = Camera.create(name="Gone", url="rtsp://admin:Hunter2-secret@127.0.0.1:1/x")
    response = api.post(f"/api/v1/cameras/{camera.id}/test")
    assert response.status_code == 202
    job = api.get(f"/api/v1/jobs/{response.get_json()['id']}").get_json()
    assert job["status"] == "failed" and job["error"]
    assert "Hunter2-secret" not in response.get_data(as_text=True)
    assert "Hunter2-secret" not in str(job)
    assert "Hunter2-secret" not in Job.get_by_id(job["id"]).error


def test_it_scrubs_a_password_that_reached_a_job_row(api, data_dir):
    camera = Camera.create(name="Yard", url="http://u:Hunter2-secret@192.0.2.1/snap.jpg")
    job = Job.create(kind="camera_test", camera=camera, status="failed",
                     error="GET http://u:Hunter2-secret@192.0.2.1/snap.jpg refused")
    body = api.get(f"/api/v1/jobs/{job.id}").get_json()
    assert body["error"] == "GET http://u:***@192.0.2.1/snap.jpg refused"


def test_it_answers_404_json_for_an_unknown_job(api, data_dir):
    assert_error(api.get("/api/v1/jobs/999"), 404)
