"""Video pages: the panel on the timelapse page, render now or with options, the library,
the player with range requests, rename, delete, render again, and the settings pages."""
from __future__ import annotations

import pytest

from models import Job, RenderRule, Setting, Video
from tasks import schedule, storage
from tasks import videos as video_tasks
from tests.webapp.views import html, make_frames, make_timelapse

FIELDS = {"codec": "h264", "quality": "medium", "resolution": "source", "width": "",
          "speed": "ultrafast", "fps_mode": "fixed", "fps": "5", "duration": "30",
          "min_fps": "5", "max_fps": "60", "date_from": "", "date_to": "", "time_from": "",
          "time_to": "", "every_nth": "1", "preview": "on", "incremental": "on",
          "skip_flagged": "on", "overlays": "on"}  # the form as a browser sends it


@pytest.fixture
def tl(demo_camera):
    tl = make_timelapse(demo_camera, status="completed")
    make_frames(tl, 10)
    return tl


@pytest.fixture
def video(tl):
    job = schedule.request_render(tl.id, {"fps": 5, "speed": "ultrafast"}, name="Spring")
    return Video.get_by_id(Job.get_by_id(job.id).result["video_id"])


def test_the_timelapse_page_loads_its_video_panel(client, tl):
    body = html(client.get(f"/timelapses/{tl.id}"))
    assert f'hx-get="/timelapses/{tl.id}/videos/panel"' in body


def test_render_now_from_the_panel_answers_with_the_panel(client, tl):
    response = client.post(f"/timelapses/{tl.id}/videos", htmx=True)
    body = html(response)
    video = Video.get()
    assert response.status_code == 200 and f'id="video-panel-{tl.id}"' in body
    assert f"/videos/{video.id}" in body and video.trigger == "manual"


def test_render_now_without_frames_says_why(client, demo_camera):
    empty = make_timelapse(demo_camera, status="completed", name="Empty")
    body = html(client.post(f"/timelapses/{empty.id}/videos", htmx=True))
    assert "no frames to render yet" in body and Job.select().count() == 0


def test_the_options_form_starts_from_the_timelapse_settings(client, tl):
    schedule.set_render_rule(tl.id, {"settings": {"fps": 12}})
    body = html(client.get(f"/timelapses/{tl.id}/videos/new"))
    assert 'name="fps" type="number" step="any" min="1" max="120" value="12"' in body


def test_bad_options_are_shown_with_the_input_and_nothing_is_rendered(client, tl):
    response = client.post(f"/timelapses/{tl.id}/videos", {**FIELDS, "fps": "0",
                                                           "time_from": "11:00"})
    body = html(response)
    assert response.status_code == 400
    assert "must be between 1 and 120" in body and "give both ends" in body
    assert 'value="11:00"' in body and Job.select().count() == 0


def test_chosen_options_go_to_the_render(client, tl):
    response = client.post(f"/timelapses/{tl.id}/videos", {**FIELDS, "fps": "2",
                                                           "name": "Slow one"})
    job = Job.get()
    assert response.headers["Location"] == f"/jobs/{job.id}"
    video = Video.get()
    assert (video.name, video.fps, video.duration) == ("Slow one", 2, 5)
    assert job.params["settings"] == {"fps": 2.0, "speed": "ultrafast"}  # only the changes
    assert "Watch the video" in html(client.get(f"/jobs/{job.id}"))


def test_the_library_lists_videos_newest_first_and_pages_by_key(client, tl, video):
    body = html(client.get("/videos"))
    assert "Spring" in body and f"/videos/{video.id}/preview" in body
    assert "No older videos" in html(client.get(f"/videos?before={video.id}"))
    assert client.get("/videos?before=abc").status_code == 400
    assert "Spring" in html(client.get(f"/timelapses/{tl.id}/videos"))


def test_the_video_page_has_a_player_and_says_how_it_was_made(client, video):
    body = html(client.get(f"/videos/{video.id}"))
    assert f'<source src="/videos/{video.id}/file" type="video/mp4">' in body
    assert f'poster="/videos/{video.id}/poster"' in body
    assert "Requested by hand" in body and "5 fps" in body and "10" in body


def test_the_file_answers_range_requests_so_players_can_seek(client, video):
    whole = client.get(f"/videos/{video.id}/file")
    part = client.client.get(f"/videos/{video.id}/file", headers={"Range": "bytes=0-99"})
    assert whole.status_code == 200 and whole.headers["Accept-Ranges"] == "bytes"
    assert part.status_code == 206 and len(part.data) == 100
    assert part.headers["Content-Range"] == f"bytes 0-99/{video.bytes}"
    download = client.get(f"/videos/{video.id}/file?download=1")
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert 'filename=Spring.mp4' in download.headers["Content-Disposition"]


def test_a_missing_video_is_a_404(client):
    assert client.get("/videos/999").status_code == 404
    assert client.get("/videos/999/file").status_code == 404


def test_rename_checks_the_name(client, video):
    bad = client.post(f"/videos/{video.id}/rename", {"name": "  "})
    assert bad.status_code == 400 and "must not be empty" in html(bad)
    client.post(f"/videos/{video.id}/rename", {"name": "Summer"})
    assert Video.get_by_id(video.id).name == "Summer"


def test_delete_asks_then_removes_the_row_and_the_files(client, video):
    assert "Delete video?" in html(client.get(f"/videos/{video.id}/delete"))
    response = client.post(f"/videos/{video.id}/delete")
    assert response.status_code == 302
    assert Video.select().count() == 0
    assert not storage.media_path(video.path).exists()


def test_render_again_reuses_the_settings(client, video):
    response = client.post(f"/videos/{video.id}/again")
    again = Video.select().order_by(Video.id.desc()).get()
    assert response.status_code == 302 and again.id != video.id
    assert again.settings == video.settings and "Again with the settings" in again.reason


def test_the_panel_shows_a_render_in_flight_and_polls(client, tl):
    job = Job.create(kind="render", timelapse=tl, status="running", progress=40,
                     message="Encoding: frame 4 of 10 · 31 fps · about 12 s left")
    body = html(client.get(f"/timelapses/{tl.id}/videos/panel", htmx=True))
    assert 'hx-trigger="every 1s"' in body and 'value="40.0"' in body
    assert "31 fps · about 12 s left" in body and "40% done" in body
    assert f'hx-post="/jobs/{job.id}/cancel"' in body


def test_the_video_settings_page_saves_the_automation(client, tl):
    data = {**FIELDS, "fps": "12", "scheduled": "daily", "scheduled_time": "03:00",
            "scheduled_weekday": "0", "every_frames": "100", "min_gap_minutes": "15",
            "replace_automatic": "on"}
    response = client.post(f"/timelapses/{tl.id}/videos/settings", data)
    assert response.status_code == 302
    rule = RenderRule.get()
    assert (rule.scheduled, rule.scheduled_time, rule.every_frames) == ("daily", "03:00", 100)
    assert rule.settings == {"fps": 12.0, "speed": "ultrafast"}
    assert rule.next_render_at is None  # a completed timelapse gets no more scheduled renders
    assert 'value="12"' in html(client.get(f"/timelapses/{tl.id}/videos/settings"))


def test_bad_automation_is_refused_with_the_reason(client, tl):
    data = {**FIELDS, "scheduled": "daily", "scheduled_time": "", "min_gap_minutes": "0"}
    response = client.post(f"/timelapses/{tl.id}/videos/settings", data)
    body = html(response)
    assert response.status_code == 400 and "is needed for a daily or weekly render" in body
    assert "must be between 1 and 10080" in body and RenderRule.select().count() == 0


def test_the_global_defaults_keep_only_what_differs(client):
    assert 'name="codec"' in html(client.get("/settings/video"))
    response = client.post("/settings/video", {**FIELDS, "codec": "vp9", "fps": "25",
                                               "speed": "veryfast"})
    assert response.status_code == 302
    assert Setting.get_value(video_tasks.DEFAULTS_KEY) == {"codec": "vp9"}
    bad = client.post("/settings/video", {**FIELDS, "resolution": "width", "width": ""})
    assert bad.status_code == 400 and "is needed when the resolution is a width" in html(bad)
