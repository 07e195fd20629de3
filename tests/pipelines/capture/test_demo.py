import numpy as np
import pytest
import time_machine

from pipelines.capture import CaptureError, grab


def test_demo_gives_a_1280x720_bgr_frame():
    frame = grab("demo://", timeout=1)
    assert frame.shape == (720, 1280, 3)
    assert frame.dtype == np.uint8


def test_demo_size_comes_from_the_query():
    assert grab("demo://scene?width=320&height=240", timeout=1).shape == (240, 320, 3)


def test_demo_frames_a_second_apart_differ():
    with time_machine.travel("2026-06-01 12:00:00+00:00", tick=False):
        first = grab("demo://", timeout=1)
    with time_machine.travel("2026-06-01 12:00:01+00:00", tick=False):
        second = grab("demo://", timeout=1)
    assert np.abs(first.astype(int) - second.astype(int)).sum() > 0


def test_demo_frames_do_not_share_memory():
    first = grab("demo://", timeout=1)
    first[:] = 0
    assert grab("demo://", timeout=1).any()


def test_demo_rejects_silly_sizes():
    with pytest.raises(CaptureError, match="width"):
        grab("demo://?width=0&height=10", timeout=1)
