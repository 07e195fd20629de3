"""Overlays at the pixel level: each generator draws in its own cell of the 3x3 grid and
nothing else changes; text fits inside the frame from 320x240 to 4K; the watermark upload
is checked by decoding; the configuration is checked field by field."""
import datetime as dt
import io
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from PIL import Image

from pipelines.overlays import (
    BUILTIN_PRESETS,
    POSITIONS,
    Context,
    FrameInfo,
    Painter,
    WatermarkError,
    check_upload,
    clean_config,
    diff,
    item_text,
    merged,
)
from pipelines.overlays.watermark import MAX_BYTES

WHEN = dt.datetime(2027, 3, 14, 11, 0, tzinfo=dt.UTC)
WEATHER = {"temperature_c": 12.4, "conditions": "Partly cloudy", "icon": "partly-cloudy",
           "sunrise": "2027-03-14T05:15:00+00:00", "sunset": "2027-03-14T17:05:00+00:00"}
CTX = Context(ZoneInfo("Europe/Berlin"), camera="Garden cam", timelapse="Spring")
INFO = FrameInfo(WHEN, number=120, day=37, weather=WEATHER)
KINDS = ("datetime", "day", "frame", "text", "camera", "timelapse", "weather", "sun")


def config(*items, **style) -> dict:
    cfg, errors = clean_config({"items": list(items), "style": style})
    assert errors == {}
    return cfg


def changed(cfg: dict, size=(640, 480), info=INFO, watermark=None) -> np.ndarray:
    """A mask of the pixels the overlay changed on a uniform frame."""
    frame = np.full((size[1], size[0], 3), 90, np.uint8)
    Painter(cfg, CTX, watermark).paint(frame, info)
    return (frame != 90).any(axis=2)


def cell_of(position: str, width: int, height: int) -> tuple[slice, slice]:
    row, col = divmod(POSITIONS.index(position), 3)
    return (slice(row * height // 3, (row + 1) * height // 3),
            slice(col * width // 3, (col + 1) * width // 3))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("position", ["top-left", "center", "bottom-right", "top-center"])
def test_each_generator_draws_in_its_cell_and_nowhere_else(kind, position):
    item = {"kind": kind, "position": position}
    if kind == "text":
        item["format"] = "Hello"
    mask = changed(config(item), size=(1280, 480))  # wide: the sun's line fits a third
    rows, cols = cell_of(position, 1280, 480)
    inside = mask[rows, cols].sum()
    assert inside > 50, f"{kind} drew nothing in {position}"
    assert mask.sum() == inside, f"{kind} at {position} drew outside its cell"


def test_the_texts_say_what_the_frame_was():
    texts = {kind: item_text({"kind": kind, "format": fmt}, INFO, CTX) for kind, fmt in [
        ("datetime", "%d %b %Y %H:%M"), ("day", "Day {day}"), ("frame", "#{frame}"),
        ("camera", "{camera}"), ("weather", "{temperature} {conditions}"),
        ("sun", "{sunrise}-{sunset}"), ("text", "{unknown} stays")]}
    assert texts == {"datetime": "14 Mar 2027 12:00", "day": "Day 37", "frame": "#120",
                     "camera": "Garden cam", "weather": "12 °C Partly cloudy",
                     "sun": "06:15-18:05", "text": "{unknown} stays"}
    fahrenheit = {"kind": "weather", "format": "{temperature}", "unit": "F"}
    assert item_text(fahrenheit, INFO, CTX) == "54 °F"


def test_a_frame_without_weather_draws_no_weather_box():
    cfg = config({"kind": "weather", "position": "top-left"})
    assert changed(cfg, info=FrameInfo(WHEN, weather=None)).sum() == 0


@pytest.mark.parametrize("size", [(320, 240), (3840, 2160)])
def test_text_fits_inside_the_frame_at_any_size(size):
    long = "A long custom caption that would never fit on a small frame at this size"
    items = [{"kind": k, "position": p, "format": "Hi" if k == "text" else ""}
             for k, p in zip(KINDS, POSITIONS, strict=False)]
    cfg = config(*items, {"kind": "text", "position": "bottom-center", "format": long}, size=8)
    painter = Painter(cfg, CTX)
    width, height = size
    for (x, y), tile in painter.placed(width, height, INFO):
        assert x >= 0 and x + tile.width <= width and y >= 0 and y + tile.height <= height


def test_the_font_follows_the_frame_height():
    cfg = config({"kind": "day", "position": "top-left"}, shadow=False)
    small = Painter(cfg, CTX).placed(320, 240, INFO)[0][1]
    big = Painter(cfg, CTX).placed(3840, 2160, INFO)[0][1]
    assert big.height / small.height == pytest.approx(2160 / 240, rel=0.15)


def test_items_in_one_cell_stack_without_overlapping():
    cfg = BUILTIN_PRESETS["full"][1]
    placed = Painter(cfg, CTX).placed(1280, 720, INFO)
    boxes = [(x, y, x + t.width, y + t.height) for (x, y), t in placed]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]


def png(width: int, height: int, alpha: int = 255) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (255, 0, 0, alpha)).save(out, "PNG")
    return out.getvalue()


def test_the_watermark_is_scaled_by_frame_width_with_its_opacity():
    logo, _ = check_upload(png(100, 50))
    cfg, errors = clean_config({"items": [], "watermark": {
        "path": "overlays/watermarks/x.png", "scale": 25, "opacity": 50,
        "position": "bottom-right"}})
    assert errors == {}
    frame = np.zeros((480, 640, 3), np.uint8)
    Painter(cfg, CTX, Image.open(io.BytesIO(logo))).paint(frame, INFO)
    ys, xs = np.nonzero(frame[..., 2])
    assert xs.max() - xs.min() + 1 == 160 and ys.max() - ys.min() + 1 == 80
    assert 120 <= frame[ys[0], xs[0], 2] <= 135  # half of 255 over black
    rows, cols = cell_of("bottom-right", 640, 480)
    assert frame[rows, cols, 2].astype(bool).sum() == len(xs)


def test_a_watermark_upload_must_decode_as_an_image():
    with pytest.raises(WatermarkError, match="not an image"):
        check_upload(b"<html>not a picture</html>")
    truncated = png(200, 200)[:-40]
    with pytest.raises(WatermarkError, match="not an image"):
        check_upload(truncated)
    with pytest.raises(WatermarkError, match="too big"):
        check_upload(b"\x89PNG" + b"\0" * MAX_BYTES)
    gif = io.BytesIO()
    Image.new("RGB", (4, 4)).save(gif, "GIF")
    with pytest.raises(WatermarkError, match="GIF files are not accepted"):
        check_upload(gif.getvalue())


def test_the_configuration_is_checked_field_by_field():
    _, errors = clean_config({"items": [{"kind": "moon", "position": "top-left"},
                                        {"kind": "day", "position": "left"},
                                        {"kind": "text", "position": "center", "format": ""},
                                        {"kind": "day", "style": {"size": 90}}],
                              "style": {"color": "red", "margin": -1}, "extra": 1})
    assert set(errors) == {"items.0.kind", "items.1.position", "items.2.format",
                           "items.3.style.size", "style.color", "style.margin", "extra"}


def test_a_timelapse_override_keeps_only_what_differs():
    preset = BUILTIN_PRESETS["timestamp"][1]
    mine = merged(preset, {"style": {"color": "#ff0000"}})
    assert mine["items"] == preset["items"] and mine["style"]["color"] == "#ff0000"
    assert diff(mine, preset) == {"style": {"color": "#ff0000"}}
    assert diff(merged(preset, None), preset) == {}
