"""Rendering with real ffmpeg on real JPEGs; every figure checked with ffprobe."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from PIL import Image as PILImage

from pipelines.process import ffprobe_path
from pipelines.video import Outputs, RenderError, RenderSettings, render
from tests.fixtures.video_frames import probe, write_frames

UTC = ZoneInfo("UTC")
pytestmark = pytest.mark.skipif(ffprobe_path() is None, reason="ffprobe comes with ffmpeg")


def quiet(percent, message, figures):
    pass


def run(frames, tmp_path, name="out", cache=False, fill_cache=True, **settings):
    s = RenderSettings.merged({"speed": "ultrafast", "preview": False}, settings)
    video = tmp_path / f"{name}.{s.container}"
    outputs = Outputs(video, cache_dir=tmp_path / "cache" if cache else None,
                      fill_cache=fill_cache)
    return render(iter(frames), s, outputs, UTC, quiet), video


def test_it_shows_each_frame_once_at_a_fixed_rate(tmp_path):
    result, video = run(write_frames(tmp_path / "f", 24), tmp_path, fps=8)
    seen = probe(video)
    assert seen["frames"] == result.frames == 24
    assert abs(seen["duration"] - 24 / 8) <= 1 / 8
    assert (result.fps, result.fps_clamped, result.duration) == (8, False, 3.0)


def test_a_target_duration_spreads_the_frames_over_it(tmp_path):
    result, video = run(write_frames(tmp_path / "f", 30), tmp_path, fps_mode="duration",
                        duration=4)
    seen = probe(video)
    assert seen["frames"] == 30
    assert abs(seen["duration"] - 4) <= 1 / result.fps
    assert result.fps == 7.5 and not result.fps_clamped


def test_a_rate_outside_the_limits_is_clamped_and_says_so(tmp_path):
    result, video = run(write_frames(tmp_path / "f", 6), tmp_path, fps_mode="duration",
                        duration=60, min_fps=3)
    seen = probe(video)
    assert result.fps_clamped and result.fps == 3
    assert seen["frames"] == 6 and abs(seen["duration"] - 2) <= 1 / 3
    assert any("Clamped to the minimum of 3 fps" in note for note in result.notes)


@pytest.mark.parametrize("source, settings, expected", [
    ((320, 240), {"resolution": "width", "width": 200}, (200, 150)),  # 4:3
    ((320, 180), {"resolution": "width", "width": 200}, (200, 112)),  # 16:9, 112.5 -> even
    ((180, 320), {"resolution": "width", "width": 100}, (100, 178)),  # portrait
    ((720, 1280), {"resolution": "720p"}, (720, 1280)),  # a portrait "720p" is 720 wide
    ((1280, 720), {"resolution": "720p"}, (1280, 720)),
])
def test_it_keeps_the_aspect_ratio_with_even_sides(tmp_path, source, settings, expected):
    result, video = run(write_frames(tmp_path / "f", 3, size=source), tmp_path, **settings)
    seen = probe(video)
    assert (seen["width"], seen["height"]) == (result.width, result.height) == expected
    assert seen["width"] % 2 == 0 and seen["height"] % 2 == 0
    assert abs(seen["width"] / seen["height"] - source[0] / source[1]) < 0.01


def test_it_never_enlarges_unless_asked(tmp_path):
    frames = write_frames(tmp_path / "f", 3, size=(160, 120))
    kept, video = run(frames, tmp_path, resolution="1080p")
    assert (probe(video)["width"], kept.height) == (160, 120)
    assert any("would enlarge" in note for note in kept.notes)
    enlarged, video = run(frames, tmp_path, name="big", resolution="1080p", upscale=True)
    assert (probe(video)["width"], probe(video)["height"]) == (1440, 1080)


def test_odd_sources_get_even_sides_without_growing(tmp_path):
    result, video = run(write_frames(tmp_path / "f", 3, size=(161, 121)), tmp_path)
    assert (probe(video)["width"], probe(video)["height"]) == (160, 120)


def test_frames_of_another_size_are_letterboxed_not_stretched(tmp_path):
    frames = write_frames(tmp_path / "a", 3, size=(160, 120))
    frames += write_frames(tmp_path / "b", 3, size=(160, 90), first=3)
    result, video = run(frames, tmp_path)
    seen = probe(video)
    assert (seen["width"], seen["height"], seen["frames"]) == (160, 90, 6)  # the newest size


def test_a_time_of_day_window_and_every_nth_select_frames(tmp_path):
    frames = write_frames(tmp_path / "f", 72, step=dt.timedelta(hours=1))  # 3 days, hourly
    result, video = run(frames, tmp_path, time_from="11:00", time_to="13:00", every_nth=2)
    assert result.frames == probe(video)["frames"] == 3  # 11:00, 12:00 a day; every 2nd
    assert result.first_at.hour == 11 and result.last_at.date() == dt.date(2030, 1, 9)


def test_a_damaged_or_missing_frame_is_skipped_with_a_note(tmp_path):
    frames = write_frames(tmp_path / "f", 10)
    cut = frames[3].path.read_bytes()
    frames[3].path.write_bytes(cut[: len(cut) // 2])  # an upload cut off half-way
    frames[6].path.unlink()
    result, video = run(frames, tmp_path, fps=5)
    assert result.frames == probe(video)["frames"] == 8
    assert any("2 frames were skipped" in note and "incomplete JPEG" in note
               for note in result.notes)


def test_no_frames_is_a_clear_error_and_no_file(tmp_path):
    frames = write_frames(tmp_path / "f", 3)
    with pytest.raises(RenderError, match="No frames"):
        run(frames, tmp_path, date_from="2031-01-01")
    assert not list(tmp_path.glob("out*"))


class Stop(Exception):
    pass


def test_a_cancel_kills_ffmpeg_and_leaves_no_file(tmp_path):
    frames = write_frames(tmp_path / "f", 200, size=(320, 240))

    def cancel_at_first_progress(percent, message, figures):
        if message.startswith("Encoding"):
            raise Stop()

    s = RenderSettings(speed="veryslow", preview=False)
    with pytest.raises(Stop):
        render(iter(frames), s, Outputs(tmp_path / "out" / "v.mp4", tmp_path / "out" / "p.jpg",
                                        tmp_path / "out" / "p.webp"), UTC,
               cancel_at_first_progress)
    assert list((tmp_path / "out").iterdir()) == []


def test_progress_reports_frames_speed_and_time_left(tmp_path):
    reports = []
    frames = write_frames(tmp_path / "f", 20)
    render(iter(frames), RenderSettings(fps=10, preview=False), Outputs(tmp_path / "v.mp4"),
           UTC, lambda p, m, f: reports.append((p, m, f)))
    last = reports[-1]
    assert last[0] == 100 and last[2]["frame"] == last[2]["frames"] == 20
    assert "frame 20 of 20" in last[1]


@pytest.mark.parametrize("codec, name, fmt", [("h265", "hevc", "mp4"), ("vp9", "vp9", "webm")])
def test_other_codecs_keep_the_frame_count(tmp_path, codec, name, fmt):
    result, video = run(write_frames(tmp_path / "f", 12), tmp_path, codec=codec, fps=6)
    seen = probe(video)
    assert (seen["codec"], seen["frames"]) == (name, 12) and fmt in seen["format"]
    assert abs(seen["duration"] - 2) <= 1 / 6


def test_a_poster_and_an_animated_preview_come_with_the_video(tmp_path):
    frames = write_frames(tmp_path / "f", 30, size=(640, 360))
    s = RenderSettings(speed="ultrafast")
    out = Outputs(tmp_path / "v.mp4", tmp_path / "v.jpg", tmp_path / "v.webp")
    result = render(iter(frames), s, out, UTC, quiet)
    assert result.has_poster and result.has_preview
    assert out.poster.read_bytes()[:2] == b"\xff\xd8"
    with PILImage.open(out.preview) as preview:  # ffmpeg 5 cannot read animated WebP
        assert (preview.format, preview.is_animated) == ("WEBP", True)
        assert preview.size == (320, 180) and preview.n_frames == 30


def test_an_update_encodes_only_the_new_day(tmp_path):
    day = dt.timedelta(days=1)
    frames = write_frames(tmp_path / "f", 180, step=day / 60)  # three days of 60 frames
    first, _ = run(frames, tmp_path, name="a", cache=True, fps=30)
    assert (first.segments_reused, first.segments_encoded) == (0, 3)
    frames += write_frames(tmp_path / "f", 60, step=day / 60, first=180)
    second, video = run(frames, tmp_path, name="b", cache=True, fps=30)
    assert (second.segments_reused, second.segments_encoded) == (3, 1)
    seen = probe(video)
    assert seen["frames"] == 240 and abs(seen["duration"] - 8) <= 1 / 30


def test_a_new_frame_rate_invalidates_the_cached_days(tmp_path):
    frames = write_frames(tmp_path / "f", 120, step=dt.timedelta(minutes=24))  # two days
    run(frames, tmp_path, name="a", cache=True, fps=30)
    again, video = run(frames, tmp_path, name="b", cache=True, fps=24)
    assert (again.segments_reused, again.segments_encoded) == (0, 2)
    assert abs(probe(video)["duration"] - 5) <= 1 / 24


def test_a_one_off_render_starts_no_cache_but_uses_one_that_exists(tmp_path):
    frames = write_frames(tmp_path / "f", 120, step=dt.timedelta(minutes=24))  # two days
    one_off, _ = run(frames, tmp_path, name="a", cache=True, fill_cache=False)
    assert (one_off.segments_reused, one_off.segments_encoded) == (0, 0)  # a single pass
    assert not (tmp_path / "cache").exists()
    run(frames, tmp_path, name="b", cache=True)  # an automatic render fills the cache
    reuse, video = run(frames, tmp_path, name="c", cache=True, fill_cache=False)
    assert (reuse.segments_reused, reuse.segments_encoded) == (2, 0)
    assert probe(video)["frames"] == 120


def test_days_with_few_frames_are_rendered_in_one_pass(tmp_path):
    frames = write_frames(tmp_path / "f", 30, step=dt.timedelta(hours=6))  # 4 a day
    result, video = run(frames, tmp_path, cache=True)
    assert (result.segments_reused, result.segments_encoded) == (0, 0)
    assert probe(video)["frames"] == 30
