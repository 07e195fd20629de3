"""Find the first complete JPEG in a multipart/x-mixed-replace (MJPEG) byte stream."""
from __future__ import annotations

import re
from collections.abc import Callable

from pipelines.capture.decode import EOI, SOI

_BOUNDARY = re.compile(r'boundary\s*=\s*"?([^";,]+)"?', re.IGNORECASE)
_BLANK_LINE = re.compile(rb"\r?\n\r?\n")
_LENGTH = re.compile(rb"^content-length\s*:\s*(\d+)\s*$", re.IGNORECASE | re.MULTILINE)


def boundary_of(content_type: str) -> bytes | None:
    """The boundary token of a multipart Content-Type, without leading dashes.

    Dashes are dropped because cameras disagree on whether the parameter already
    includes the "--" that precedes it in the body; the bare token matches both."""
    match = _BOUNDARY.search(content_type)
    token = match[1].strip().lstrip("-") if match else ""
    return token.encode("latin-1") if token else None


def first_part(read: Callable[[], bytes], boundary: bytes | None) -> bytes:
    """Read chunks with READ (b"" at end of stream) until the first part is complete.

    Returns the part body (normally one JPEG). READ enforces the deadline and size cap."""
    buf = bytearray()
    while True:
        part = _complete_part(bytes(buf), boundary)
        if part is not None:
            return part
        chunk = read()
        if not chunk:
            # Stream ended: whatever follows the first headers is the best we have.
            return _tail_part(bytes(buf), boundary)
        buf += chunk


def _complete_part(buf: bytes, boundary: bytes | None) -> bytes | None:
    if boundary is None:
        return _scan_jpeg(buf)
    start = _body_start(buf, boundary)
    if start is None:
        return None
    body_start, headers = start
    length = _LENGTH.search(headers)
    if length:
        end = body_start + int(length[1])
        return buf[body_start:end] if len(buf) >= end else None
    end = buf.find(boundary, body_start)
    return _trim(buf[body_start:end]) if end >= 0 else None


def _body_start(buf: bytes, boundary: bytes) -> tuple[int, bytes] | None:
    """(offset of the first part's body, its header block) once the headers are in."""
    first = buf.find(boundary)
    if first < 0:
        return None
    line_end = buf.find(b"\n", first)
    # Not yet sure the headers are absent: wait for two bytes after the boundary line.
    if line_end < 0 or len(buf) < line_end + 3:
        return None
    if buf.startswith(SOI, line_end + 1):  # some cameras send no part headers at all
        return line_end + 1, b""
    blank = _BLANK_LINE.search(buf, line_end - 1)
    if blank is None:
        return None
    return blank.end(), buf[line_end + 1:blank.start()]


def _trim(part: bytes) -> bytes:
    # The body ends with CRLF "--" before the next boundary token; JPEG ends in FF D9.
    return part.rstrip(b"-").rstrip(b"\r\n")


def _scan_jpeg(buf: bytes) -> bytes | None:
    """No boundary given: take SOI .. the next EOI (good enough for odd cameras)."""
    start = buf.find(SOI)
    end = buf.find(EOI, start + 2) if start >= 0 else -1
    return buf[start:end + 2] if end >= 0 else None


def _tail_part(buf: bytes, boundary: bytes | None) -> bytes:
    if boundary is not None:
        start = _body_start(buf, boundary)
        if start is not None:
            return buf[start[0]:]  # cut short: the decoder will call it truncated
    begin = buf.find(SOI)
    return buf[begin:] if begin >= 0 else buf
