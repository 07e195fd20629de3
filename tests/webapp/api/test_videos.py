"""Videos through the API: render (202 + job), list, read, file with ranges, rename,
delete; bad input is a 4xx that changes nothing."""
import pytest

from models import Job, Video
from tasks import storage
from tests.webapp.api import assert_error, make_image, make_timelapse, snapshot


@pytest.fixture
def tl(demo_camera):
    tl = make_timelapse(demo_camera, status="completed")
    for n in range(8):
        make_image(tl, n)
    return tl


def render(api, tl, body=None):
    return api.post(f"/api/v1/timelapses/{tl.id}/videos", json=body or {})


def rendered(api, tl) -> int:
    """Render, poll the job (it ran inline here), return the video's id."""
    job = render(api, tl).get_json()
    return api.get(f"/api/v1/jobs/{job['id']}").get_json()["result"]["video_id"]


def test_a_render_request_answers_202_with_the_job(api, tl):
    response = render(api, tl, {"settings": {"fps": 4, "speed": "ultrafast"}, "name": "API"})
    assert response.status_code == 202
    job = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/jobs/{job['id']}")
    polled = api.get(f"/api/v1/jobs/{job['id']}").get_json()
    assert (polled["kind"], polled["status"]) == ("render", "done")
    video = api.get(f"/api/v1/videos/{polled['result']['video_id']}").get_json()
    assert (video["name"], video["frames"], video["fps"], video["duration"]) == ("API", 8, 4, 2)
    assert video["settings"]["speed"] == "ultrafast" and video["trigger"] == "manual"
    assert video["created_at"].endswith("Z")


def test_an_empty_body_renders_with_the_timelapse_settings(api, tl):
    response = api.post(f"/api/v1/timelapses/{tl.id}/videos")
    assert response.status_code == 202 and Video.get().settings["fps"] == 25


@pytest.mark.parametrize("body, field", [
    ({"settings": {"fps": 500}}, "settings.fps"),
    ({"settings": {"codec": "divx"}}, "settings.codec"),
    ({"settings": {"resolution": "width"}}, "settings.width"),
    ({"settings": "fast"}, "settings"),
    ({"name": ""}, "name"),
    ({"colour": "red"}, "colour"),
])
def test_bad_render_requests_are_refused_and_change_nothing(api, tl, body, field):
    before = snapshot()
    assert_error(render(api, tl, body), 400, field)
    assert snapshot() == before


def test_a_body_that_is_not_json_is_a_400(api, tl):
    response = api.post(f"/api/v1/timelapses/{tl.id}/videos", data="fps=3",
                        content_type="text/plain")
    assert_error(response, 400)


def test_no_frames_is_a_409_and_an_unknown_timelapse_a_404(api, demo_camera):
    empty = make_timelapse(demo_camera, status="completed", name="Empty")
    assert "no frames" in assert_error(render(api, empty), 409)["error"]
    assert_error(api.post("/api/v1/timelapses/999/videos", json={}), 404)


def test_videos_are_listed_newest_first_with_a_cursor(api, tl):
    ids = [rendered(api, tl) for _ in range(3)]
    first = api.get(f"/api/v1/timelapses/{tl.id}/videos?limit=2").get_json()
    assert [v["id"] for v in first["videos"]] == ids[::-1][:2]
    rest = api.get(f"/api/v1/timelapses/{tl.id}/videos?before={first['next']}").get_json()
    assert [v["id"] for v in rest["videos"]] == [ids[0]] and rest["next"] is None
    assert_error(api.get(f"/api/v1/timelapses/{tl.id}/videos?limit=0"), 400, "limit")


def test_the_file_supports_range_requests(api, tl):
    video_id = rendered(api, tl)
    size = Video.get_by_id(video_id).bytes
    part = api.get(f"/api/v1/videos/{video_id}/file", headers={"Range": "bytes=10-19"})
    assert part.status_code == 206 and part.headers["Content-Range"] == f"bytes 10-19/{size}"
    assert part.headers["Content-Type"] == "video/mp4" and len(part.data) == 10


def test_rename_and_delete(api, tl):
    video_id = rendered(api, tl)
    path = storage.media_path(Video.get_by_id(video_id).path)
    assert api.patch(f"/api/v1/videos/{video_id}", json={"name": "Kept"}).get_json()[
        "name"] == "Kept"
    assert_error(api.patch(f"/api/v1/videos/{video_id}", json={"fps": 3}), 400, "fps")
    assert api.delete(f"/api/v1/videos/{video_id}").status_code == 204
    assert not path.exists() and Video.select().count() == 0
    assert_error(api.get(f"/api/v1/videos/{video_id}"), 404)


def test_a_render_can_be_cancelled_while_it_waits(api, tl):
    running = Job.create(kind="render", timelapse=tl, status="running", params={})
    waiting = render(api, tl).get_json()
    assert waiting["status"] == "queued" and waiting["id"] != running.id
    cancelled = api.post(f"/api/v1/jobs/{waiting['id']}/cancel").get_json()
    assert cancelled["status"] == "cancelled"
