"""Render settings: checks for forms and JSON, layering, and the size and rate maths."""
from fractions import Fraction

import pytest

from pipelines.video import RenderSettings, clean_settings
from pipelines.video.plan import frame_rate, output_size


def test_form_strings_become_typed_values_and_unticked_boxes_false():
    values, errors = clean_settings({"codec": "vp9", "fps": "29.97", "every_nth": "3",
                                     "width": "", "preview": "on"}, form=True)
    assert errors == {}
    assert values["fps"] == 29.97 and values["every_nth"] == 3 and values["width"] is None
    assert values["preview"] is True and values["deflicker"] is False


@pytest.mark.parametrize("data, field", [
    ({"fps": 0}, "fps"), ({"fps": 121}, "fps"), ({"fps": "25"}, "fps"), ({"fps": True}, "fps"),
    ({"codec": "av1"}, "codec"), ({"every_nth": 1.5}, "every_nth"),
    ({"date_from": "2030-02-30"}, "date_from"), ({"time_from": "25:00"}, "time_from"),
    ({"preview": "yes"}, "preview"), ({"bitrate": 5}, "bitrate"),
])
def test_json_must_use_real_types_and_known_fields(data, field):
    values, errors = clean_settings(data, form=False)
    assert field in errors


@pytest.mark.parametrize("data, field", [
    ({"resolution": "width"}, "width"),
    ({"min_fps": 30, "max_fps": 10}, "max_fps"),
    ({"time_from": "11:00"}, "time_to"),
    ({"time_from": "11:00", "time_to": "11:00"}, "time_to"),
    ({"date_from": "2030-02-01", "date_to": "2030-01-01"}, "date_to"),
])
def test_fields_that_belong_together_are_checked_together(data, field):
    assert field in clean_settings(data, form=False)[1]


def test_cross_checks_see_the_settings_they_will_join():
    base = RenderSettings(resolution="width", width=640)
    assert clean_settings({"codec": "h265"}, form=False, base=base)[1] == {}


def test_layers_override_in_order_and_unknown_keys_are_ignored():
    s = RenderSettings.merged({"fps": 10, "codec": "vp9"}, None, {"fps": 30, "gone": 1})
    assert (s.fps, s.codec, s.container) == (30, "vp9", "webm")


@pytest.mark.parametrize("src, settings, expected", [
    ((1920, 1080), {}, (1920, 1080, False)),
    ((3840, 2160), {"resolution": "1080p"}, (1920, 1080, False)),
    ((4000, 3000), {"resolution": "720p"}, (960, 720, False)),
    ((1080, 1920), {"resolution": "720p"}, (720, 1280, False)),
    ((1280, 720), {"resolution": "2160p"}, (1280, 720, True)),
    ((1280, 720), {"resolution": "width", "width": 1001}, (1000, 564, False)),
    ((1279, 719), {}, (1278, 718, False)),
])
def test_output_sizes_keep_the_aspect_ratio_even_and_never_enlarge(src, settings, expected):
    width, height, note = output_size(*src, RenderSettings.merged(settings))
    assert (width, height, bool(note)) == expected


@pytest.mark.parametrize("frames, settings, rate, clamped", [
    (100, {"fps": 24}, Fraction(24), False),
    (100, {"fps": 29.97}, Fraction(2997, 100), False),
    (300, {"fps_mode": "duration", "duration": 10}, Fraction(30), False),
    (100, {"fps_mode": "duration", "duration": 30}, Fraction(5), True),  # 3.3 < min 5
    (100, {"fps_mode": "duration", "duration": 30, "min_fps": 1}, Fraction(10, 3), False),
    (10000, {"fps_mode": "duration", "duration": 10}, Fraction(60), True),
])
def test_frame_rates_are_exact_fractions_clamped_to_the_limits(frames, settings, rate, clamped):
    got, was_clamped, note = frame_rate(frames, RenderSettings.merged(settings))
    assert (got, was_clamped, bool(note)) == (rate, clamped, clamped)
