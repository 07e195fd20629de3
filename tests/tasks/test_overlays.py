"""Overlays on real renders and captures: the video shows the right day number on the right
frames (decoded with OpenCV and compared with a reference drawing), overlay settings are
part of the render plan, the poster carries the overlay, and burn-in draws on saved frames."""
import dataclasses
import datetime as dt
from fractions import Fraction

import cv2
import numpy as np
import pytest

from models import Image, Job, Timelapse, Video
from pipelines.overlays import FrameInfo, clean_config
from pipelines.process import ffmpeg_path, run
from pipelines.video import RenderSettings
from pipelines.video.plan import EncodePlan
from tasks import overlays as overlay_tasks
from tasks import schedule, storage
from tasks.capture import capture
from tests.fixtures.video_frames import T0, plant

DAY_ONLY, _ = clean_config({"items": [{"kind": "day", "position": "top-left"}],
                            "style": {"size": 12, "background_opacity": 100, "shadow": False}})


@pytest.fixture
def tl(demo_camera):
    return Timelapse.create(camera=demo_camera, name="Garden", interval_seconds=60,
                            status="completed", started_at=T0, overlay=DAY_ONLY)


def decoded(path, width: int, height: int) -> list[np.ndarray]:
    """Every frame of the video, decoded by ffmpeg into BGR arrays."""
    raw = run([ffmpeg_path(), "-v", "error", "-i", str(path), "-f", "rawvideo",
               "-pix_fmt", "bgr24", "pipe:1"], timeout=60).stdout
    return list(np.frombuffer(raw, np.uint8).reshape(-1, height, width, 3))


def region_error(tl, video_frame, image, day) -> float:
    """Mean difference in the overlay's box between the video frame and a reference: the
    frame file with the day-number overlay drawn by the painter."""
    painter = overlay_tasks.painter(tl, DAY_ONLY)
    reference = cv2.imread(str(storage.media_path(image.path)))
    info = FrameInfo(image.captured_at, 1, day, None)
    painter.paint(reference, info)
    (x, y), tile = painter.placed(reference.shape[1], reference.shape[0], info)[0]
    box = (slice(y, y + tile.height), slice(x, x + tile.width))
    return float(np.abs(video_frame[box].astype(int) - reference[box].astype(int)).mean())


def test_the_video_shows_each_frame_s_day_number(tl):
    rows = plant(tl, 6, size=(320, 240), step=dt.timedelta(hours=6))  # days 1, 1, 1, 1, 2, 2
    for row in rows:
        Image.update(day_number=(row.captured_at.date() - T0.date()).days + 1).where(
            Image.id == row.id).execute()
    job = schedule.request_render(tl.id, {"fps": 6, "speed": "ultrafast", "quality": "high"})
    job = Job.get_by_id(job.id)
    assert job.status == "done", job.error
    video = Video.get_by_id(job.result["video_id"])
    assert video.settings["overlay"]["items"][0]["kind"] == "day"
    frames = decoded(storage.media_path(video.path), 320, 240)
    assert len(frames) == 6
    images = list(Image.select().where(Image.timelapse == tl.id).order_by(Image.slot_at))
    for frame, image in zip(frames, images, strict=True):
        right = region_error(tl, frame, image, image.day_number)
        wrong = region_error(tl, frame, image, 3 - image.day_number)
        assert right < 6 and wrong > 2 * right, (image.day_number, right, wrong)


def test_the_poster_carries_the_overlay_and_a_render_without_it_does_not(tl):
    plant(tl, 3, size=(320, 240))
    with_overlay = Job.get_by_id(schedule.request_render(tl.id, {"speed": "ultrafast"}).id)
    without = Job.get_by_id(schedule.request_render(
        tl.id, {"speed": "ultrafast", "overlays": False}).id)
    posters = [cv2.imread(str(storage.media_path(
        Video.get_by_id(job.result["video_id"]).poster_path))) for job in (with_overlay, without)]
    painter = overlay_tasks.painter(tl, DAY_ONLY)
    (x, y), tile = painter.placed(320, 240, FrameInfo(T0, 1, 1, None))[0]
    box = (slice(y, y + tile.height), slice(x, x + tile.width))
    assert np.abs(posters[0][box].astype(int) - posters[1][box].astype(int)).mean() > 20
    assert Video.get_by_id(without.result["video_id"]).settings["overlay"] is None


def test_an_overlay_is_part_of_the_render_plan():
    plan = EncodePlan.build(RenderSettings(), Fraction(25), 320, 240, fit=False)
    drawn = dataclasses.replace(plan, overlay="abc")
    assert plan.signature("ffmpeg") != drawn.signature("ffmpeg")
    assert drawn.signature("ffmpeg") != dataclasses.replace(plan, overlay="abd").signature(
        "ffmpeg")


def test_changing_the_overlay_changes_its_fingerprint(tl):
    before = overlay_tasks.fingerprint(tl, DAY_ONLY)
    other = {**DAY_ONLY, "style": {**DAY_ONLY["style"], "color": "#ff0000"}}
    assert overlay_tasks.fingerprint(tl, other) != before
    tl.name = "Renamed"  # the name may be drawn: it counts too
    assert overlay_tasks.fingerprint(tl, DAY_ONLY) != before


def test_burn_in_draws_the_overlay_into_saved_frames(demo_camera):
    white, _ = clean_config({"items": [{"kind": "text", "position": "top-left",
                                        "format": "MMMM"}],
                             "style": {"size": 20, "color": "#ffffff", "background": "#ffffff",
                                       "background_opacity": 100, "shadow": False}})
    tl = Timelapse.create(camera=demo_camera, name="Burn", interval_seconds=60,
                          overlay=white, overlay_burn_in=True)
    schedule.start_timelapse(tl.id)
    tl = Timelapse.get_by_id(tl.id)
    capture(tl.id, tl.anchor_at.isoformat(), tl.generation)
    image = Image.get(Image.timelapse == tl.id)
    saved = cv2.imread(str(storage.media_path(image.path)))
    h = saved.shape[0]
    corner = saved[round(h * 0.1):round(h * 0.2), round(h * 0.1):round(h * 0.3)]
    assert corner.min() > 200  # the white box, burned in
