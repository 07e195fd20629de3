"""Thumbnail pages: settings, maintenance jobs, orphan review, the scrubber, and the rule
that pages never load a full-size frame (asserted on the HTML)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import re

import pytest
from PIL import Image as PILImage

from models import Image, Job, Setting
from tasks import capture, storage, thumbnail_settings
from tests.fixtures.frames import age, plant_frames, timelapse
from tests.webapp.views import html
from tests.webapp.views.test_dashboard import count_queries
from webapp.views import thumbnails as views


def loaded_pictures(body: str) -> list[str]:
    """What the browser loads by itself: img src, prefetch links, the scrubber's stops."""
    urls = re.findall(r'<img[^>]+src="([^"]+)"', body)
    urls += re.findall(r'<link rel="prefetch"[^>]+href="([^"]+)"', body)
    for blob in re.findall(r'<script type="application/json" class="scrubber-stops">(.*?)</script>',
                           body, re.S):
        urls += [stop[2] for stop in json.loads(blob)]
    return [u for u in urls if u.startswith("/images/")]


def image_size(data: bytes) -> tuple[int, int]:
    with PILImage.open(io.BytesIO(data)) as image:
        return image.size


@pytest.fixture
def tl(data_dir):
    return timelapse()


def test_pages_never_load_a_full_size_frame(client, tl):
    frames = plant_frames(tl, 3, size=(1600, 900))
    pages = {"/": 1, f"/timelapses/{tl.id}": 3, f"/timelapses/{tl.id}/gallery": 3,
             f"/timelapses/{tl.id}/scrubber": 3, f"/cameras/{tl.camera_id}/card": 1,
             f"/images/{frames[1].id}": 3}
    for url, at_least in pages.items():
        body = html(client.get(url, htmx=url.endswith(("gallery", "scrubber"))))
        loaded = loaded_pictures(body)
        assert len(loaded) >= at_least, url
        assert not [u for u in loaded if "/file" in u], url
        assert all(re.fullmatch(r"/images/\d+/(thumb|small)\?v=[0-9a-f]{8}", u) for u in loaded)
    viewer = html(client.get(f"/images/{frames[1].id}"))
    assert f'<img src="/images/{frames[1].id}/small?v=' in viewer
    assert f'href="/images/{frames[1].id}/file"' in viewer  # full size: a link, on request
    assert all("/thumb" in u for u in loaded_pictures(html(client.get(f"/timelapses/{tl.id}"))))


def test_a_versioned_variant_is_cached_for_a_year_and_revalidates_by_etag(client, tl):
    frame = plant_frames(tl, 1)[0]
    url = re.search(r'src="(/images/\d+/thumb\?v=\w+)"', html(client.get("/"))).group(1)
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert response.data == storage.media_path(frame.thumb_path).read_bytes()
    cache = response.headers["Cache-Control"]
    assert "max-age=31536000" in cache and "immutable" in cache and "private" in cache
    again = client.client.get(url, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    stale = client.get(f"/images/{frame.id}/thumb?v=00000000")  # a name it no longer has
    assert "no-cache" in stale.headers["Cache-Control"] and "ETag" in stale.headers


def test_webp_variants_are_served_as_webp(client, tl):
    thumbnail_settings.save(dataclasses.replace(thumbnail_settings.load(), format="webp"))
    frame = plant_frames(tl, 1)[0]
    response = client.get(f"/images/{frame.id}/small")
    assert response.mimetype == "image/webp" and response.data[8:12] == b"WEBP"


def test_a_missing_variant_is_made_on_the_fly_never_replaced_by_the_frame(client, tl):
    frame = plant_frames(tl, 1, size=(1600, 900))[0]
    storage.media_path(frame.small_path).unlink()
    response = client.get(f"/images/{frame.id}/small")
    assert response.status_code == 200 and image_size(response.data) == (1280, 720)
    assert "max-age=3600" in response.headers["Cache-Control"]
    Image.update(thumb_path="").where(Image.id == frame.id).execute()  # pruned / never made
    assert image_size(client.get(f"/images/{frame.id}/thumb").data) == (320, 180)
    storage.media_path(frame.path).unlink()
    assert client.get(f"/images/{frame.id}/small").status_code == 404


def test_the_scrubber_spreads_its_stops_over_the_whole_timelapse(client, tl, monkeypatch):
    monkeypatch.setattr(views, "SCRUB_STOPS", 3)
    frames = plant_frames(tl, 10)
    body = html(client.get(f"/timelapses/{tl.id}/scrubber", htmx=True))
    assert "<html" not in body and "data-scrubber" in body
    blob = re.search(r'class="scrubber-stops">(.*?)</script>', body, re.S).group(1)
    stops = json.loads(blob)
    assert [s[0] for s in stops] == [frames[i].id for i in (0, 4, 8, 9)]
    assert [s[3] for s in stops] == [1, 5, 9, 10]
    assert stops[0][1] == "2026-05-01 08:00:00"
    assert all(s[2].startswith(f"/images/{s[0]}/thumb?v=") for s in stops)
    assert "all 10 frames" in body and f'max="{len(stops) - 1}"' in body
    assert "<html" in html(client.get(f"/timelapses/{tl.id}/scrubber"))  # a page of its own


def test_the_scrubber_costs_the_same_queries_for_any_number_of_frames(client, tl):
    plant_frames(tl, 3, variants=False)
    with count_queries() as few:
        client.get(f"/timelapses/{tl.id}/scrubber", htmx=True)
    plant_frames(tl, 30, variants=False, start=3)
    with count_queries() as many:
        body = html(client.get(f"/timelapses/{tl.id}/scrubber", htmx=True))
    assert few["n"] == many["n"] and "all 33 frames" in body


def test_the_timelapse_page_loads_its_scrubber_by_itself(client, tl):
    body = html(client.get(f"/timelapses/{tl.id}"))
    assert f'hx-get="/timelapses/{tl.id}/scrubber" hx-trigger="load"' in body
    assert "js/scrubber.js" in body
    assert "No frames to skim yet" in html(client.get(f"/timelapses/{tl.id}/scrubber", htmx=True))


def test_the_settings_page_shows_the_current_settings(client):
    body = html(client.get("/settings/thumbnails"))
    assert 'name="thumb_width" type="number"' in body and 'value="320"' in body
    assert '<option value="jpeg" selected>' in body
    assert 'name="keep_small_completed" checked' in body
    assert "/settings/thumbnails" in html(client.get("/settings"))


def test_saved_settings_apply_to_the_next_capture(client, tl):
    response = client.post("/settings/thumbnails", {
        "thumb_width": "200", "small_width": "640", "format": "webp", "thumb_quality": "70",
        "small_quality": "75", "keep_small_completed": "on"})
    assert response.status_code == 302
    expected = thumbnail_settings.ThumbnailSettings(200, 640, "webp", 70, 75)
    assert thumbnail_settings.load() == expected
    assert "regenerate" in html(client.get("/settings/thumbnails"))  # the flash says how
    now = dt.datetime.now(dt.UTC)
    tl.anchor_at = tl.started_at = now
    tl.generation = 1
    tl.save()
    capture.capture.call_local(tl.id, now.isoformat(), 1, 0)
    image = Image.get(Image.timelapse == tl.id)
    assert image.thumb_path.endswith(".w200q70.webp") and image.small_path.endswith(".w640q75.webp")
    assert image_size(storage.media_path(image.small_path).read_bytes()) == (640, 360)


@pytest.mark.parametrize("field, value, message", [
    ("thumb_width", "abc", "whole number from 64 to 1024"),
    ("thumb_width", "10", "whole number from 64 to 1024"),
    ("small_quality", "100", "from 30 to 95"),
    ("format", "gif", "JPEG or WebP"),
    ("small_width", "320", "at least as wide as the thumbnail"),
])
def test_bad_settings_are_refused_and_nothing_changes(client, field, value, message):
    form = {"thumb_width": "400", "small_width": "1280", "format": "jpeg",
            "thumb_quality": "75", "small_quality": "80", field: value}
    response = client.post("/settings/thumbnails", form)
    assert response.status_code == 400
    assert message in html(response) and 'aria-invalid="true"' in html(response)
    assert Setting.get_value(thumbnail_settings.KEY) is None


def test_not_keeping_small_images_any_more_removes_those_of_completed_timelapses(client):
    done = timelapse("Done", status="completed")
    frame = plant_frames(done, 1)[0]
    form = {"thumb_width": "320", "small_width": "1280", "format": "jpeg",
            "thumb_quality": "75", "small_quality": "80"}  # the box unticked
    client.post("/settings/thumbnails", form)
    assert Image.get_by_id(frame.id).small_path == ""
    assert "being removed" in html(client.get("/settings/thumbnails"))


def test_a_maintenance_button_answers_with_the_job_fragment(client, tl):
    plant_frames(tl, 2)
    body = html(client.post("/thumbnails/verify", {"timelapse_id": str(tl.id)}, htmx=True))
    job = Job.get(Job.kind == "thumbnails_verify")
    assert "<html" not in body and f'id="thumb-tools-{tl.id}"' in body
    assert f'id="job-{job.id}"' in body and "Checked 2 frames" in body
    response = client.post("/thumbnails/regenerate", {"force": "on"})
    assert response.status_code == 302 and response.headers["Location"] == "/settings/thumbnails"
    assert Job.get(Job.kind == "thumbnails_regenerate").result["made"] == 2


def test_a_busy_maintenance_job_is_reported_in_the_fragment(client, tl):
    Job.create(kind="thumbnails_regenerate", status="running")
    body = html(client.post("/thumbnails/repair", {"timelapse_id": str(tl.id)}, htmx=True))
    assert "still at work" in body and 'role="alert"' in body
    assert not Job.select().where(Job.kind == "thumbnails_repair").exists()


def test_bad_maintenance_requests_are_refused(client, tl):
    assert client.post("/thumbnails/verify", {"timelapse_id": "x"}).status_code == 400
    assert client.post("/thumbnails/verify", {"timelapse_id": "999"}).status_code == 404
    assert client.post("/thumbnails/everything").status_code == 404
    assert client.get("/timelapses/999/scrubber").status_code == 404
    assert client.get("/thumbnails/orphans/999").status_code == 404
    assert not Job.select().exists()


def test_orphans_are_reviewed_then_deleted_on_confirmation(client, tl):
    plant_frames(tl, 1)
    orphan = storage.media_path(f"timelapses/{tl.id}/small/2026-04-01/000000.w1280q80.jpg")
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"no row knows me")
    age(orphan)
    body = html(client.post("/thumbnails/verify", {"timelapse_id": str(tl.id)}, htmx=True))
    listing = Job.get(Job.kind == "thumbnails_verify")
    assert f"/thumbnails/orphans/{listing.id}" in body and "1 file (15 B)" in body
    review = html(client.get(f"/thumbnails/orphans/{listing.id}"))
    assert "000000.w1280q80.jpg" in review and orphan.exists()  # looking deletes nothing
    response = client.post(f"/thumbnails/orphans/{listing.id}")
    assert response.headers["Location"] == f"/timelapses/{tl.id}/thumbnails"
    assert not orphan.exists()
    assert Job.get(Job.kind == "thumbnails_delete_orphans").result["deleted"] == 1
    assert "Deleted 1 orphan files" in html(client.get(f"/timelapses/{tl.id}/thumbnails"))


def test_a_failed_item_is_listed_with_its_frame(client, tl):
    frames = plant_frames(tl, 2)
    storage.media_path(frames[0].path).write_bytes(b"not a jpeg")
    client.post("/thumbnails/regenerate", {"timelapse_id": str(tl.id), "force": "on"})
    job = Job.get(Job.kind == "thumbnails_regenerate")
    body = html(client.get(f"/jobs/{job.id}"))
    assert "1 frame could not be read" in body and f'href="/images/{frames[0].id}"' in body
    assert "not an image" in body
