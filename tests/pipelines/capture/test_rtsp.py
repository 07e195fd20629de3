"""RTSP(S) against GStreamer's real RTSP server, and against sockets that misbehave."""
import time

import numpy as np
import pytest

from pipelines.capture import (
    CaptureAuthError,
    CaptureError,
    CaptureRefused,
    CaptureTimeout,
    grab,
)


def test_it_grabs_a_1280x720_frame(rtsp_server):
    frame = grab(rtsp_server.url("/test"), timeout=10)
    assert frame.shape == (720, 1280, 3)
    assert frame.dtype == np.uint8


def test_it_logs_in_with_credentials_from_the_url(rtsp_server):
    frame = grab(rtsp_server.url("/auth", "admin", "s3cret"), timeout=10)
    assert frame.shape == (720, 1280, 3)


def test_it_grabs_over_rtsps(rtsp_server):
    frame = grab(rtsp_server.tls_url("/test"), timeout=10)
    assert frame.shape == (720, 1280, 3)


def test_rtsps_never_falls_back_to_plain_rtsp(rtsp_server):
    plain_port_as_rtsps = rtsp_server.url("/test").replace("rtsp://", "rtsps://")
    with pytest.raises(CaptureError, match="TLS"):
        grab(plain_port_as_rtsps, timeout=5)


def test_a_missing_login_is_an_auth_error(rtsp_server):
    with pytest.raises(CaptureAuthError, match="401"):
        grab(rtsp_server.url("/auth"), timeout=5)


def test_a_wrong_password_is_an_auth_error_without_the_password(rtsp_server):
    with pytest.raises(CaptureAuthError) as caught:
        grab(rtsp_server.url("/auth", "admin", "wr0ngpass"), timeout=5)
    assert "wr0ngpass" not in str(caught.value)


def test_an_unknown_path_says_so(rtsp_server):
    with pytest.raises(CaptureError, match="404"):
        grab(rtsp_server.url("/nothing-here"), timeout=5)


def test_a_refused_port_is_refused_quickly(refused_port):
    start = time.monotonic()
    with pytest.raises(CaptureRefused):
        grab(f"rtsp://admin:pw123@127.0.0.1:{refused_port}/stream", timeout=5)
    assert time.monotonic() - start < 2


def test_a_server_that_never_answers_gives_up_within_the_timeout(silent_port):
    start = time.monotonic()
    with pytest.raises(CaptureTimeout):
        grab(f"rtsp://127.0.0.1:{silent_port}/stream", timeout=2)
    assert time.monotonic() - start < 2 + 3
