"""The multipart parser on the byte shapes cameras actually send."""
import pytest

from pipelines.capture.mjpeg import boundary_of, first_part

JPEG = b"\xff\xd8" + b"\x01\x02--x\r\n\r\n\x03" * 10 + b"\xff\xd9"


def reader(data: bytes, size: int = 7):
    """READ callable that hands DATA out in small chunks, then b""."""
    chunks = [data[i:i + size] for i in range(0, len(data), size)]
    return lambda: chunks.pop(0) if chunks else b""


@pytest.mark.parametrize(("content_type", "token"), [
    ("multipart/x-mixed-replace; boundary=frame", b"frame"),
    ('multipart/x-mixed-replace;boundary="--myboundary"', b"myboundary"),
    ("multipart/x-mixed-replace", None),
])
def test_boundary_of(content_type, token):
    assert boundary_of(content_type) == token


def test_part_with_content_length():
    stream = (b"--frame\r\nContent-Type: image/jpeg\r\nContent-Length: %d\r\n\r\n" % len(JPEG)
              + JPEG + b"\r\n--frame\r\n")
    assert first_part(reader(stream), b"frame") == JPEG


def test_part_without_content_length_ends_at_the_next_boundary():
    stream = b"--frame\r\nContent-Type: image/jpeg\r\n\r\n" + JPEG + b"\r\n--frame\r\n" + JPEG
    assert first_part(reader(stream), b"frame") == JPEG


def test_part_without_any_headers():
    stream = b"--frame\r\n" + JPEG + b"\r\n--frame\r\n"
    assert first_part(reader(stream), b"frame") == JPEG


def test_no_boundary_falls_back_to_jpeg_markers():
    assert first_part(reader(b"junk" + JPEG + JPEG), None) == JPEG


def test_a_stream_that_ends_early_returns_what_came_for_the_decoder_to_judge():
    stream = b"--frame\r\n\r\n" + JPEG[:20]
    assert first_part(reader(stream), b"frame") == JPEG[:20]
