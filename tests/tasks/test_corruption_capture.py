"""Corruption detection inside the real capture flow: a local HTTP camera (the real wire
format) sends real photographs or broken frames; take_frame scores the frame it decoded,
a corrupt one goes to the quarantine without an Image row and is re-captured, a suspect
one is kept and flagged."""
import datetime as dt
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

from models import Camera, CorruptionEvaluation, Image, Timelapse
from pipelines.capture import Transform, take_frame
from pipelines.corruption import FrameCheck
from pipelines.thumbnails import Target, VariantSpec
from tasks import capture, storage
from tests.pipelines.corruption.samples import bottom_band, jpeg, noisy, scenes

SIZE = (480, 270)


class Frames(ThreadingHTTPServer):
    """Serves /frame.jpg: the next queued JPEG, and the last one again once the queue ends."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.queue: list[bytes] = []
        self.last = b""

    def serve(self, *frames: bytes) -> None:
        self.queue = list(frames)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/frame.jpg"


class Handler(BaseHTTPRequestHandler):
    server: Frames

    def log_message(self, format, *args):  # keep test output quiet
        pass

    def do_GET(self):  # noqa: N802 - the stdlib's name
        if self.server.queue:
            self.server.last = self.server.queue.pop(0)
        body = self.server.last
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def camera_server():
    server = Frames()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def frames():
    scene = scenes(SIZE)["motorcycle"]
    return {"good": [jpeg(noisy(scene, k)) for k in range(4)],
            "band": jpeg(bottom_band((128, 128, 128), 0.6)(noisy(scene, 9))),
            "smaller": jpeg(noisy(scene, 10)[:200, :400])}


@pytest.fixture
def tl(data_dir, camera_server):
    camera = Camera.create(name="Yard", url=camera_server.url)
    now = dt.datetime.now(dt.UTC)
    return Timelapse.create(camera=camera, name="TL", interval_seconds=60, status="running",
                            started_at=now, anchor_at=now, generation=1)


def run(tl, slot, attempt=0):
    capture.capture.call_local(tl.id, slot.isoformat(), tl.generation, attempt)


def test_take_frame_writes_a_corrupt_frame_to_the_quarantine_only(tmp_path, camera_server,
                                                                   frames):
    camera_server.serve(frames["band"])
    dest, thumb, quarantine = tmp_path / "f.jpg", tmp_path / "t.jpg", tmp_path / "q" / "x.jpg"
    result = take_frame(camera_server.url, Transform(), dest, [Target(VariantSpec(160), thumb)],
                        quality=85, timeout=5, check=FrameCheck(), quarantine=quarantine)
    assert not result.kept and result.evaluation.corrupt
    assert [c.name for c in result.evaluation.failed] == ["band"]
    assert quarantine.read_bytes()[:2] == b"\xff\xd8"
    assert not dest.exists() and not thumb.exists() and result.variants == ()


def test_take_frame_scores_a_good_frame_and_keeps_it(tmp_path, camera_server, frames):
    camera_server.serve(frames["good"][0])
    result = take_frame(camera_server.url, Transform(rotation=90), tmp_path / "f.jpg",
                        [Target(VariantSpec(160), tmp_path / "t.jpg")], quality=85, timeout=5,
                        check=FrameCheck(heavy=True), quarantine=tmp_path / "q.jpg")
    assert result.kept and result.evaluation.score == 100
    assert result.evaluation.stats.width == SIZE[1]  # scored after the transform
    assert result.evaluation.heavy_ms is not None
    assert (tmp_path / "f.jpg").exists() and not (tmp_path / "q.jpg").exists()


def test_a_corrupt_frame_gets_no_row_is_quarantined_and_recaptured(tl, camera_server, frames,
                                                                  empty_queue):
    slot = dt.datetime.now(dt.UTC).replace(microsecond=0)
    camera_server.serve(frames["band"], frames["good"][0])
    run(tl, slot)
    assert Image.select().count() == 0
    row = CorruptionEvaluation.get()
    assert (row.action, row.attempt, row.image_id) == ("discard", 0, None)
    assert storage.media_path(row.quarantine_path).is_file()
    assert not list(storage.media_path(f"timelapses/{tl.id}").rglob("*.jpg"))
    retries = [task.args for task in empty_queue.scheduled() if task.name.endswith("capture")]
    assert retries == [(tl.id, slot.isoformat(), tl.generation, 1)]
    run(tl, slot, attempt=1)  # the scheduled re-capture, run by hand (immediate mode)
    image = Image.get()
    assert (image.slot_at, image.corruption_score, image.flagged) == (slot, 100, False)
    assert [r.action for r in CorruptionEvaluation.select().order_by(CorruptionEvaluation.id)
            ] == ["discard", "keep"]
    assert CorruptionEvaluation.get(CorruptionEvaluation.action == "keep").image_id == image.id
    assert Timelapse.get_by_id(tl.id).frame_count == 1


def test_a_repeated_frame_is_discarded_as_a_frozen_stream(tl, camera_server, frames):
    slot = dt.datetime.now(dt.UTC).replace(microsecond=0)
    camera_server.serve(frames["good"][1], frames["good"][1])
    run(tl, slot - dt.timedelta(seconds=10))
    run(tl, slot)
    latest = CorruptionEvaluation.select().order_by(CorruptionEvaluation.id.desc()).get()
    assert latest.action == "discard" and latest.failed[0]["name"] == "frozen"
    assert Image.select().count() == 1


def test_a_suspect_frame_is_kept_flagged_with_its_score(tl, camera_server, frames):
    slot = dt.datetime.now(dt.UTC).replace(microsecond=0)
    camera_server.serve(frames["good"][2], frames["smaller"])
    run(tl, slot - dt.timedelta(seconds=10))
    run(tl, slot)
    image = Image.get(Image.slot_at == slot)
    assert image.flagged and image.corruption_score == 75
    assert storage.media_path(image.path).is_file()


def test_with_detection_switched_off_frames_are_kept_unscored(tl, camera_server, frames):
    from tasks import corruption_settings as cs
    Camera.update(corruption={**cs.defaults(cs.PER_CAMERA), "enabled": False}).where(
        Camera.id == tl.camera_id).execute()
    camera_server.serve(frames["band"])
    run(tl, dt.datetime.now(dt.UTC).replace(microsecond=0))
    image = Image.get()
    assert (image.corruption_score, image.flagged) == (None, False)
    assert CorruptionEvaluation.select().count() == 0


def test_the_camera_history_follows_the_frames_it_sent(tl, camera_server, frames):
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    camera_server.serve(*frames["good"][:3])
    for n in range(3):
        run(tl, now - dt.timedelta(seconds=8 * (3 - n)))  # within the late limit
    history = Camera.get_by_id(tl.camera_id).corruption_history
    assert len(history["recent"]) == 3 and history["previous"] == history["recent"][0]
    assert np.isclose(history["recent"][0]["width"], SIZE[0])
