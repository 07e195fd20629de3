"""The gallery (key-paginated thumbnails), the frame viewer and the image files."""
from __future__ import annotations

import re

from tasks import storage
from tests.webapp.views import html, make_frames, make_timelapse
from webapp.views.context import GALLERY_PAGE


def image_urls(body: str) -> list[str]:
    """The pictures a page loads, without their ?v= version tokens."""
    return re.findall(r'src="(/images/[^"?]+)', body)


def test_the_gallery_pages_by_key_newest_first(client, demo_camera):
    tl = make_timelapse(demo_camera, status="completed")
    frames = make_frames(tl, GALLERY_PAGE + 5)
    body = html(client.get(f"/timelapses/{tl.id}"))
    shown = image_urls(body)
    assert len(shown) == GALLERY_PAGE
    assert shown[0] == f"/images/{frames[-1].id}/thumb"
    oldest_shown = frames[-GALLERY_PAGE].id
    assert f"?before={oldest_shown}" in body
    older = html(client.get(f"/timelapses/{tl.id}?before={oldest_shown}"))
    assert image_urls(older) == [f"/images/{f.id}/thumb" for f in reversed(frames[:5])]
    assert "?before=" not in older  # the last page
    assert "Newest" in older


def test_the_gallery_only_loads_thumbnails(client, demo_camera):
    tl = make_timelapse(demo_camera)
    make_frames(tl, 4)
    body = html(client.get(f"/timelapses/{tl.id}/gallery", htmx=True))
    assert "<html" not in body
    assert len(image_urls(body)) == 4
    assert all(url.endswith("/thumb") for url in image_urls(body))
    assert "/file" not in body


def test_the_first_page_of_a_running_timelapse_polls_for_new_frames(client, demo_camera):
    tl = make_timelapse(demo_camera)
    frames = make_frames(tl, 2)
    body = html(client.get(f"/timelapses/{tl.id}/gallery", htmx=True))
    assert f'hx-get="/timelapses/{tl.id}/gallery"' in body and 'hx-trigger="every 2s"' in body
    older = html(client.get(f"/timelapses/{tl.id}/gallery?before={frames[-1].id}", htmx=True))
    assert "hx-trigger" not in older  # an older page stays put


def test_the_gallery_of_a_stopped_timelapse_does_not_poll(client, demo_camera):
    tl = make_timelapse(demo_camera, status="completed")
    make_frames(tl, 2)
    assert "hx-trigger" not in html(client.get(f"/timelapses/{tl.id}/gallery", htmx=True))


def test_a_bad_before_key_is_400(client, demo_camera):
    tl = make_timelapse(demo_camera)
    assert client.get(f"/timelapses/{tl.id}?before=abc").status_code == 400


def test_the_viewer_links_previous_and_next(client, demo_camera):
    tl = make_timelapse(demo_camera)
    first, middle, last = make_frames(tl, 3)
    body = html(client.get(f"/images/{middle.id}"))
    assert f'src="/images/{middle.id}/small"' in body  # the small image, not the frame
    assert f'href="/images/{middle.id}/file"' in body  # full size only when asked for
    assert f'rel="prev" data-key="ArrowLeft" href="/images/{first.id}"' in body
    assert f'rel="next" data-key="ArrowRight" href="/images/{last.id}"' in body
    assert "2026-05-01 08:01:00" in body  # local time (UTC in tests)
    assert "64 × 36" in body and "day 1" in body
    assert 'rel="prev"' not in html(client.get(f"/images/{first.id}"))
    assert 'rel="next"' not in html(client.get(f"/images/{last.id}"))


def test_the_viewer_shows_times_in_the_configured_zone(client, demo_camera):
    import settings
    settings.configure(timezone="Europe/Berlin")
    frame = make_frames(make_timelapse(demo_camera), 1)[0]
    assert "2026-05-01 10:00:00" in html(client.get(f"/images/{frame.id}"))


def test_image_files_are_cached_forever_and_revalidated(client, demo_camera):
    frame = make_frames(make_timelapse(demo_camera), 1)[0]
    response = client.get(f"/images/{frame.id}/file")
    assert response.status_code == 200
    assert response.mimetype == "image/jpeg"
    assert response.data == storage.media_path(frame.path).read_bytes()
    assert "max-age=31536000" in response.headers["Cache-Control"]
    etag = response.headers["ETag"]
    again = client.client.get(f"/images/{frame.id}/file", headers={"If-None-Match": etag})
    assert again.status_code == 304
    thumb = client.get(f"/images/{frame.id}/thumb")
    assert thumb.data == storage.media_path(frame.thumb_path).read_bytes()
    assert thumb.headers["ETag"] != etag


def test_unknown_or_missing_images_are_404(client, demo_camera):
    frame = make_frames(make_timelapse(demo_camera), 1)[0]
    for url in ("/images/999", "/images/999/file", "/images/999/thumb"):
        assert client.get(url).status_code == 404, url
    storage.media_path(frame.path).unlink()
    response = client.get(f"/images/{frame.id}/file")
    assert response.status_code == 404
    assert "missing" in html(response)


def test_images_need_a_login(app, demo_camera):
    frame = make_frames(make_timelapse(demo_camera), 1)[0]
    from webapp.auth import create_user
    create_user("admin", "correct-horse")
    assert app.test_client().get(f"/images/{frame.id}/file").status_code == 302
