"""Timelapse pages: start, one active per camera, edit, pause/resume/stop, delete."""
from __future__ import annotations

import datetime as dt

import pytest

import settings
from models import Camera, Timelapse
from tasks import storage
from tests.webapp.views import html, make_frames, make_timelapse


def form(camera: Camera, **changes) -> dict:
    data = {"camera_id": str(camera.id), "name": "Clouds", "interval_seconds": "5",
            "windows": "", "days": [str(d) for d in range(7)], "stop_at": "",
            "stop_after_frames": "", "stop_after_days": ""}
    data.update(changes)
    return data


def test_the_new_form_preselects_the_camera_and_offers_presets(client, demo_camera):
    body = html(client.get(f"/timelapses/new?camera_id={demo_camera.id}"))
    assert f'<option value="{demo_camera.id}" selected>' in body
    assert 'data-interval="300"' in body
    assert 'name="sun_mode"' not in body  # no location configured


def test_daylight_is_offered_when_a_location_is_configured(client, demo_camera):
    settings.configure(latitude=52.5, longitude=13.4)
    assert 'name="sun_mode"' in html(client.get("/timelapses/new"))


def test_starting_a_timelapse_runs_it_with_a_next_capture(client, demo_camera):
    response = client.post("/timelapses/new", form(demo_camera))
    tl = Timelapse.get()
    assert response.status_code == 302
    assert response.headers["Location"] == f"/timelapses/{tl.id}"
    assert tl.status == "running"
    assert tl.interval_seconds == 5
    assert tl.next_capture_at is not None and tl.started_at is not None
    body = html(client.get(f"/timelapses/{tl.id}"))
    assert "Next capture" in body and "data-countdown" in body
    assert "No frames yet" in body


def test_it_saves_the_capture_rules(client, demo_camera):
    client.post("/timelapses/new", form(demo_camera, windows="08:00-18:00, 22:00-02:00",
                                        days=["0", "2"], stop_after_frames="100",
                                        stop_at="2099-03-14T12:00"))
    tl = Timelapse.get()
    assert tl.windows == ["08:00-18:00", "22:00-02:00"]
    assert tl.days == "02"
    assert tl.stop_after_frames == 100
    assert tl.stop_at == dt.datetime(2099, 3, 14, 12, 0, tzinfo=dt.UTC)


def test_a_second_active_timelapse_on_a_camera_is_a_form_error(client, demo_camera):
    make_timelapse(demo_camera, name="First")
    response = client.post("/timelapses/new", form(demo_camera))
    body = html(response)
    assert response.status_code == 400
    assert "already has a timelapse running or paused" in body
    assert "“First”" in body
    assert Timelapse.select().count() == 1


@pytest.mark.parametrize("changes, message", [
    ({"interval_seconds": "2"}, "between 5 and 86400"),
    ({"interval_seconds": "often"}, "must be a whole number"),
    ({"days": []}, "at least one weekday"),
    ({"windows": "8 to 6"}, "must look like 08:00-18:00"),
    ({"stop_at": "tomorrow"}, "must be a date and time"),
    ({"camera_id": "999"}, "no camera has this id"),
    ({"sun_mode": "daylight"}, "needs TL_LATITUDE"),
])
def test_bad_input_redisplays_the_form(client, demo_camera, changes, message):
    response = client.post("/timelapses/new", form(demo_camera, **changes))
    assert response.status_code == 400
    assert message in html(response)
    assert Timelapse.select().count() == 0


def test_editing_the_timing_replans_the_captures(client, demo_camera):
    client.post("/timelapses/new", form(demo_camera))
    before = Timelapse.get()
    response = client.post(f"/timelapses/{before.id}/edit",
                           form(demo_camera, name="Slow clouds", interval_seconds="60"))
    after = Timelapse.get_by_id(before.id)
    assert response.status_code == 302
    assert (after.name, after.interval_seconds) == ("Slow clouds", 60)
    assert after.generation == before.generation + 1  # queued captures of the old plan quit
    assert after.next_capture_at is not None


def test_renaming_does_not_replan(client, demo_camera):
    client.post("/timelapses/new", form(demo_camera))
    before = Timelapse.get()
    client.post(f"/timelapses/{before.id}/edit", form(demo_camera, name="Renamed"))
    after = Timelapse.get_by_id(before.id)
    assert after.name == "Renamed" and after.generation == before.generation


def test_the_edit_form_shows_the_saved_values(client, demo_camera):
    tl = make_timelapse(demo_camera, windows=["08:00-18:00"], days="0246", stop_after_days=3)
    body = html(client.get(f"/timelapses/{tl.id}/edit"))
    assert 'value="08:00-18:00"' in body
    assert 'value="3"' in body
    assert 'name="days" value="1" >' in body
    assert 'name="days" value="2" checked>' in body


def test_pause_resume_and_stop(client, demo_camera):
    client.post("/timelapses/new", form(demo_camera))
    tl = Timelapse.get()
    assert client.post(f"/timelapses/{tl.id}/pause").status_code == 302
    assert Timelapse.get_by_id(tl.id).status == "paused"
    assert Timelapse.get_by_id(tl.id).next_capture_at is None
    client.post(f"/timelapses/{tl.id}/resume")
    assert Timelapse.get_by_id(tl.id).status == "running"
    assert Timelapse.get_by_id(tl.id).next_capture_at is not None
    response = client.post(f"/timelapses/{tl.id}/stop")
    assert response.headers["Location"] == f"/timelapses/{tl.id}"
    assert Timelapse.get_by_id(tl.id).status == "completed"


def test_a_refused_change_is_explained(client, demo_camera):
    tl = make_timelapse(demo_camera, status="completed")
    client.post(f"/timelapses/{tl.id}/pause")
    assert "Cannot pause a timelapse that is completed" in html(client.get(f"/timelapses/{tl.id}"))
    body = html(client.post(f"/timelapses/{tl.id}/stop", htmx=True))
    assert "already completed" in body


def test_htmx_state_changes_return_the_controls_fragment(client, demo_camera):
    client.post("/timelapses/new", form(demo_camera))
    tl = Timelapse.get()
    response = client.post(f"/timelapses/{tl.id}/pause", htmx=True)
    body = html(response)
    assert response.status_code == 200
    assert "<html" not in body
    assert f'id="tl-controls-{tl.id}"' in body and "Resume" in body
    assert "hx-trigger" not in body  # paused: nothing polls
    assert 'hx-swap-oob="true"' in body  # the gallery is refreshed too
    body = html(client.post(f"/timelapses/{tl.id}/resume", htmx=True))
    assert 'hx-trigger="every 2s"' in body and "Pause" in body


def test_htmx_state_changes_from_a_card_return_the_card(client, demo_camera):
    tl = make_timelapse(demo_camera)
    body = html(client.post(f"/timelapses/{tl.id}/pause", {"fragment": "card"}, htmx=True))
    assert "<html" not in body
    assert f'id="camera-{demo_camera.id}"' in body and "Resume" in body
    body = html(client.post(f"/timelapses/{tl.id}/stop", {"fragment": "card"}, htmx=True))
    assert "Start timelapse" in body and "hx-trigger" not in body


def test_a_plain_state_change_goes_back_to_next(client, demo_camera):
    tl = make_timelapse(demo_camera)
    response = client.post(f"/timelapses/{tl.id}/pause", {"next": "/"})
    assert response.headers["Location"] == "/"
    response = client.post(f"/timelapses/{tl.id}/resume", {"next": "//evil.example/"})
    assert response.headers["Location"] == f"/timelapses/{tl.id}"


def test_deleting_a_timelapse_removes_its_files(client, demo_camera):
    tl = make_timelapse(demo_camera)
    frames = make_frames(tl, 3)
    assert "all its 3 frames" in html(client.get(f"/timelapses/{tl.id}/delete"))
    response = client.post(f"/timelapses/{tl.id}/delete")
    assert response.status_code == 302
    assert Timelapse.select().count() == 0
    assert not storage.media_path(frames[0].path).exists()
    assert not storage.media_path(frames[0].thumb_path).exists()
    assert not storage.media_path(f"timelapses/{tl.id}").exists()
    assert Camera.select().count() == 1


def test_unknown_timelapses_are_404(client):
    for url in ("/timelapses/999", "/timelapses/999/edit", "/timelapses/999/gallery",
                "/timelapses/999/controls", "/timelapses/999/delete"):
        assert client.get(url).status_code == 404, url
    assert client.post("/timelapses/999/pause").status_code == 404


def test_the_lists_have_empty_states(client):
    assert "No timelapses yet" in html(client.get("/timelapses"))
    assert "No cameras yet" in html(client.get("/cameras"))
