"""Images over the API: key-based pages, metadata, and the JPEG files with caching."""
import pytest

from models import Camera
from tasks import storage
from tests.webapp.api import assert_error, make_image, make_timelapse, snapshot


@pytest.fixture
def timelapse(demo_camera):
    return make_timelapse(demo_camera)


@pytest.fixture
def images(timelapse):
    return [make_image(timelapse, n) for n in range(5)]


def test_it_pages_images_oldest_first_with_a_cursor(api, timelapse, images):
    seen, cursor, pages = [], None, 0
    while True:
        query = "limit=2" + (f"&after={cursor}" if cursor is not None else "")
        response = api.get(f"/api/v1/timelapses/{timelapse.id}/images?{query}")
        assert response.status_code == 200
        body = response.get_json()
        pages += 1
        seen += [image["id"] for image in body["images"]]
        cursor = body["next"]
        if cursor is None:
            break
        assert cursor == seen[-1]
    assert seen == [image.id for image in images]
    assert pages == 3


def test_it_ends_without_a_cursor_when_a_page_is_exactly_full(api, timelapse, images):
    body = api.get(f"/api/v1/timelapses/{timelapse.id}/images?limit=5").get_json()
    assert len(body["images"]) == 5 and body["next"] is None
    after_last = api.get(f"/api/v1/timelapses/{timelapse.id}/images?after={images[-1].id}")
    assert after_last.get_json() == {"images": [], "next": None}


def test_it_describes_each_image_in_a_page(api, timelapse, images):
    first = api.get(f"/api/v1/timelapses/{timelapse.id}/images").get_json()["images"][0]
    assert first == {"id": images[0].id, "captured_at": "2026-03-14T12:00:00Z", "width": 64,
                     "height": 48, "bytes": images[0].bytes,
                     "url": f"/api/v1/images/{images[0].id}/file",
                     "thumb_url": f"/api/v1/images/{images[0].id}/thumb",
                     "small_url": f"/api/v1/images/{images[0].id}/small",
                     "corruption_score": None, "flagged": False}


def test_it_lists_only_the_timelapse_own_images(api, timelapse, images):
    other = make_timelapse(Camera.create(name="Other", url="demo://"))
    make_image(other, 0)
    body = api.get(f"/api/v1/timelapses/{timelapse.id}/images").get_json()
    assert [i["id"] for i in body["images"]] == [image.id for image in images]


@pytest.mark.parametrize(("query", "field"), [
    ("after=abc", "after"), ("after=-1", "after"), ("after=1.5", "after"), ("after=", "after"),
    ("limit=0", "limit"), ("limit=1001", "limit"), ("limit=ten", "limit"), ("limit=-5", "limit"),
])
def test_it_refuses_a_bad_cursor_or_limit(api, timelapse, images, query, field):
    assert_error(api.get(f"/api/v1/timelapses/{timelapse.id}/images?{query}"), 400, field)


def test_it_shows_an_image_metadata(api, timelapse, images):
    body = api.get(f"/api/v1/images/{images[1].id}").get_json()
    assert body["timelapse_id"] == timelapse.id
    assert body["slot_at"] == "2026-03-14T12:01:00Z" and body["day_number"] == 1
    assert body["url"] == f"/api/v1/images/{images[1].id}/file"


def test_it_serves_an_image_file_with_long_private_caching(api, images):
    response = api.get(f"/api/v1/images/{images[2].id}/file")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert response.data == storage.media_path(images[2].path).read_bytes()
    assert response.data[:2] == b"\xff\xd8"
    assert response.headers["ETag"]
    cache = response.cache_control
    assert cache.private and not cache.public and cache.max_age >= 86400


def test_it_answers_304_when_the_image_etag_matches(api, images):
    etag = api.get(f"/api/v1/images/{images[0].id}/file").headers["ETag"]
    response = api.get(f"/api/v1/images/{images[0].id}/file", headers={"If-None-Match": etag})
    assert response.status_code == 304 and response.data == b""


def test_it_answers_404_json_when_the_image_file_is_gone(api, images):
    storage.media_path(images[0].path).unlink()
    assert_error(api.get(f"/api/v1/images/{images[0].id}/file"), 404)


@pytest.mark.parametrize("path", ["/api/v1/images/999", "/api/v1/images/999/file",
                                  "/api/v1/images/x/file"])
def test_it_answers_404_json_for_an_unknown_image(api, images, path):
    assert_error(api.get(path), 404)


def test_it_does_not_serve_files_by_a_path_from_the_request(api, images):
    assert api.get("/api/v1/images/file?path=" + images[0].path).status_code == 404
    assert api.get("/api/v1/images/../../../etc/passwd").status_code == 404


# ---------------------------------------------------------------- a camera's latest frame

def test_it_serves_the_camera_newest_frame(api, demo_camera, timelapse, images):
    response = api.get(f"/api/v1/cameras/{demo_camera.id}/latest.jpg")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert response.data == storage.media_path(images[-1].path).read_bytes()
    assert response.headers["ETag"] and "no-cache" in response.headers["Cache-Control"]
    again = api.get(f"/api/v1/cameras/{demo_camera.id}/latest.jpg",
                    headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_it_changes_the_latest_etag_when_a_frame_arrives(api, demo_camera, timelapse, images):
    etag = api.get(f"/api/v1/cameras/{demo_camera.id}/latest.jpg").headers["ETag"]
    make_image(timelapse, 9)
    response = api.get(f"/api/v1/cameras/{demo_camera.id}/latest.jpg",
                       headers={"If-None-Match": etag})
    assert response.status_code == 200 and response.headers["ETag"] != etag


def test_it_falls_back_to_the_test_preview(api, demo_camera):
    rel = storage.preview_paths(demo_camera.id)[0]
    path = storage.media_path(rel)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\xff\xd8 preview \xff\xd9")
    Camera.update(preview_path=rel).where(Camera.id == demo_camera.id).execute()
    response = api.get(f"/api/v1/cameras/{demo_camera.id}/latest.jpg")
    assert response.status_code == 200 and response.data == path.read_bytes()


def test_it_answers_404_json_when_a_camera_has_no_frame(api, demo_camera):
    before = snapshot()
    assert_error(api.get(f"/api/v1/cameras/{demo_camera.id}/latest.jpg"), 404)
    assert snapshot() == before
