"""HTTP snapshot and MJPEG cameras, against the real stdlib camera server."""
import time

import numpy as np
import pytest

from pipelines.capture import (
    CaptureAuthError,
    CaptureBadData,
    CaptureError,
    CaptureRefused,
    CaptureTimeout,
    grab,
)


def test_it_grabs_a_snapshot(http_camera):
    frame = grab(http_camera.url("/snapshot.jpg"), timeout=5)
    assert frame.shape == (480, 640, 3)
    assert frame.dtype == np.uint8


def test_it_grabs_the_first_mjpeg_frame_and_hangs_up(http_camera):
    start = time.monotonic()
    frame = grab(http_camera.url("/mjpeg"), timeout=5)
    assert frame.shape == (480, 640, 3)
    assert time.monotonic() - start < 2  # did not wait for the endless stream to end


@pytest.mark.parametrize("path", ["/auth/snapshot.jpg", "/digest/snapshot.jpg"])
def test_it_logs_in_with_credentials_from_the_url(http_camera, path):
    frame = grab(http_camera.url(path, "admin", "s3cret"), timeout=5)
    assert frame.shape == (480, 640, 3)


def test_a_missing_login_is_an_auth_error(http_camera):
    with pytest.raises(CaptureAuthError, match="401"):
        grab(http_camera.url("/auth/snapshot.jpg"), timeout=5)


@pytest.mark.parametrize("path", ["/auth/snapshot.jpg", "/digest/snapshot.jpg"])
def test_a_wrong_password_is_an_auth_error_without_the_password(http_camera, path):
    with pytest.raises(CaptureAuthError) as caught:
        grab(http_camera.url(path, "admin", "wr0ngpass"), timeout=5)
    assert "wr0ngpass" not in str(caught.value)
    assert "admin:***@" in str(caught.value)


def test_a_server_that_never_answers_times_out_in_bound(http_camera):
    start = time.monotonic()
    with pytest.raises(CaptureTimeout):
        grab(http_camera.url("/hang"), timeout=1.5)
    assert time.monotonic() - start < 1.5 + 3


def test_a_trickling_server_cannot_hold_the_grab_past_the_timeout(http_camera):
    start = time.monotonic()
    with pytest.raises(CaptureTimeout):
        grab(http_camera.url("/trickle"), timeout=1.5)
    assert time.monotonic() - start < 1.5 + 3


@pytest.mark.parametrize(("path", "words"), [
    ("/html", "web page"),
    ("/notimage", "not a decodable image"),
    ("/truncated.jpg", "truncated"),
    ("/huge", "MB"),
])
def test_bodies_that_are_not_images_are_bad_data(http_camera, path, words):
    with pytest.raises(CaptureBadData, match=words):
        grab(http_camera.url(path), timeout=5)


@pytest.mark.parametrize(("path", "status"), [("/error", "500"), ("/missing.jpg", "404")])
def test_http_errors_carry_the_status(http_camera, path, status):
    with pytest.raises(CaptureError, match=status) as caught:
        grab(http_camera.url(path), timeout=5)
    assert type(caught.value) is CaptureError


def test_a_refused_connection_is_refused(refused_url):
    start = time.monotonic()
    with pytest.raises(CaptureRefused):
        grab(refused_url, timeout=5)
    assert time.monotonic() - start < 2


def test_an_unknown_host_is_refused():
    with pytest.raises(CaptureRefused, match="resolve"):
        grab("http://no-such-camera.invalid/snap.jpg", timeout=5)


def test_secret_query_values_never_appear_in_errors(refused_port):
    url = f"http://127.0.0.1:{refused_port}/snap.jpg?user=admin&password=hunter2&token=t0k3n"
    with pytest.raises(CaptureError) as caught:
        grab(url, timeout=5)
    text = str(caught.value)
    assert "hunter2" not in text and "t0k3n" not in text
    assert "password=***" in text
