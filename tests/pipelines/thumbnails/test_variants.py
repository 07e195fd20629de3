"""Variants from real JPEGs of several sizes and shapes: right size, aspect kept, never
enlarged, draft decoding really used, damaged sources refused with a clear message."""
from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image as PILImage

from pipelines.thumbnails import (
    SourceError,
    VariantSpec,
    load_reduced,
    make_variants,
    mimetype_for,
    variants_from_file,
)
from tests.fixtures.photos import photo, write_photo

THUMB, SMALL = VariantSpec(320, "jpeg", 75), VariantSpec(1280, "jpeg", 80)
SHAPES = [(4000, 3000), (1920, 1080), (1080, 1920), (3000, 500), (640, 480)]


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sources")
    return {(w, h): write_photo(folder / f"{w}x{h}.jpg", w, h) for w, h in SHAPES}


def decoded_size(data: bytes) -> tuple[int, int]:
    with PILImage.open(io.BytesIO(data)) as image:
        image.load()
        return image.size


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_it_makes_both_variants_at_the_right_size_with_the_aspect_kept(sources, shape):
    width, height = shape
    thumb, small = variants_from_file(sources[shape], [THUMB, SMALL])
    for variant, spec in ((thumb, THUMB), (small, SMALL)):
        expected = spec.size_for(width, height)
        assert (variant.width, variant.height) == expected
        assert decoded_size(variant.data) == expected
        assert variant.data[:2] == b"\xff\xd8"
        assert abs(variant.width / variant.height - width / height) < 0.01 * width / height + 0.01


def test_a_portrait_frame_stays_portrait(sources):
    thumb, small = variants_from_file(sources[(1080, 1920)], [THUMB, SMALL])
    assert (thumb.width, thumb.height) == (320, 569)
    assert (small.width, small.height) == (1080, 1920)  # narrower than 1280: kept as it is


def test_a_frame_narrower_than_the_variant_is_never_enlarged(sources):
    thumb, small = variants_from_file(sources[(640, 480)], [THUMB, SMALL])
    assert (thumb.width, thumb.height) == (320, 240)
    assert (small.width, small.height) == (640, 480)


def test_draft_decoding_reads_a_12_mp_frame_at_a_reduced_scale(sources):
    frame, size = load_reduced(sources[(4000, 3000)], 1280)
    assert frame.shape == (1500, 2000, 3) and size == (4000, 3000)  # decoded at 1/2
    assert load_reduced(sources[(4000, 3000)], 320)[0].shape == (375, 500, 3)  # 1/8
    assert load_reduced(sources[(1920, 1080)], 1280)[0].shape == (1080, 1920, 3)  # 1/2: too small


def test_variants_from_memory_match_those_from_the_file(sources):
    frame = photo(4000, 3000)
    from_memory = make_variants(frame, [SMALL, THUMB])
    from_file = variants_from_file(sources[(4000, 3000)], [SMALL, THUMB])
    assert [(v.width, v.height) for v in from_memory] == [(v.width, v.height) for v in from_file]
    a = cv2.imdecode(np.frombuffer(from_memory[1].data, np.uint8), cv2.IMREAD_COLOR)
    b = cv2.imdecode(np.frombuffer(from_file[1].data, np.uint8), cv2.IMREAD_COLOR)
    assert cv2.PSNR(a, b) > 30  # the same picture, colours included (BGR handled)


def test_in_memory_colours_are_not_swapped():
    frame = np.zeros((90, 160, 3), np.uint8)
    frame[:, :, 2] = 255  # pure red in OpenCV's BGR order
    (variant,) = make_variants(frame, [VariantSpec(80, "jpeg", 90)])
    with PILImage.open(io.BytesIO(variant.data)) as image:
        red, green, blue = image.convert("RGB").getpixel((40, 20))
    assert red > 240 and green < 20 and blue < 20


def test_webp_variants_are_webp_and_served_as_such(sources):
    spec = VariantSpec(320, "webp", 75)
    (variant,) = variants_from_file(sources[(1920, 1080)], [spec])
    assert variant.data[:4] == b"RIFF" and variant.data[8:12] == b"WEBP"
    assert decoded_size(variant.data) == (320, 180)
    assert (spec.ext, spec.mimetype, mimetype_for(f"x.{spec.tag}.webp")) == (
        "webp", "image/webp", "image/webp")
    assert mimetype_for("a/b.w320q75.jpg") == "image/jpeg"


def test_a_greyscale_jpeg_gives_colour_variants(tmp_path):
    path = tmp_path / "grey.jpg"
    cv2.imwrite(str(path), cv2.cvtColor(photo(800, 600), cv2.COLOR_BGR2GRAY))
    (variant,) = variants_from_file(path, [THUMB])
    assert decoded_size(variant.data) == (320, 240)


@pytest.mark.parametrize("damage, message", [
    (lambda data: data[: len(data) // 2], "damaged"),
    (lambda data: b"<html>not a picture</html>", "not an image"),
    (lambda data: b"", "not an image"),
])
def test_a_damaged_source_is_refused_with_a_clear_message(sources, tmp_path, damage, message):
    path = tmp_path / "bad.jpg"
    path.write_bytes(damage(sources[(640, 480)].read_bytes()))
    with pytest.raises(SourceError, match=message) as caught:
        variants_from_file(path, [THUMB])
    assert "bad.jpg" in str(caught.value)


def test_a_missing_source_says_so(tmp_path):
    with pytest.raises(SourceError, match="bad.jpg: the frame file is missing"):
        variants_from_file(tmp_path / "bad.jpg", [THUMB])


@pytest.mark.parametrize("kwargs", [{"width": 8}, {"width": 320, "format": "gif"},
                                    {"width": 320, "quality": 101}])
def test_a_spec_out_of_range_is_refused(kwargs):
    with pytest.raises(ValueError):
        VariantSpec(**kwargs)


def test_file_names_carry_the_settings():
    assert VariantSpec(320, "jpeg", 75).tag == "w320q75"
    assert VariantSpec(320, "jpeg", 75).tag != VariantSpec(320, "jpeg", 80).tag
