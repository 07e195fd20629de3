"""Single behaviours of the detectors and the score, on real photographs."""
import io

import numpy as np
import pytest
from PIL import Image

from pipelines.corruption import (
    CHECK_NAMES,
    DISCARD,
    FLAG,
    KEEP,
    FrameCheck,
    FrameStats,
    History,
    Thresholds,
    evaluate_bytes,
    evaluate_frame,
    judge,
)
from pipelines.corruption.fast import sample
from tests.pipelines.corruption.samples import (
    bottom_band,
    dark_night,
    history_of,
    jpeg,
    noisy,
    scenes,
)


@pytest.fixture(scope="module")
def rocket():
    return noisy(scenes()["rocket"], 1)


def history(*frames):
    stats = tuple(sample(f).stats for f in frames)
    return History(previous=stats[0], recent=stats)


def failed(evaluation):
    return {c.name for c in evaluation.failed}


def test_a_cut_jpeg_that_pillow_verify_accepts_scores_zero(rocket):
    cut = jpeg(rocket)[:20000]
    Image.open(io.BytesIO(cut)).verify()  # verify() alone lets the truncation through
    evaluation = evaluate_bytes(cut)
    assert (evaluation.score, evaluation.action) == (0, DISCARD)
    assert "truncated" in evaluation.checks[0].detail


def test_a_cut_jpeg_with_its_end_marker_put_back_is_caught_by_the_decode_or_the_band(rocket):
    data = jpeg(rocket)
    evaluation = evaluate_bytes(data[:len(data) // 2] + b"\xff\xd9")
    assert evaluation.corrupt
    assert failed(evaluation) & {"decodable", "band"}


def test_an_html_page_scores_zero_with_a_reason_a_person_can_act_on():
    evaluation = evaluate_bytes(b"  <html><body>Login required</body></html>")
    assert evaluation.score == 0 and evaluation.stats is None
    assert "web page" in evaluation.checks[0].detail


def test_a_good_frame_scores_100_and_runs_every_check_with_heavy(rocket):
    evaluation = evaluate_frame(rocket, heavy_checks=True, size=len(jpeg(rocket)))
    assert (evaluation.score, evaluation.action) == (100, KEEP)
    assert tuple(c.name for c in evaluation.checks) == CHECK_NAMES
    assert evaluation.fast_ms > 0 and evaluation.heavy_ms > 0
    assert evaluation.ms == pytest.approx(evaluation.fast_ms + evaluation.heavy_ms, abs=0.01)


def test_the_heavy_checks_run_only_when_asked(rocket):
    evaluation = evaluate_frame(rocket)
    assert evaluation.heavy_ms is None
    assert {c.name for c in evaluation.checks} == set(CHECK_NAMES[:5])


def test_the_thresholds_map_the_score_to_keep_flag_or_discard():
    t = Thresholds(discard_below=40, flag_below=90)
    assert [t.action(s) for s in (0, 39, 40, 89, 90, 100)] == [DISCARD, DISCARD, FLAG, FLAG,
                                                               KEEP, KEEP]
    with pytest.raises(ValueError):
        Thresholds(discard_below=90, flag_below=40)


def test_a_repeated_picture_is_a_frozen_stream_only_when_the_history_says_so(rocket):
    assert evaluate_frame(rocket).score == 100
    repeat = evaluate_frame(rocket, history=history(rocket))
    assert failed(repeat) == {"frozen"} and repeat.corrupt
    assert evaluate_frame(noisy(rocket, 9, 1), history=history(rocket)).score == 100


def test_a_black_frame_after_daylight_is_corrupt_but_after_a_dark_night_only_flagged(rocket):
    black = np.zeros_like(rocket)
    assert evaluate_frame(black, history=history(rocket)).action == DISCARD
    night = dark_night(rocket)
    after_night = evaluate_frame(black, history=history(*(noisy(night, k) for k in range(3))))
    assert after_night.action == FLAG
    assert "recent frames" in after_night.failed[0].detail


def test_a_black_bottom_is_scenery_unless_the_camera_just_showed_something_there(rocket):
    black_bottom = bottom_band((0, 0, 0), 0.6)(rocket)
    assert evaluate_frame(black_bottom).score == 100  # crushed blacks at night look so
    broken = evaluate_frame(black_bottom, history=history(noisy(rocket, 5), noisy(rocket, 6)))
    assert failed(broken) == {"band"} and broken.corrupt


def test_a_small_band_under_the_threshold_passes_and_over_it_fails(rocket):
    band = bottom_band((128, 128, 128), 0.9)(rocket)  # the bottom 10 %
    assert evaluate_frame(band, Thresholds(band_percent=20)).score == 100
    assert evaluate_frame(band, Thresholds(band_percent=5)).corrupt


def test_a_frame_of_another_size_than_the_last_is_flagged_not_discarded(rocket):
    smaller = np.ascontiguousarray(rocket[:320, :560])
    evaluation = evaluate_frame(smaller, history=history(rocket))
    assert failed(evaluation) == {"size"} and evaluation.action == FLAG


def test_a_tiny_file_or_a_sliver_is_not_a_frame(rocket):
    assert evaluate_frame(rocket, size=100).score == 0
    assert evaluate_frame(np.ascontiguousarray(rocket[:10])).score == 0


def test_a_sudden_change_against_a_steady_camera_is_flagged(rocket):
    steady = history(*(noisy(rocket, k) for k in range(4)))
    other = noisy(scenes()["coffee"], 1)
    evaluation = judge(other, FrameCheck(history=steady, heavy=True))
    assert failed(evaluation) == {"change"} and evaluation.action == FLAG
    assert judge(noisy(rocket, 8), FrameCheck(history=steady, heavy=True)).score == 100


def test_frame_stats_survive_the_round_trip_through_json(rocket):
    stats = sample(rocket).stats
    again = FrameStats.from_json(stats.as_json())
    assert again.fingerprint == stats.fingerprint and again.signature == stats.signature
    assert again.mean == pytest.approx(stats.mean, abs=0.001)


def test_a_png_upload_and_a_grey_image_are_scored_too(rocket):
    buffer = io.BytesIO()
    Image.fromarray(rocket[..., 0]).save(buffer, format="PNG")
    evaluation = evaluate_bytes(buffer.getvalue())
    assert evaluation.score == 100 and "PNG" in evaluation.checks[0].detail
    assert evaluate_frame(np.ascontiguousarray(rocket[..., 0])).score == 100


def test_the_history_of_a_sample_matches_its_frames():
    h = history_of((jpeg(scenes()["cat"]),))
    assert h.previous is not None and len(h.recent) == 1
