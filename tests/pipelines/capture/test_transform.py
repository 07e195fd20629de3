import numpy as np
import pytest

from pipelines.capture import Transform, apply_transform


def frame(width=640, height=480):
    """A frame whose pixels tell where they came from (x in blue, y in green)."""
    img = np.zeros((height, width, 3), np.uint8)
    img[..., 0] = (np.arange(width) % 256)[None, :]
    img[..., 1] = (np.arange(height) % 256)[:, None]
    return img


def test_no_transform_keeps_the_frame():
    src = frame()
    assert apply_transform(src, Transform()).shape == (480, 640, 3)


def test_rotation_90_swaps_dimensions_clockwise():
    src = frame()
    out = apply_transform(src, Transform(rotation=90))
    assert out.shape == (640, 480, 3)
    # Clockwise: the source's bottom-left corner becomes the top-left corner.
    assert (out[0, 0] == src[479, 0]).all()


@pytest.mark.parametrize(("rotation", "shape"), [(180, (480, 640, 3)), (270, (640, 480, 3))])
def test_other_rotations(rotation, shape):
    assert apply_transform(frame(), Transform(rotation=rotation)).shape == shape


def test_crop_takes_the_box_in_source_pixels():
    out = apply_transform(frame(), Transform(crop=(100, 50, 200, 120)))
    assert out.shape == (120, 200, 3)
    assert out[0, 0, 0] == 100 and out[0, 0, 1] == 50


def test_crop_is_clipped_to_the_frame():
    out = apply_transform(frame(), Transform(crop=(600, 400, 200, 200)))
    assert out.shape == (80, 40, 3)


def test_crop_outside_the_frame_raises():
    with pytest.raises(ValueError, match="outside"):
        apply_transform(frame(), Transform(crop=(700, 10, 50, 50)))


def test_crop_happens_before_rotation():
    out = apply_transform(frame(), Transform(crop=(0, 0, 300, 100), rotation=90))
    assert out.shape == (300, 100, 3)


@pytest.mark.parametrize(("size", "mode", "shape"), [
    ((640, 480), "crop", (360, 640, 3)),   # 4:3 -> 16:9 by cutting top and bottom
    ((640, 480), "pad", (480, 853, 3)),    # 4:3 -> 16:9 with bars left and right
    ((360, 640), "crop", (202, 360, 3)),   # portrait -> 16:9
    ((360, 640), "pad", (640, 1138, 3)),
])
def test_aspect_fits_16_9(size, mode, shape):
    out = apply_transform(frame(*size), Transform(aspect="16:9", aspect_mode=mode))
    assert out.shape == shape


def test_aspect_crop_is_centred():
    out = apply_transform(frame(640, 480), Transform(aspect="16:9"))
    assert out[0, 0, 1] == 60  # (480 - 360) / 2 rows cut from the top


def test_aspect_pad_is_black_and_centred():
    out = apply_transform(frame(640, 480), Transform(aspect="16:9", aspect_mode="pad"))
    left = (853 - 640) // 2
    assert not out[:, :left].any()
    assert not out[:, left + 640:].any()
    assert (out[:, left:left + 640] == frame(640, 480)).all()


@pytest.mark.parametrize("kwargs", [{"rotation": 45}, {"aspect": "wide"}, {"aspect": "16:0"},
                                    {"aspect_mode": "stretch"}, {"crop": (0, 0, 0, 10)}])
def test_invalid_transforms_are_refused_on_construction(kwargs):
    with pytest.raises(ValueError):
        Transform(**kwargs)


def test_transform_accepts_a_crop_list_and_stays_hashable():
    assert hash(Transform(crop=[1, 2, 3, 4])) == hash(Transform(crop=(1, 2, 3, 4)))
