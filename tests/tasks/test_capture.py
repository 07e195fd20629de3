"""The capture task on real sources: the demo camera and a refused port."""
import datetime as dt

import pytest

from models import Camera, Event, Image, Timelapse
from tasks import capture, schedule, storage


@pytest.fixture
def running(data_dir):
    camera = Camera.create(name="Demo", url="demo://", rotation=90)
    tl = Timelapse.create(camera=camera, name="TL", interval_seconds=5)
    now = dt.datetime.now(dt.UTC)
    Timelapse.update(status="running", anchor_at=now, started_at=now,
                     generation=1).where(Timelapse.id == tl.id).execute()
    return Timelapse.get_by_id(tl.id), now


def run_capture(tl, slot, attempt=0):
    capture.capture.call_local(tl.id, slot.isoformat(), tl.generation, attempt)


def test_a_capture_writes_the_frame_its_thumbnail_and_a_row(running):
    tl, now = running
    run_capture(tl, now)
    image = Image.get(Image.timelapse == tl.id)
    assert (image.width, image.height) == (720, 1280)  # demo 1280x720, rotated 90
    assert storage.media_path(image.path).read_bytes()[:2] == b"\xff\xd8"
    assert storage.media_path(image.thumb_path).exists()
    assert image.bytes == storage.media_path(image.path).stat().st_size
    assert image.day_number == 1 and image.slot_at == now
    assert Timelapse.get_by_id(tl.id).frame_count == 1
    assert Camera.get_by_id(tl.camera_id).status == "online"
    assert Camera.get_by_id(tl.camera_id).busy_since is None
    assert Event.select().where(Event.kind == "frame_captured").count() == 1


def test_the_same_slot_is_captured_once(running):
    tl, now = running
    run_capture(tl, now)
    run_capture(tl, now)
    assert Image.select().where(Image.timelapse == tl.id).count() == 1


def test_a_failed_grab_leaves_no_file_no_row_and_a_masked_error(running, refused_url):
    tl, now = running
    url = refused_url.replace("://", "://admin:hunter22@", 1)
    Camera.update(url=url).where(Camera.id == tl.camera_id).execute()
    run_capture(tl, now)
    camera = Camera.get_by_id(tl.camera_id)
    assert Image.select().count() == 0
    assert not list(storage.media_path("timelapses").rglob("*.jpg"))
    assert camera.failures == 1 and camera.last_error
    assert "hunter22" not in camera.last_error
    assert camera.busy_since is None
    assert all("hunter22" not in e.message for e in Event.select())


def test_a_stale_task_from_before_a_pause_does_nothing(running):
    tl, now = running
    schedule.pause_timelapse(tl.id)
    run_capture(tl, now)
    assert Image.select().count() == 0
