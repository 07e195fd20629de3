import cv2
import pytest

from pipelines.capture import CaptureError, FrameResult, Transform, take_frame


def test_it_writes_the_frame_and_its_thumbnail(tmp_path, http_camera):
    dest, thumb = tmp_path / "f" / "0001.jpg", tmp_path / "t" / "0001.jpg"
    result = take_frame(http_camera.url("/snapshot.jpg"), Transform(rotation=90), dest, thumb,
                        quality=90, timeout=5)
    assert isinstance(result, FrameResult)
    assert (result.width, result.height) == (480, 640)
    assert (result.thumb_width, result.thumb_height) == (320, 427)
    assert result.bytes == dest.stat().st_size
    assert result.grab_ms > 0
    assert cv2.imread(str(dest)).shape == (640, 480, 3)
    assert cv2.imread(str(thumb)).shape == (427, 320, 3)
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["0001.jpg", "0001.jpg", "f", "t"]


def test_it_applies_aspect_and_honours_thumb_width(tmp_path):
    dest, thumb = tmp_path / "a.jpg", tmp_path / "a_thumb.jpg"
    result = take_frame("demo://?width=800&height=600", Transform(aspect="16:9"), dest, thumb,
                        quality=80, timeout=2, thumb_width=160)
    assert (result.width, result.height) == (800, 450)
    assert (result.thumb_width, result.thumb_height) == (160, 90)
    assert cv2.imread(str(thumb)).shape == (90, 160, 3)


def test_higher_quality_gives_bigger_files(tmp_path):
    sizes = [take_frame("demo://", Transform(), tmp_path / f"{q}.jpg", tmp_path / f"{q}t.jpg",
                        quality=q, timeout=2).bytes for q in (30, 95)]
    assert sizes[0] < sizes[1]


@pytest.mark.parametrize("path", ["/truncated.jpg", "/html", "/auth/snapshot.jpg"])
def test_a_failing_source_leaves_nothing_on_disk(tmp_path, http_camera, path):
    with pytest.raises(CaptureError):
        take_frame(http_camera.url(path), Transform(), tmp_path / "x.jpg", tmp_path / "xt.jpg",
                   quality=85, timeout=3)
    assert list(tmp_path.iterdir()) == []


def test_a_refused_source_leaves_nothing_on_disk(tmp_path, refused_url):
    with pytest.raises(CaptureError):
        take_frame(refused_url, Transform(), tmp_path / "x.jpg", tmp_path / "xt.jpg",
                   quality=85, timeout=3)
    assert list(tmp_path.iterdir()) == []


def test_a_crop_outside_the_frame_leaves_nothing_on_disk(tmp_path):
    with pytest.raises(ValueError):
        take_frame("demo://", Transform(crop=(5000, 0, 10, 10)), tmp_path / "x.jpg",
                   tmp_path / "xt.jpg", quality=85, timeout=2)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_thumbnail_write_removes_the_frame(tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the thumbnail folder should be")
    with pytest.raises(OSError):
        take_frame("demo://", Transform(), tmp_path / "x.jpg", blocker / "xt.jpg",
                   quality=85, timeout=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["not-a-dir"]


def test_a_small_frame_is_never_enlarged_for_its_thumbnail(tmp_path):
    result = take_frame("demo://?width=200&height=150", Transform(), tmp_path / "s.jpg",
                        tmp_path / "s_thumb.jpg", quality=80, timeout=2)
    assert (result.thumb_width, result.thumb_height) == (200, 150)
