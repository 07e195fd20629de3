"""The render task: a Video row and its files from real frames, settings in layers,
automatic videos replacing each other, deletion with the files, failure and cancel."""
import datetime as dt

import pytest

from models import Image, Job, Setting, Timelapse, Video
from tasks import schedule, storage
from tasks import videos as video_tasks
from tests.fixtures.video_frames import T0, plant, probe

STEP = dt.timedelta(minutes=10)  # plant()'s spacing


@pytest.fixture
def tl(demo_camera):
    return Timelapse.create(camera=demo_camera, name="Garden", interval_seconds=60,
                            status="completed", started_at=T0)


def test_a_render_makes_a_video_with_its_files(tl):
    plant(tl, 12)
    job = schedule.request_render(tl.id, {"fps": 6, "speed": "ultrafast"}, name="Spring")
    job = Job.get_by_id(job.id)
    assert job.status == "done", job.error
    video = Video.get_by_id(job.result["video_id"])
    assert (video.name, video.frames, video.fps, video.duration) == ("Spring", 12, 6, 2)
    assert (video.trigger, video.reason, video.job_id) == ("manual", "Requested by hand", job.id)
    assert video.settings["fps"] == 6 and video.settings["codec"] == "h264"
    assert (video.first_frame_at, video.last_frame_at) == (T0, T0 + 11 * STEP)
    seen = probe(storage.media_path(video.path))
    assert (seen["frames"], seen["width"], seen["height"]) == (12, video.width, video.height)
    for rel in (video.path, video.poster_path, video.preview_path):
        assert rel.startswith(f"timelapses/{tl.id}/videos/") and storage.media_path(rel).is_file()


def test_settings_come_from_defaults_then_timelapse_then_request(tl):
    plant(tl, 4)
    Setting.set_value(video_tasks.DEFAULTS_KEY, {"fps": 10, "quality": "low"})
    schedule.set_render_rule(tl.id, {"settings": {"fps": 5}})
    job = schedule.request_render(tl.id, {"codec": "vp9"})
    video = Video.get_by_id(Job.get_by_id(job.id).result["video_id"])
    assert (video.fps, video.codec, video.settings["quality"]) == (5, "vp9", "low")
    assert video.path.endswith(".webm")


def automatic_render(tl, trigger="milestone"):
    job = schedule.request_render(tl.id, {"speed": "ultrafast"}, trigger, "Reached N frames")
    return Video.get_by_id(Job.get_by_id(job.id).result["video_id"])


def test_an_automatic_video_replaces_the_previous_automatic_one(tl):
    plant(tl, 4)
    schedule.set_render_rule(tl.id, {"replace_automatic": True})
    manual = Video.get_by_id(Job.get_by_id(schedule.request_render(tl.id).id).result["video_id"])
    first = automatic_render(tl)
    second = automatic_render(tl)
    assert {v.id for v in Video.select()} == {manual.id, second.id}
    assert not storage.media_path(first.path).exists()
    assert Job.select().where(Job.status == "done").order_by(Job.id.desc()).get() \
        .result["replaced"] == 1


def test_automatic_videos_are_kept_when_the_rule_says_so(tl):
    plant(tl, 4)
    schedule.set_render_rule(tl.id, {"replace_automatic": False})
    automatic_render(tl)
    automatic_render(tl)
    assert Video.select().count() == 2


def test_deleting_a_video_deletes_its_files(tl):
    plant(tl, 4)
    video = automatic_render(tl)
    files = [storage.media_path(p) for p in video.files()]
    video_tasks.delete_video(video)
    assert Video.select().count() == 0 and not any(p.exists() for p in files)


def test_deleting_the_timelapse_deletes_its_videos(tl):
    plant(tl, 4)
    video = automatic_render(tl)
    storage.delete_timelapse(tl)
    assert Video.select().count() == 0
    assert not storage.media_path(video.path).exists()


def test_a_render_that_cannot_be_made_fails_with_the_reason(tl):
    rows = plant(tl, 3)
    for row in rows:
        storage.media_path(row.path).unlink()
    job = Job.get_by_id(schedule.request_render(tl.id).id)
    assert job.status == "failed" and "No frames to render" in job.error
    assert "3 frames were skipped" in job.error and Video.select().count() == 0


def test_a_cancelled_render_leaves_no_video_and_no_file(tl):
    plant(tl, 6)
    # Cancelled while it runs: the first progress report stops it.
    job = Job.create(kind="render", timelapse=tl, params={}, cancel_requested=True)
    video_tasks.render(job.id)
    assert Job.get_by_id(job.id).status == "cancelled"
    assert Video.select().count() == 0
    assert [p for p in storage.media_path(f"timelapses/{tl.id}").rglob("*")
            if p.is_file() and "/videos/" in str(p)] == []


def test_a_timelapse_deleted_during_its_render_leaves_no_video_file(tl):
    from tasks.jobs import JobFailed
    files = {"path": "timelapses/9/videos/v.mp4", "poster_path": "timelapses/9/videos/v.jpg",
             "preview_path": ""}
    for key in ("path", "poster_path"):
        storage.media_path(files[key]).parent.mkdir(parents=True, exist_ok=True)
        storage.media_path(files[key]).write_bytes(b"x")
    gone = Timelapse(id=999, name="gone")
    with pytest.raises(JobFailed, match="deleted while it rendered"):
        video_tasks._save(gone, {**files, "name": "v", "codec": "h264", "width": 2,
                                 "height": 2, "frames": 1, "fps": 1, "duration": 1,
                                 "bytes": 1})
    assert not storage.media_path(files["path"]).exists()
    assert not storage.media_path(files["poster_path"]).exists()


@pytest.mark.skipif("flagged" not in Image._meta.fields, reason="needs the corruption flag")
def test_flagged_frames_are_left_out_unless_asked_for(tl):
    rows = plant(tl, 6)
    Image.update(flagged=True).where(Image.id.in_([rows[1].id, rows[4].id])).execute()
    skipped = Job.get_by_id(schedule.request_render(tl.id, {"speed": "ultrafast"}).id)
    kept = Job.get_by_id(schedule.request_render(tl.id, {"skip_flagged": False}).id)
    assert (skipped.result["frames"], kept.result["frames"]) == (4, 6)
