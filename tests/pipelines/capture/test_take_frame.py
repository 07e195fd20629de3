import cv2
import pytest

from pipelines.capture import CaptureError, FrameResult, Transform, take_frame
from pipelines.thumbnails import Target, VariantSpec

THUMB, SMALL = VariantSpec(320, "jpeg", 75), VariantSpec(1280, "jpeg", 80)


def targets(folder, name="x", thumb=THUMB, small=SMALL):
    return [Target(thumb, folder / f"{name}.thumb.jpg"),
            Target(small, folder / f"{name}.small.jpg")]


def test_it_writes_the_frame_and_its_variants(tmp_path, http_camera):
    dest = tmp_path / "f" / "0001.jpg"
    thumb = Target(THUMB, tmp_path / "t" / "0001.jpg")
    small = Target(SMALL, tmp_path / "s" / "1.jpg")
    result = take_frame(http_camera.url("/snapshot.jpg"), Transform(rotation=90), dest,
                        [thumb, small], quality=90, timeout=5)
    assert isinstance(result, FrameResult)
    assert (result.width, result.height) == (480, 640)
    assert [(v.width, v.height) for v in result.variants] == [(320, 427), (480, 640)]
    assert result.bytes == dest.stat().st_size
    assert result.grab_ms > 0
    assert cv2.imread(str(dest)).shape == (640, 480, 3)
    assert cv2.imread(str(thumb.path)).shape == (427, 320, 3)
    assert cv2.imread(str(small.path)).shape == (640, 480, 3)  # never enlarged
    assert sorted(p.name for p in tmp_path.rglob("*.jpg")) == ["0001.jpg", "0001.jpg", "1.jpg"]


def test_it_applies_aspect_and_honours_the_variant_widths(tmp_path):
    result = take_frame("demo://?width=1600&height=1200", Transform(aspect="16:9"),
                        tmp_path / "a.jpg", targets(tmp_path, "a", VariantSpec(160),
                                                    VariantSpec(800, "webp", 70)),
                        quality=80, timeout=2)
    assert (result.width, result.height) == (1600, 900)
    assert [(v.width, v.height) for v in result.variants] == [(160, 90), (800, 450)]
    assert cv2.imread(str(tmp_path / "a.thumb.jpg")).shape == (90, 160, 3)
    assert (tmp_path / "a.small.jpg").read_bytes()[8:12] == b"WEBP"


def test_higher_quality_gives_bigger_files(tmp_path):
    sizes = [take_frame("demo://", Transform(), tmp_path / f"{q}.jpg", targets(tmp_path, str(q)),
                        quality=q, timeout=2).bytes for q in (30, 95)]
    assert sizes[0] < sizes[1]


@pytest.mark.parametrize("path", ["/truncated.jpg", "/html", "/auth/snapshot.jpg"])
def test_a_failing_source_leaves_nothing_on_disk(tmp_path, http_camera, path):
    with pytest.raises(CaptureError):
        take_frame(http_camera.url(path), Transform(), tmp_path / "x.jpg", targets(tmp_path),
                   quality=85, timeout=3)
    assert list(tmp_path.iterdir()) == []


def test_a_refused_source_leaves_nothing_on_disk(tmp_path, refused_url):
    with pytest.raises(CaptureError):
        take_frame(refused_url, Transform(), tmp_path / "x.jpg", targets(tmp_path),
                   quality=85, timeout=3)
    assert list(tmp_path.iterdir()) == []


def test_a_crop_outside_the_frame_leaves_nothing_on_disk(tmp_path):
    with pytest.raises(ValueError):
        take_frame("demo://", Transform(crop=(5000, 0, 10, 10)), tmp_path / "x.jpg",
                   targets(tmp_path), quality=85, timeout=2)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_variant_write_removes_the_frame_and_the_other_variant(tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the small images' folder should be")
    with pytest.raises(OSError):
        take_frame("demo://", Transform(), tmp_path / "x.jpg",
                   [Target(THUMB, tmp_path / "t.jpg"), Target(SMALL, blocker / "s.jpg")],
                   quality=85, timeout=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["not-a-dir"]


def test_a_small_frame_is_never_enlarged_for_its_variants(tmp_path):
    result = take_frame("demo://?width=200&height=150", Transform(), tmp_path / "s.jpg",
                        targets(tmp_path, "s"), quality=80, timeout=2)
    assert [(v.width, v.height) for v in result.variants] == [(200, 150), (200, 150)]


def test_it_can_store_the_frame_alone(tmp_path):
    result = take_frame("demo://", Transform(), tmp_path / "only.jpg", [], quality=80, timeout=2)
    assert result.variants == () and [p.name for p in tmp_path.iterdir()] == ["only.jpg"]
