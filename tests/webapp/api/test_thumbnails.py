"""The API's variant endpoints: versioned URLs in the image entries, long private caching,
JSON errors."""
from __future__ import annotations

from tasks import storage
from tests.fixtures.frames import plant_frames, timelapse


def test_image_entries_link_their_variants_and_these_are_served(api, data_dir):
    tl = timelapse()
    frame = plant_frames(tl, 1, size=(1600, 900))[0]
    entry = api.get(f"/api/v1/timelapses/{tl.id}/images").get_json()["images"][0]
    assert entry["thumb_url"].startswith(f"/api/v1/images/{frame.id}/thumb?v=")
    assert entry["small_url"].startswith(f"/api/v1/images/{frame.id}/small?v=")
    response = api.get(entry["small_url"])
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert response.data == storage.media_path(frame.small_path).read_bytes()
    cache = response.headers["Cache-Control"]
    assert "private" in cache and "immutable" in cache and "max-age=31536000" in cache


def test_a_variant_of_a_missing_frame_is_a_json_404(api, data_dir):
    frame = plant_frames(timelapse(), 1, variants=False)[0]
    storage.media_path(frame.path).unlink()
    response = api.get(f"/api/v1/images/{frame.id}/thumb")
    assert response.status_code == 404 and "missing" in response.get_json()["error"]
    assert api.get("/api/v1/images/999/small").status_code == 404


def test_variants_need_a_token(app, data_dir):
    frame = plant_frames(timelapse(), 1)[0]
    assert app.test_client().get(f"/api/v1/images/{frame.id}/thumb").status_code == 401
